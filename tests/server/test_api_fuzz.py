"""Fuzzing the REST API from its own OpenAPI document (schemathesis): no request gets a 5xx.

Runs on SQLite only, authenticated with an admin token, against a database seeded with
a unit, an open assessment with answers, an invitation, a shared link and a closed
assessment, so that generated ids sometimes hit real rows. Each operation gets a bounded
number of examples so that the whole run stays well under a minute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scans import tracking_scan
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from sqlalchemy import update

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.settings import Settings
from mlops_scorecard.store.accounts import create_api_token, create_user
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment, set_status
from mlops_scorecard.store.evidence import save_scan
from mlops_scorecard.store.models import ApiToken
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.share_links import create_share_link
from mlops_scorecard.store.units import create_unit
from mlops_scorecard.web import create_app


@pytest.fixture
def fuzz_app(sqlite_url: str) -> Iterator[FastAPI]:
    # the plan's push to GitHub goes to a closed local port, never to the real GitHub
    settings = Settings(
        database_url=sqlite_url, secret_key="fuzz-secret-key", github_api_url="http://127.0.0.1:9"
    )
    app = create_app(settings)
    with app.state.scorecard.write() as s:
        admin = create_user(s, username="admin", password="fuzz-password", role="admin")
        token, plain = create_api_token(s, user=admin, name="fuzz")
        org = create_unit(s, name="Acme", kind="organization")
        team = create_unit(s, name="Payments ML team", parent_id=org.id)
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open", targets={"governance": 70})
        import_answer_set(s, assessment=a, answers=example_answers(get_framework("mlops-scorecard")))
        create_invitation(s, assessment=a, name="Grace Liu", role="product")
        create_share_link(s, assessment=a)
        save_scan(s, assessment=a, result=tracking_scan())
        closed = create_assessment(s, unit_id=team.id, title="Q0", status="open")
        set_status(s, assessment=closed, status="closed")
    app.state.fuzz_token = plain
    app.state.fuzz_token_id = token.id
    yield app
    app.state.scorecard.engine.dispose()


#: Examples per operation and generation mode (data that fits the schema, data that does not).
MAX_EXAMPLES = 25


def test_api_never_answers_5xx(fuzz_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app).include(path_regex="^/api/v1/")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 20
    calls: Counter[str] = Counter()
    failures: dict[str, str] = {}
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        try:
            _fuzz(fuzz_app, operation, calls)
        except Exception as exc:  # collect every operation's failure, then report them together
            failures[label] = f"{type(exc).__name__}: {exc}"[:2000]
    print(f"fuzzed {len(operations)} operations with {sum(calls.values())} requests")
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())


def _fuzz(app: FastAPI, operation: APIOperation[Any, Any, Any, Any], calls: Counter[str]) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    auth = {"Authorization": f"Bearer {app.state.fuzz_token}"}
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, headers=auth),
        operation.as_strategy(GenerationMode.NEGATIVE, headers=auth),
    )

    @given(case=strategy)
    @settings(
        max_examples=2 * MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Case[Any]) -> None:
        calls[label] += 1
        response = case.call(headers=auth)
        try:
            case.validate_response(response, checks=[not_a_server_error])
        finally:
            if case.method == "DELETE" and case.path.startswith("/api/v1/tokens/"):
                _unrevoke(app)

    run()


def _unrevoke(app: FastAPI) -> None:
    # The fuzzer may revoke its own token; keep it usable for the next examples.
    with app.state.scorecard.write() as s:
        s.execute(update(ApiToken).where(ApiToken.id == app.state.fuzz_token_id).values(revoked_at=None))
