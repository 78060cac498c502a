"""Simulated coverage of the score intervals (``mlops_scorecard.analysis.uncertainty``).

Teams are drawn with a known truth: every question has a true answer distribution over
yes / partly / no (and a 5% chance of "don't know", which carries no value), and each
respondent answers every question independently from it. The true score is what the
documented method gives with infinitely many respondents: each question's value is the
expected value of its distribution. An interval *covers* when it contains the truth.

Four kinds of team are drawn in turn, so the table holds for mature and early teams,
for split and for agreeing ones: per question, the answer probabilities come from a
Dirichlet with concentration (1, 1, 1) "varied", (4, 1, 0.5) "mature", (0.5, 1, 4)
"early" or (0.3, 0.3, 0.3) "consensus" (most respondents give the same answer).

A fifth scenario, "correlated", breaks the independence on purpose: each respondent has
a leniency that shifts all their answers up or down together. The docs show it apart.

``python tests/interval_coverage.py`` prints the tables of ``docs/analysis.md``;
``tests/test_interval_coverage.py`` checks them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from mlops_scorecard.analysis.uncertainty import matrix_intervals
from mlops_scorecard.answers import parse_answers
from mlops_scorecard.framework import Framework, get_framework
from mlops_scorecard.matrix import ScoreMatrix

SIZES = (3, 4, 5, 8, 10, 20, 40)
SETS = ("core", "full")
FAMILIES: dict[str, tuple[float, float, float]] = {
    "varied": (1.0, 1.0, 1.0),
    "mature": (4.0, 1.0, 0.5),
    "early": (0.5, 1.0, 4.0),
    "consensus": (0.3, 0.3, 0.3),
}
UNKNOWN_SHARE = 0.05
#: Codes of :data:`mlops_scorecard.framework.ANSWER_KEYS`: yes, partly, no, ..., unknown.
YES, PARTLY, NO, UNKNOWN = 0, 1, 2, 4

FloatArray = npt.NDArray[np.float64]


@dataclasses.dataclass(frozen=True)
class Cell:
    """Coverage of one question set at one team size."""

    question_set: str
    respondents: int
    dimension: float
    overall: float
    dimension_width: float


def _template(framework: Framework, question_set: str, n: int) -> ScoreMatrix:
    people = [{"name": f"R{i}", "answers": {}} for i in range(n)]
    answers = parse_answers({"framework": framework.ref, "question_set": question_set, "respondents": people})
    return ScoreMatrix.build(framework, answers)


def _with_codes(m: ScoreMatrix, codes: npt.NDArray[np.int8]) -> ScoreMatrix:
    lookup = np.array([1.0, 0.5, 0.0, np.nan, np.nan, np.nan])
    ordinal = np.array([2, 1, 0, -1, -1, -1], dtype=np.int8)
    return dataclasses.replace(m, codes=codes, values=lookup[codes], ordinal=ordinal[codes])


def _truth(m: ScoreMatrix, question_values: FloatArray) -> tuple[FloatArray, float]:
    dims, overall = m.scores(question_values[None, :])
    return dims[0], float(overall[0])


def _independent_team(
    rng: np.random.Generator, m: ScoreMatrix, n: int, concentration: tuple[float, float, float]
) -> tuple[npt.NDArray[np.int8], FloatArray]:
    q = len(m.questions)
    probs = rng.dirichlet(concentration, size=q)
    cum = probs.cumsum(axis=1)
    codes = (rng.random((n, q, 1)) > cum[None, :, :2]).sum(axis=2).astype(np.int8)
    codes[rng.random((n, q)) < UNKNOWN_SHARE] = UNKNOWN
    return codes, probs @ np.array([1.0, 0.5, 0.0])


def _normal_sf(x: FloatArray) -> FloatArray:
    return np.array([0.5 * math.erfc(v / math.sqrt(2)) for v in x.ravel()]).reshape(x.shape)


def _correlated_team(
    rng: np.random.Generator, m: ScoreMatrix, n: int
) -> tuple[npt.NDArray[np.int8], FloatArray]:
    # latent = question level + respondent leniency + noise; cut at -0.5 / 0.5
    q = len(m.questions)
    level = rng.normal(0.0, 1.2, size=q)
    lenient, noise = 0.6, 0.8
    latent = level[None, :] + rng.normal(0.0, lenient, size=(n, 1)) + rng.normal(0.0, noise, size=(n, q))
    codes = np.where(latent > 0.5, YES, np.where(latent > -0.5, PARTLY, NO)).astype(np.int8)
    codes[rng.random((n, q)) < UNKNOWN_SHARE] = UNKNOWN
    sd = math.hypot(lenient, noise)
    truth = 0.5 * (_normal_sf((-0.5 - level) / sd) + _normal_sf((0.5 - level) / sd))
    return codes, truth


def _teams(scenario: str, sims: int) -> Iterator[str]:
    names = list(FAMILIES) if scenario == "independent" else ["correlated"]
    for i in range(sims):
        yield names[i % len(names)]


def coverage(
    *,
    scenario: str = "independent",
    sims: int = 800,
    seed: int = 2026,
    sizes: tuple[int, ...] = SIZES,
    sets: tuple[str, ...] = SETS,
    confidence: float = 0.9,
) -> list[Cell]:
    """Coverage of ``confidence`` intervals, per question set and team size, over
    ``sims`` simulated teams each (``scenario`` "independent" or "correlated")."""
    framework = get_framework("mlops-scorecard")
    cells = []
    for qs in sets:
        for n in sizes:
            rng = np.random.default_rng([seed, n, SETS.index(qs)])
            m0 = _template(framework, qs, n)
            dim_hits = dim_total = overall_hits = overall_total = 0
            width = 0.0
            for family in _teams(scenario, sims):
                if family == "correlated":
                    codes, qvalues = _correlated_team(rng, m0, n)
                else:
                    codes, qvalues = _independent_team(rng, m0, n, FAMILIES[family])
                true_dims, true_overall = _truth(m0, qvalues)
                u = matrix_intervals(_with_codes(m0, codes), confidence=confidence)
                for (d, _), t in zip(m0.spans, true_dims, strict=True):
                    iv = u.dimensions[d.id]
                    if iv is None:
                        continue
                    dim_total += 1
                    dim_hits += iv.low - 1e-9 <= t <= iv.high + 1e-9
                    width += iv.width
                if u.overall is not None:
                    overall_total += 1
                    overall_hits += u.overall.low - 1e-9 <= true_overall <= u.overall.high + 1e-9
            cells.append(Cell(qs, n, dim_hits / dim_total, overall_hits / overall_total, width / dim_total))
    return cells


def markdown_table(cells: list[Cell]) -> str:
    """The coverage table as in ``docs/analysis.md``: one row per team size."""
    sets = sorted({c.question_set for c in cells}, key=SETS.index)
    head = "| respondents | " + " | ".join(
        f"{qs}: dimension | {qs}: overall | {qs}: mean width" for qs in sets
    )
    lines = [head + " |", "|---" * (1 + 3 * len(sets)) + "|"]
    for n in sorted({c.respondents for c in cells}):
        row = [str(n)]
        for qs in sets:
            c = next(c for c in cells if c.respondents == n and c.question_set == qs)
            row += [f"{c.dimension:.0%}", f"{c.overall:.0%}", f"{c.dimension_width:.0f}"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def parse_table(text: str, heading: str) -> dict[tuple[str, int], dict[str, Any]]:
    """The coverage table following ``heading`` in ``text``, by (question set, size)."""
    lines = text[text.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| respondents |"))
    header = [h.strip() for h in lines[start].strip("|").split("|")]
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cols = [c.strip() for c in line.strip("|").split("|")]
        n = int(cols[0])
        for name, value in zip(header[1:], cols[1:], strict=True):
            qs, what = (part.strip() for part in name.split(":"))
            out.setdefault((qs, n), {})[what] = float(value.rstrip("%")) / (100 if "%" in value else 1)
    return out


if __name__ == "__main__":
    print("Independent answers (four kinds of team in turn):\n")
    print(markdown_table(coverage()))
    print("\nCorrelated answers (respondents' leniency shifts all their answers):\n")
    print(markdown_table(coverage(scenario="correlated", sims=400)))
