"""The cross-check: merged findings, suggested answers and disagreements, on scans built
by hand (the scanner is tested on its own)."""

from __future__ import annotations

from mlops_scorecard.answers import AnswerSet
from mlops_scorecard.evidence.crosscheck import answer_counts, crosscheck, merge_practices
from mlops_scorecard.evidence.results import Evidence, PracticeFinding, RepositoryScan, ScanResult, Status
from mlops_scorecard.framework import Framework


def _finding(pid: str, status: Status, *paths: str, negative: bool = False) -> PracticeFinding:
    evidence = [Evidence(path=p, line=3, signal="s", confidence="high") for p in paths]
    return PracticeFinding(
        id=pid,
        title=pid.replace("-", " ").title(),
        negative=negative,
        status=status,
        confidence="high" if status == "found" else None,
        evidence=evidence,
        evidence_total=len(evidence),
    )


def _repo(name: str, *findings: PracticeFinding) -> RepositoryScan:
    return RepositoryScan(path=f"/src/{name}", name=name, kind="git", practices=list(findings))


def test_merge_finds_a_practice_any_repository_shows() -> None:
    scan = ScanResult(
        repositories=[
            _repo("api", _finding("ci", "not-found"), _finding("tests", "inconclusive")),
            _repo("train", _finding("ci", "found", ".gitlab-ci.yml"), _finding("tests", "not-found")),
        ]
    )
    merged = {f.id: f for f in merge_practices(scan)}
    assert merged["ci"].status == "found"
    assert [(e.repository, e.path) for e in merged["ci"].evidence] == [("train", ".gitlab-ci.yml")]
    assert merged["tests"].status == "inconclusive"
    assert list(merged) == ["ci", "tests"]


def test_a_negative_practice_found_in_one_repository_is_found() -> None:
    scan = ScanResult(
        repositories=[
            _repo("a", _finding("large-artifacts-committed", "not-found", negative=True)),
            _repo("b", _finding("large-artifacts-committed", "found", "model.pkl", negative=True)),
        ]
    )
    (merged,) = merge_practices(scan)
    assert merged.status == "found"
    assert merged.negative


def _answers(framework: Framework, **by_question: list[str]) -> AnswerSet:
    n = max(len(v) for v in by_question.values())
    respondents = [
        {"answers": {q.replace("_", "-"): keys[i] for q, keys in by_question.items() if i < len(keys)}}
        for i in range(n)
    ]
    return AnswerSet.model_validate(
        {"framework": framework.ref, "question_set": "full", "respondents": respondents}
    )


def test_disagreements_name_the_answers_and_the_files(framework: Framework) -> None:
    scan = ScanResult(
        repositories=[
            _repo(
                "train",
                _finding("data-validation", "found", "checks/schema.py"),
                _finding("code-ownership", "not-found"),
                _finding("data-versioning", "found", "dvc.yaml"),
                _finding("large-artifacts-committed", "found", "models/model.pkl", negative=True),
            )
        ]
    )
    answers = _answers(
        framework,
        data_quality_control=["no", "unknown", "yes"],
        gov_roles=["yes", "yes", "no"],
        data_versioning=["yes", "yes", "yes"],
        gov_strategy=["yes", "yes", "yes"],
    )
    check = crosscheck(scan, framework, answer_counts(answers))
    kinds = {(d.question, d.kind): d for d in check.disagreements}
    not_claimed = kinds[("data-quality-control", "evidence-not-claimed")]
    assert not_claimed.message.startswith("2 of 3 answered no or don't know")
    assert not_claimed.files == ["train:checks/schema.py:3"]
    claimed = kinds[("gov-roles", "claimed-without-evidence")]
    assert claimed.message.startswith("2 of 3 answered yes; no code ownership found")
    contradicted = kinds[("data-versioning", "contradicted-by-evidence")]
    assert contradicted.files == ["train:models/model.pkl:3"]
    # a question no practice bears on is never a disagreement
    assert not any(d.question == "gov-strategy" for d in check.disagreements)
    # a practice found with no one answering against it is no disagreement
    assert ("data-versioning", "evidence-not-claimed") not in kinds


def test_inconclusive_evidence_does_not_contradict_a_yes(framework: Framework) -> None:
    scan = ScanResult(repositories=[_repo("r", _finding("code-ownership", "inconclusive"))])
    check = crosscheck(scan, framework, {"gov-roles": {"yes": 4}})
    assert check.disagreements == []
    assert check.suggestions == []


def test_suggestions_follow_the_evidence(framework: Framework) -> None:
    scan = ScanResult(
        repositories=[
            _repo(
                "r",
                _finding("data-validation", "found", "gx/great_expectations.yml"),
                _finding("experiment-tracking", "found", "train.py"),
                _finding("model-registry", "not-found"),
                _finding("data-versioning", "not-found"),
                _finding("pinned-dependencies", "found", "poetry.lock"),
                _finding("random-seeds", "found", "train.py"),
                _finding("large-artifacts-committed", "found", "model.pt", negative=True),
            )
        ]
    )
    by_question = {s.question: s for s in crosscheck(scan, framework, {}).suggestions}
    assert by_question["data-quality-control"].answer == "yes"
    assert by_question["data-quality-control"].evidence[0].path == "gx/great_expectations.yml"
    # reproducibility: some of its practices found, others not, and binaries committed
    repro = by_question["dev-reproducibility"]
    assert repro.answer == "partly"
    assert "not found" in repro.reason
    assert "large artifacts committed" in repro.reason
    # data versioning: nothing found and binaries committed: the code says no
    assert by_question["data-versioning"].answer == "no"


def test_only_the_questions_asked_are_considered(framework: Framework) -> None:
    scan = ScanResult(repositories=[_repo("r", _finding("code-ownership", "not-found"))])
    # gov-roles is an extended question: not asked in a core assessment
    check = crosscheck(scan, framework, {"gov-roles": {"yes": 2}}, question_set="core")
    assert check.disagreements == []
    assert check.suggestions == []
    assert crosscheck(scan, framework, {"gov-roles": {"yes": 2}}).disagreements
