"""Fuzzing the HTML routes (everything outside ``/api``): no request gets a 5xx.

Every route of the app's route table is called with generated path parameters, query
strings, form fields, uploaded files and JSON bodies (NUL characters, Unicode digits, huge
numbers, long strings, nested data, alias bombs, real ids and tokens), once as a logged-in
admin with a valid CSRF token and once anonymously, on SQLite and on PostgreSQL. First
every path parameter gets every hostile value of a fixed list, then Hypothesis draws a
bounded number of examples per route, so a run stays within tens of seconds per backend.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from scans import tracking_scan
from support import PASSWORD, csrf_of, login_client

from mlops_scorecard.example import example_answers
from mlops_scorecard.framework import get_framework
from mlops_scorecard.store.accounts import create_user
from mlops_scorecard.store.answers import import_answer_set
from mlops_scorecard.store.assessments import create_assessment, set_status
from mlops_scorecard.store.evidence import save_scan
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.share_links import create_share_link
from mlops_scorecard.store.units import create_unit

#: Examples Hypothesis draws per route and client.
MAX_EXAMPLES = 6

HOSTILE = [
    "\x00",
    "1\x00",
    "\u00b2",
    "\u0663",
    "\uff11",
    "-1",
    "0",
    "1.5",
    "1e3",
    "99999999999999999999999999",
    str(2**31),
    "x" * 5000,
    "%",
    "..",
    " ",
    "\ud7ff\ufffd",
    "<script>",
    "'; DROP TABLE units; --",
]

FORM_FIELDS = [
    "name", "kind", "parent_id", "unit_id", "title", "date", "framework", "question_set", "status",
    "role", "username", "password", "next", "go", "direction", "owner", "note", "due_date",
    "question_id", "answer-gov-strategy", "comment-gov-strategy", "revision-gov-strategy",
    "target_governance", "team", "a", "b",
]  # fmt: skip
QUERY_KEYS = ["team", "unit", "imported", "uploaded", "created", "a", "b", "next", "format"]

FW = get_framework("mlops-scorecard")


@pytest.fixture
def seeded(app: FastAPI) -> dict[str, list[str]]:
    """Real rows for generated values to hit: ids, tokens and question ids per parameter."""
    with app.state.scorecard.write() as s:
        create_user(s, username="admin", password=PASSWORD, role="admin")
        org = create_unit(s, name="Acme", kind="organization")
        team = create_unit(s, name="Payments ML team", parent_id=org.id)
        a = create_assessment(s, unit_id=team.id, title="Q1", status="open", targets={"governance": 70})
        import_answer_set(s, assessment=a, answers=example_answers(FW, respondents=3))
        respondent, personal = create_invitation(s, assessment=a, name="Grace Liu", role="product")
        link, shared = create_share_link(s, assessment=a)
        save_scan(s, assessment=a, result=tracking_scan())
        closed = create_assessment(s, unit_id=team.id, title="Q0", status="open")
        set_status(s, assessment=closed, status="closed")
        ids = [str(org.id), str(team.id), str(a.id), str(closed.id), str(respondent.id), str(link.id)]
    return {
        "id": ids,
        "token": [personal, shared],
        "question_id": ["gov-strategy", "mon-drift"],
        "n": ["1", "2", "6", "7"],
        "kind": ["radar", "stellar"],
        "fmt": ["json", "md", "html", "csv", "yaml"],
    }


def _values(seeded: dict[str, list[str]], param: str) -> list[str]:
    if param in seeded:
        return seeded[param]
    return seeded["id"] if param.endswith("_id") else ["1"]


def html_routes(app: FastAPI) -> list[tuple[str, str, list[str]]]:
    """(method, path template, path parameter names) of every route outside ``/api``."""
    out: list[tuple[str, str, list[str]]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = context.path
        if isinstance(route, APIRoute) and path and not path.startswith("/api/"):
            params = re.findall(r"{(\w+)}", path)
            out.extend((method, path, params) for method in sorted(route.methods or ()))
    return out


def fill(template: str, values: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: quote(values[m.group(1)], safe=""), template)


text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),  # httpx cannot send surrogates
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(alphabet="0123456789", min_size=1, max_size=12),
)
json_data = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=20,
)
answer_json = st.fixed_dictionaries(
    {},
    optional={
        "question_id": st.one_of(st.just("gov-strategy"), text),
        "answer": st.one_of(st.sampled_from(["yes", "no", "partly", "na"]), text),
        "comment": text,
        "revision": st.one_of(st.integers(min_value=-5, max_value=2**70), text, st.none()),
    },
)
FILES = [
    "framework: mlops-scorecard\nrespondents:\n- &p {answers: {gov-strategy: yes}}\n" + "- *p\n" * 200,
    "[" * 5000 + "]" * 5000,
    "respondents:\n" + "- " * 2000 + "x\n",
    '{"framework": "mlops-scorecard", "title": "\\ud800"}',
    "framework: mlops-scorecard\nrespondents:\n- {answers: {gov-strategy: yes}}\n",
    "framework: mlops-scorecard\ndate: 2026-13-45\n",
    "\ufeff",
]
upload = st.tuples(
    st.sampled_from(["a.yaml", "a.json", "", "x" * 300, "../../etc/passwd"]),
    st.one_of(st.sampled_from(FILES), text).map(str.encode),
)


@st.composite
def requests(
    draw: st.DrawFn, template: str, params: list[str], seeded: dict[str, list[str]]
) -> dict[str, Any]:
    values = {p: draw(st.one_of(st.sampled_from(_values(seeded, p)), text)) for p in params}
    query = draw(st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=3))
    body: dict[str, Any] = {}
    if template.endswith("/answers"):
        body["content"] = json.dumps(draw(st.one_of(answer_json, json_data))).encode()
        body["headers"] = {"Content-Type": "application/json"}
    else:
        body["data"] = draw(st.dictionaries(st.sampled_from(FORM_FIELDS) | text, text, max_size=6))
        if template.endswith("/upload") and draw(st.booleans()):
            body["files"] = {"file": draw(upload)}
    return {"url": fill(template, values), "params": query, **body}


@pytest.fixture
def clients(app: FastAPI, seeded: dict[str, list[str]]) -> Iterator[dict[str, TestClient]]:
    admin = login_client(app, "admin")
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        yield {"admin": admin, "anonymous": anonymous}


def test_html_routes_never_answer_5xx(
    app: FastAPI, seeded: dict[str, list[str]], clients: dict[str, TestClient]
) -> None:
    routes = html_routes(app)
    assert len(routes) >= 40
    csrf = csrf_of(clients["admin"])
    calls: Counter[str] = Counter()
    failures: dict[str, str] = {}

    def call(who: str, method: str, request: dict[str, Any]) -> None:
        if who == "admin" and method == "POST" and "data" in request:
            request["data"] = {**request["data"], "csrf_token": csrf}
        calls[who] += 1
        r = clients[who].request(method, follow_redirects=False, **request)
        assert r.status_code < 500, (
            f"{who} {method} {request['url'][:200]} -> {r.status_code}: {r.text[:300]}"
        )

    for method, template, params in routes:
        for who in ("admin", "anonymous"):
            if who == "admin" and template == "/logout":
                continue  # the admin's session must survive the run
            label = f"{who} {method} {template}"
            try:
                for param in params:
                    for value in HOSTILE:
                        values = {p: _values(seeded, p)[0] for p in params} | {param: value}
                        call(
                            who,
                            method,
                            {"url": fill(template, values), "data": {}}
                            if method == "POST"
                            else {"url": fill(template, values)},
                        )
                _fuzz(who, method, template, params, seeded, call)
            except Exception as exc:  # collect every route's failure, then report them together
                failures[label] = f"{type(exc).__name__}: {exc}"[:1500]
    print(f"fuzzed {len(routes)} routes with {sum(calls.values())} requests")
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())


def _fuzz(
    who: str, method: str, template: str, params: list[str], seeded: dict[str, list[str]], call: Any
) -> None:
    @given(request=requests(template, params, seeded))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(request: dict[str, Any]) -> None:
        if method == "GET":
            request.pop("data", None)
            request.pop("files", None)
            request.pop("content", None)
        call(who, method, request)

    run()
