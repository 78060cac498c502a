"""Student's t quantiles (``analysis.student_t``) against scipy's, which the tests keep."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest
from scipy.special import stdtr, stdtrit

from mlops_scorecard.analysis.student_t import t_quantile, t_tail

DFS = [
    0.5,
    1,
    1.3,
    2,
    2.5,
    3,
    3.7,
    4,
    5,
    7.5,
    10,
    19.9,
    20,
    20.1,
    33.3,
    100,
    999.5,
    1e4,
    5e4,
    99_999,
    1e5,
    5e5,
    1e8,
]
PS = [
    1e-10,
    1e-6,
    0.001,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.4,
    0.4999,
    0.5001,
    0.6,
    0.75,
    0.9,
    0.95,
    0.975,
    0.99,
    0.999,
]


@pytest.mark.parametrize(("df", "p"), list(itertools.product(DFS, PS)))
def test_quantile_agrees_with_scipy(df: float, p: float) -> None:
    got = t_quantile(df, p)
    # scipy's own CDF at our quantile gives back p (relative to the tail's size) ...
    assert abs(float(stdtr(df, got)) - p) <= 5e-12 * min(p, 1 - p)
    # ... and scipy's quantile is the same number, to scipy's own accuracy (its inversion
    # stops at about 1e-9 near the median for some degrees of freedom)
    assert got == pytest.approx(float(stdtrit(df, p)), rel=2e-9)


def test_the_intervals_degrees_of_freedom_agree_to_twelve_digits() -> None:
    # what the intervals ask: 90% (p = 0.95) with 1 to a few thousand degrees of freedom
    for df in [1 + i * 0.37 for i in range(400)]:
        assert t_quantile(df, 0.95) == pytest.approx(float(stdtrit(df, 0.95)), rel=1e-12)


def test_quantiles_are_symmetric_and_known_in_closed_form() -> None:
    assert t_quantile(7.0, 0.5) == 0.0
    assert t_quantile(7.0, 0.1) == -t_quantile(7.0, 0.9)
    # one degree of freedom is the Cauchy distribution; two has a closed form too
    assert t_quantile(1.0, 0.975) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-13)
    p = 0.95
    assert t_quantile(2.0, p) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-13)


def test_tail_agrees_with_scipy() -> None:
    for df, t in itertools.product([1, 2.5, 10, 1000], [0.0, 0.01, 1.0, 2.5, 10.0]):
        assert t_tail(df, t) == pytest.approx(float(stdtr(df, -t)), rel=1e-13)


@pytest.mark.parametrize(
    ("df", "p"),
    [
        (0.0, 0.9),
        (-1.0, 0.9),
        (0.4, 0.9),
        (math.inf, 0.9),
        (math.nan, 0.9),
        (5.0, 0.0),
        (5.0, 1.0),
        (5.0, math.nan),
    ],
)
def test_out_of_range_arguments_are_refused(df: float, p: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        t_quantile(df, p)


def test_a_report_imports_no_scipy() -> None:
    # importing scipy.special took a cold report about 0.2 s: the reason for this module
    code = (
        "import sys, datetime as dt\n"
        "from mlops_scorecard.example import example_answers\n"
        "from mlops_scorecard.framework import get_framework\n"
        "from mlops_scorecard.reports import render_report\n"
        "fw = get_framework('mlops-scorecard')\n"
        "render_report(fw, example_answers(fw), 'html')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
