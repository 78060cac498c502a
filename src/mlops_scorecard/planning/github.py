"""Create a plan's issues in a GitHub repository through the REST API.

One ``GET /repos/{owner}/{repo}`` first, so that a wrong token, an unknown repository or
issues turned off are found before any issue exists; then one
``POST /repos/{owner}/{repo}/issues`` per issue (GitHub has no batch call). A refusal
half-way cannot undo the issues already created: the error names them. Every refusal
is a :class:`~mlops_scorecard.errors.ScorecardError` with GitHub's reason in words, never
a traceback. The token is used for these calls only and never kept.

httpx comes with the ``[server]`` extra; it is imported when a push starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RateLimitedError, ScorecardError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "GITHUB_API",
    "MAX_ISSUES",
    "CreatedIssue",
    "GitHubError",
    "PushOutcome",
    "check_repo",
    "push_issues",
]

GITHUB_API = "https://api.github.com"
_REPO = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
#: Issues one push may create: a plan has one item per question, and GitHub's secondary
#: rate limits stop content creation well before a few hundred in a row.
MAX_ISSUES = 200


class GitHubError(ScorecardError):
    """GitHub refused a call, or could not be reached."""


@dataclass(frozen=True)
class CreatedIssue:
    """An issue GitHub created: its number and its page."""

    number: int
    url: str
    title: str


@dataclass(frozen=True)
class PushOutcome:
    """What a push did: the issues created, and why it stopped (``None``: it finished).
    A push that stops half-way has created issues all the same; callers record both."""

    created: list[CreatedIssue]
    error: ScorecardError | None = None

    def raise_for_error(self) -> list[CreatedIssue]:
        """The issues created, or the error (which names the issues created before it)."""
        if self.error is not None:
            raise self.error
        return self.created


def check_repo(repo: str) -> str:
    """``owner/name`` as GitHub spells repositories, or a :class:`ScorecardError`."""
    text = repo.strip().removeprefix("https://github.com/").strip("/")
    if not _REPO.match(text) or text.endswith((".", "/..")) or "/.." in text:
        raise ScorecardError(f"repository {repo[:120]!r} is not OWNER/NAME (for example acme/ml-platform)")
    return text


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    if not isinstance(data, dict):
        return response.reason_phrase
    text = str(data.get("message") or response.reason_phrase)
    details = [
        str(e.get("message") or f"{e.get('field', '?')} {e.get('code', 'invalid')}")
        for e in data.get("errors") or []
        if isinstance(e, dict)
    ]
    return text + (f" ({'; '.join(details)})" if details else "")


def _rate_limited(response: httpx.Response) -> RateLimitedError | None:
    remaining = response.headers.get("x-ratelimit-remaining")
    retry = response.headers.get("retry-after")
    text = _message(response)
    if response.status_code not in (403, 429) or not (
        response.status_code == 429 or remaining == "0" or retry or "rate limit" in text.lower()
    ):
        return None
    wait: int | None = None
    if retry and retry.isdigit():
        wait = int(retry)
    reset = response.headers.get("x-ratelimit-reset")
    if reset and reset.isdigit():
        at = dt.datetime.fromtimestamp(int(reset), dt.UTC)
        when = f"after {at:%H:%M} UTC"
    else:
        when = f"in {wait} seconds" if wait is not None else "later"
    return RateLimitedError(f"GitHub's rate limit is reached ({text}); try again {when}", retry_after=wait)


def _refusal(response: httpx.Response, repo: str, what: str) -> ScorecardError:
    limited = _rate_limited(response)
    if limited is not None:
        return limited
    code = response.status_code
    text = _message(response)
    if code == 401:
        return GitHubError(f"GitHub refused the token (401 {text}): check that it is right and not expired")
    if code == 403:
        return GitHubError(
            f"the token may not {what} in {repo} (403 {text}): it needs write access to the repository's issues"
        )
    if code == 404:
        return GitHubError(
            f"repository {repo} was not found, or the token cannot see it (404): check OWNER/NAME and the token's access"
        )
    if code == 410:
        return GitHubError(f"issues are turned off in {repo} (410 {text})")
    if code == 422:
        return GitHubError(f"GitHub refused to {what} in {repo} (422 {text})")
    return GitHubError(f"GitHub answered {code} when asked to {what} in {repo}: {text}")


def _created_so_far(created: Sequence[CreatedIssue]) -> str:
    if not created:
        return ""
    shown = ", ".join(f"#{c.number}" for c in created[:20])
    return f"; {len(created)} issue{'' if len(created) == 1 else 's'} created before it stopped: {shown}"


def push_issues(
    issues: Sequence[dict[str, Any]],
    *,
    repo: str,
    token: str,
    api_url: str = GITHUB_API,
    timeout: float = 20.0,
) -> PushOutcome:
    """Create ``issues`` (``{title, body, labels}`` each, as
    :func:`~mlops_scorecard.planning.export.github_issues` gives) in ``repo`` with
    ``token``: the issues created, in order, and GitHub's refusal if one stopped it.
    ``api_url`` is GitHub's API root (GitHub Enterprise's ``https://HOST/api/v3``, or a
    test server). Input that is wrong before any call is a :class:`ScorecardError`
    raised at once."""
    import httpx

    repo = check_repo(repo)
    if not api_url.startswith(("https://", "http://")):
        raise ScorecardError(f"the GitHub API address {api_url[:80]!r} must start with https://")
    token = token.strip()
    if not token:
        raise ScorecardError(
            "a GitHub token is needed to create issues (a fine-grained token with Issues: write)"
        )
    if any(c.isspace() for c in token) or len(token) > 500:
        raise ScorecardError("the GitHub token is malformed (it holds spaces or is too long)")
    if not issues:
        raise ScorecardError("the plan has no open items: there is nothing to create")
    if len(issues) > MAX_ISSUES:
        raise ScorecardError(f"{len(issues)} issues are more than one push may create ({MAX_ISSUES})")
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "mlops-scorecard",
    }
    created: list[CreatedIssue] = []
    base = api_url.rstrip("/")
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=timeout, follow_redirects=False) as client:
            found = client.get(f"/repos/{repo}")
            if found.status_code != 200:
                return PushOutcome([], _refusal(found, repo, "read the repository"))
            info = found.json()
            if isinstance(info, dict) and info.get("has_issues") is False:
                return PushOutcome(
                    [], GitHubError(f"issues are turned off in {repo}: turn them on in its settings")
                )
            for issue in issues:
                answer = client.post(f"/repos/{repo}/issues", json=issue)
                if answer.status_code != 201:
                    problem = _refusal(answer, repo, f"create the issue {str(issue.get('title'))[:60]!r}")
                    problem.problems[-1] += _created_so_far(created)
                    return PushOutcome(created, problem)
                data = answer.json()
                created.append(
                    CreatedIssue(
                        number=int(data.get("number", 0)),
                        url=str(data.get("html_url", "")),
                        title=str(data.get("title", issue.get("title", ""))),
                    )
                )
    except httpx.HTTPError as exc:
        why = f"could not reach GitHub at {base} ({type(exc).__name__}: {exc}){_created_so_far(created)}"
        return PushOutcome(created, GitHubError(why))
    except ValueError:
        why = f"GitHub at {base} answered something that is not JSON{_created_so_far(created)}"
        return PushOutcome(created, GitHubError(why))
    return PushOutcome(created)
