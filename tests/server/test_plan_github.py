"""Creating a plan's issues in GitHub through the REST API, against a real small HTTP
server on 127.0.0.1 that answers as GitHub does (``fake_github.py``): what is sent
(title, body, labels, token), and GitHub's refusals in words (401, 403, 404, 410, 422,
rate limits, a refusal half-way, an unreachable server), never a traceback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_github import TOKEN, FakeGitHub, fake_github

from mlops_scorecard.errors import RateLimitedError, ScorecardError
from mlops_scorecard.planning.github import GitHubError, check_repo, push_issues

ISSUES = [
    {
        "title": f"Governance: Do thing {i}",
        "body": f"**To do:** thing {i}\n",
        "labels": ["mlops-scorecard", "governance"],
    }
    for i in range(3)
]


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with fake_github() as fake:
        yield fake


def test_issues_are_created_with_title_body_labels_and_the_token(gh: FakeGitHub) -> None:
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    created = outcome.raise_for_error()
    assert [c.number for c in created] == [101, 102, 103]
    assert created[0].url == "https://github.com/acme/ml-platform/issues/101"
    assert gh.issues == ISSUES
    first = gh.requests[0]
    assert (first.method, first.path) == ("GET", "/repos/acme/ml-platform")
    post = gh.requests[1]
    assert post.path == "/repos/acme/ml-platform/issues"
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.headers["accept"] == "application/vnd.github+json"
    assert post.headers["x-github-api-version"] == "2022-11-28"


def test_a_bad_token_is_401_in_words_and_nothing_is_created(gh: FakeGitHub) -> None:
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token="ghp_wrong", api_url=gh.url)
    assert outcome.created == []
    assert isinstance(outcome.error, GitHubError)
    assert "GitHub refused the token (401 Bad credentials)" in str(outcome.error)
    assert gh.issues == []
    with pytest.raises(GitHubError, match="401"):
        outcome.raise_for_error()


def test_an_unknown_repository_is_404_and_issues_turned_off_say_so(gh: FakeGitHub) -> None:
    outcome = push_issues(ISSUES, repo="acme/nothing", token=TOKEN, api_url=gh.url)
    assert "repository acme/nothing was not found, or the token cannot see it (404)" in str(outcome.error)
    gh.has_issues = False
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    assert "issues are turned off in acme/ml-platform" in str(outcome.error)
    assert gh.issues == []


def test_a_refusal_half_way_names_the_issues_created(gh: FakeGitHub) -> None:
    gh.refusals = [
        (201, {}, {}),
        (422, {"message": "Validation Failed", "errors": [{"field": "title", "code": "missing_field"}]}, {}),
    ]
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    assert [c.number for c in outcome.created] == [101]
    text = str(outcome.error)
    assert "GitHub refused to create the issue 'Governance: Do thing 1'" in text
    assert "422 Validation Failed (title missing_field)" in text
    assert "1 issue created before it stopped: #101" in text
    assert len(gh.issues) == 1


def test_403_without_permission_and_rate_limits(gh: FakeGitHub) -> None:
    gh.refusals = [(403, {"message": "Resource not accessible by personal access token"}, {})]
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    assert "the token may not create the issue" in str(outcome.error)
    assert "it needs write access to the repository's issues" in str(outcome.error)
    # the primary rate limit: 403 with no requests left, and when it resets
    gh.refusals = [
        (
            403,
            {"message": "API rate limit exceeded"},
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1893456000"},
        )
    ]
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    assert isinstance(outcome.error, RateLimitedError)
    assert "GitHub's rate limit is reached" in str(outcome.error)
    assert "try again after 00:00 UTC" in str(outcome.error)
    # a secondary limit: 429 with Retry-After
    gh.refusals = [(429, {"message": "You have exceeded a secondary rate limit"}, {"retry-after": "60"})]
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=gh.url)
    assert isinstance(outcome.error, RateLimitedError)
    assert outcome.error.retry_after == 60
    assert "try again in 60 seconds" in str(outcome.error)


def test_an_unreachable_server_is_a_message() -> None:
    with fake_github() as fake:
        url = fake.url
    outcome = push_issues(ISSUES, repo="acme/ml-platform", token=TOKEN, api_url=url, timeout=2)
    assert isinstance(outcome.error, GitHubError)
    assert f"could not reach GitHub at {url}" in str(outcome.error)


def test_input_checked_before_any_call() -> None:
    assert check_repo(" https://github.com/acme/ml-platform/ ") == "acme/ml-platform"
    for bad in ("acme", "acme/ml/platform", "../etc", "acme/..", "-acme/x y"):
        with pytest.raises(ScorecardError, match="is not OWNER/NAME"):
            check_repo(bad)
    with pytest.raises(ScorecardError, match="a GitHub token is needed"):
        push_issues(ISSUES, repo="acme/x", token=" ", api_url="http://127.0.0.1:9")
    with pytest.raises(ScorecardError, match="malformed"):
        push_issues(ISSUES, repo="acme/x", token="a b", api_url="http://127.0.0.1:9")
    with pytest.raises(ScorecardError, match="no open items"):
        push_issues([], repo="acme/x", token=TOKEN, api_url="http://127.0.0.1:9")
    with pytest.raises(ScorecardError, match="must start with https://"):
        push_issues(ISSUES, repo="acme/x", token=TOKEN, api_url="file:///etc/passwd")
