"""Published frameworks in the store, on SQLite and PostgreSQL: publish, the same again,
immutable once used, delete, and assessments on a published framework end to end."""

from __future__ import annotations

import json

import pytest
from custom_frameworks import ACME, ACME_BROKEN, ACME_CHANGED
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mlops_scorecard.errors import ConflictError, FrameworkError, NotFoundError
from mlops_scorecard.store.answer_sets import assessment_framework
from mlops_scorecard.store.answers import save_answer
from mlops_scorecard.store.assessments import create_assessment, get_assessment, set_status
from mlops_scorecard.store.db import transaction
from mlops_scorecard.store.frameworks import (
    available_frameworks,
    delete_published,
    get_published,
    list_published,
    publish,
    resolve,
    usage,
)
from mlops_scorecard.store.models import PublishedFramework
from mlops_scorecard.store.reporting import render_stored_report
from mlops_scorecard.store.respondents import create_invitation
from mlops_scorecard.store.results import result_for
from mlops_scorecard.store.units import create_unit


def _assessment_on(s: Session, ref: str) -> int:
    unit = create_unit(s, name="Search")
    return create_assessment(s, unit_id=unit.id, title="Q1", framework=ref, status="open").id


def test_publish_then_the_same_again(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        done = publish(s, text=ACME, filename="acme.yaml")
        assert done.status == "created"
        assert done.framework.ref == "acme-mlops@1.0"
        assert done.framework.extends == "mlops-scorecard@1.0.0"
    with transaction(sessions) as s:
        again = publish(s, text=ACME + "# a comment changes no content\n", filename="acme.yaml")
        assert again.status == "unchanged"
        rows = list_published(s)
        assert [(r.framework_id, r.version, r.title) for r in rows] == [
            ("acme-mlops", "1.0", "ACME MLOps scorecard")
        ]
        assert rows[0].source_text == ACME  # round trip: the text as uploaded
        fw = resolve(s, "acme-mlops@1.0")
        assert fw.question("gov-team") is None
        found = fw.question("gov-strategy")
        assert found is not None
        assert found[1].text.endswith("signed by the board?")
        assert resolve(s, "acme-mlops").ref == "acme-mlops@1.0"
        assert [f.ref for f in available_frameworks(s)][-1] == "acme-mlops@1.0"


def test_unused_version_may_be_replaced_then_not_once_used(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        publish(s, text=ACME)
    with transaction(sessions) as s:
        before = resolve(s, "acme-mlops@1.0")
        assert resolve(s, "acme-mlops@1.0") is before  # parsed once
        assert publish(s, text=ACME_CHANGED).status == "replaced"
        assert resolve(s, "acme-mlops@1.0") is not before
        found = resolve(s, "acme-mlops@1.0").question("gov-strategy")
        assert found is not None
        assert found[1].text.endswith("signed by the CEO?")  # the cache saw the new content
        _assessment_on(s, "acme-mlops@1.0")
    with transaction(sessions) as s, pytest.raises(ConflictError) as info:
        publish(s, text=ACME, filename="acme.yaml")
    assert str(info.value) == (
        "acme.yaml: acme-mlops@1.0 is in use (1 assessment uses it): a framework version in use cannot "
        "change, or its results would change with it; publish the new content as a new version"
    )
    with transaction(sessions) as s:
        assert publish(s, text=ACME_CHANGED).status == "unchanged"  # the same content is fine
        assert publish(s, text=ACME.replace('"1.0"', '"1.1"')).status == "created"


def test_extended_version_is_in_use(sessions: sessionmaker[Session]) -> None:
    child = 'extends: acme-mlops@1.0\nid: acme-search\nversion: "1"\ntitle: Search team\n'
    with transaction(sessions) as s:
        publish(s, text=ACME)
        made = publish(s, text=child)
        assert made.framework.extends == "acme-mlops@1.0"
        assert made.framework.question("sec-secrets") is not None  # a chain: built-in -> acme -> search
        assert usage(s, ref="acme-mlops@1.0").extended_by == ["acme-search@1"]
    with transaction(sessions) as s, pytest.raises(ConflictError, match=r"extended by acme-search@1"):
        publish(s, text=ACME_CHANGED)
    with transaction(sessions) as s, pytest.raises(ConflictError, match="cannot be deleted"):
        delete_published(s, ref="acme-mlops@1.0")
    with transaction(sessions) as s:
        delete_published(s, ref="acme-search@1")
        delete_published(s, ref="acme-mlops@1.0")
        assert list_published(s) == []


def test_delete_refused_when_used_and_unknown_ref(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        publish(s, text=ACME)
        _assessment_on(s, "acme-mlops@1.0")
    with transaction(sessions) as s, pytest.raises(ConflictError, match=r"1 assessment uses it"):
        delete_published(s, ref="acme-mlops@1.0")
    with transaction(sessions) as s, pytest.raises(NotFoundError):
        get_published(s, ref="acme-mlops@9")


def test_refused_uploads_write_nothing(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s, pytest.raises(FrameworkError) as info:
        publish(s, text=ACME_BROKEN, filename="broken.yaml")
    assert str(info.value).splitlines() == [
        "broken.yaml: line 10: drop.questions[0]: unknown question id 'gov-nothing' in the base",
    ]
    with transaction(sessions) as s, pytest.raises(FrameworkError) as info:
        publish(s, text=ACME_BROKEN.replace("gov-nothing", "gov-team"), filename="broken.yaml")
    assert str(info.value).splitlines() == [
        "broken.yaml: line 4: title: String should have at least 1 character",
        "broken.yaml: line 8: dimensions[0] (governance).questions[0] (gov-strategy).weight: "
        "Input should be greater than 0",
    ]
    builtin_id = ACME.replace("id: acme-mlops", "id: mlops-scorecard")
    with transaction(sessions) as s, pytest.raises(FrameworkError, match="is a built-in framework's id"):
        publish(s, text=builtin_id)
    long_title = ACME.replace("title: ACME MLOps scorecard", "title: " + "x" * 201)
    with transaction(sessions) as s, pytest.raises(FrameworkError, match="title: at most 200"):
        publish(s, text=long_title)
    with transaction(sessions) as s, pytest.raises(FrameworkError, match="line 1: invalid JSON"):
        publish(s, text="{not json", filename="x.json")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(PublishedFramework)) == 0


def test_json_upload(sessions: sessionmaker[Session]) -> None:
    body = json.dumps({"extends": "mlops-scorecard@1.0.0", "id": "j", "version": "1", "title": "J"}, indent=1)
    with transaction(sessions) as s:
        assert publish(s, text=body, filename="j.json").framework.ref == "j@1"


def test_unknown_references(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        publish(s, text=ACME)
        with pytest.raises(FrameworkError, match=r"has no published version '2\.0'"):
            resolve(s, "acme-mlops@2.0")
        with pytest.raises(FrameworkError, match="neither built-in nor published"):
            resolve(s, "nobody@1")
        with pytest.raises(FrameworkError, match="has no version '9'"):
            resolve(s, "mlops-scorecard@9")
        with pytest.raises(FrameworkError, match="neither built-in nor published"):
            resolve(s, "acme.yaml")  # never a file


def test_assessment_on_a_published_framework(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        publish(s, text=ACME)
        aid = _assessment_on(s, "acme-mlops@1.0")
        a = get_assessment(s, assessment_id=aid)
        respondent, _ = create_invitation(s, assessment=a, name="Ana", role="engineer")
        for qid, answer in [("gov-strategy", "yes"), ("sec-secrets", "no"), ("gov-policies", "partly")]:
            save_answer(s, respondent=respondent, assessment=a, question_id=qid, answer=answer)
        with pytest.raises(NotFoundError, match="gov-team"):
            save_answer(s, respondent=respondent, assessment=a, question_id="gov-team", answer="yes")
    with transaction(sessions) as s:
        a = get_assessment(s, assessment_id=aid)
        assert assessment_framework(a).title == "ACME MLOps scorecard"
        result = result_for(s, assessment=a)
        scores = {d["id"]: d["score"] for d in result["dimensions"]}
        assert scores["governance"] == 75.0
        assert scores["acme-security"] == 0.0
        report = render_stored_report(s, assessment=a, fmt="md", with_names=True).decode()
        assert "ACME MLOps scorecard" in report
        assert "Does ACME have a written ML strategy signed by the board?" in report
        set_status(s, assessment=a, status="closed")
    with sessions() as s:
        assert get_assessment(s, assessment_id=aid).frozen_result is not None


ACME_11 = """\
extends: acme-mlops@1.0
id: acme-mlops
version: "1.1"
previous: acme-mlops@1.0
changes:
  - {kind: renamed, from: sec-secrets, to: sec-vault, note: "secrets now live in a vault"}
dimensions:
  - id: acme-security
    questions:
      - {id: sec-vault, text: "Are secrets kept in a vault, never in repositories?"}
drop:
  questions: [sec-secrets]
"""

ACME_12 = """\
extends: acme-mlops@1.1
id: acme-mlops
version: "1.2"
previous: acme-mlops@1.1
title: ACME MLOps scorecard, 2027
"""


def test_comparisons_follow_a_chain_of_published_versions(sessions: sessionmaker[Session]) -> None:
    from mlops_scorecard.store.analysis import compare_assessments

    with transaction(sessions) as s:
        for text in (ACME, ACME_11, ACME_12):
            publish(s, text=text)
        unit = create_unit(s, name="Search")
        ids = []
        for ref, qid, answer in [
            ("acme-mlops@1.0", "sec-secrets", "no"),
            ("acme-mlops@1.2", "sec-vault", "yes"),
        ]:
            a = create_assessment(s, unit_id=unit.id, title=ref, framework=ref, status="open")
            respondent, _ = create_invitation(s, assessment=a, name="Ana", role="engineer")
            save_answer(s, respondent=respondent, assessment=a, question_id=qid, answer=answer)
            ids.append(a.id)
    with sessions() as s:
        # 1.2 declares nothing about 1.0: the rename is found through 1.1, a published version
        stored = compare_assessments(s, a_id=ids[0], b_id=ids[1])
        data = stored.comparison.to_dict()
        changed = {q["question"]: q for q in data["questions"]}
        assert changed["sec-vault"]["kind"] == "renamed"
        assert changed["sec-vault"]["from"] == ["sec-secrets"]
        dims = {d["dimension"]: d for d in data["dimensions"]}
        assert dims["acme-security"]["delta"] == 100.0
