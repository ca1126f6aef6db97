"""Paired differences of shares (p_ioc_by_D, p_foc_by_D): Tango's score interval, checked independently."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar
from scipy.stats import norm

from sim import outcomes


def pairs(n: int, gains: int, losses: int, both: int):
    """Reference and other 0/1 outcomes with ``gains`` 0->1, ``losses`` 1->0 and ``both`` 1->1 replications."""
    a = np.zeros(n, bool)
    b = np.zeros(n, bool)
    b[:gains] = True
    a[gains:gains + losses] = True
    a[gains + losses:gains + losses + both] = True
    b[gains + losses:gains + losses + both] = True
    return a, b


def score_by_likelihood(g: int, l: int, n: int, delta: float) -> float:
    """Tango's score statistic with the restricted maximum found numerically (no closed form)."""
    m = n - g - l
    lo_p, hi_p = max(0.0, -delta), (1 - delta) / 2

    def nll(q):  # q: share of losses; gains have q + delta; concordant 1 - 2q - delta
        return -(g * np.log(q + delta) + l * np.log(q) + m * np.log(1 - 2 * q - delta))

    q = minimize_scalar(nll, bounds=(lo_p + 1e-12, hi_p - 1e-12), method="bounded", options={"xatol": 1e-13}).x
    return (g - l - n * delta) / np.sqrt(n * (2 * q + delta * (1 - delta)))


@pytest.mark.parametrize("g,l,both,n", [(10, 2, 40, 100), (2, 0, 80, 200), (1, 3, 30, 50), (0, 5, 60, 200)])
def test_tango_interval_is_where_the_score_test_stops_rejecting(g, l, both, n):
    a, b = pairs(n, g, l, both)
    d, lo, hi = outcomes.paired_proportion(a, b)
    assert d == pytest.approx((g - l) / n)
    z = norm.ppf(0.975)
    want_lo = brentq(lambda x: score_by_likelihood(g, l, n, x) - z, -0.999, d)
    want_hi = brentq(lambda x: score_by_likelihood(g, l, n, x) + z, d, 0.999)
    assert (lo, hi) == pytest.approx((want_lo, want_hi), abs=2e-5)


def test_two_gains_out_of_two_hundred():
    """Two replications of 200 go from 0 to 1: the paired t interval of the -1/0/1 differences stops at
    +0.0239, as if two gains were measured exactly; Tango's reaches +0.0357 (the bounds where the
    score test stops rejecting, checked above)."""
    a, b = pairs(200, 2, 0, 80)
    d, lo, hi = outcomes.paired_proportion(a, b)
    t_lo, t_hi = outcomes.t_interval(b.astype(float) - a.astype(float))
    assert (round(t_lo, 4), round(t_hi, 4)) == (-0.0039, 0.0239)
    assert (d, round(lo, 4), round(hi, 4)) == (0.01, -0.009, 0.0357)


def test_few_changed_replications_still_cover_the_true_difference():
    """Common random numbers with a true difference of 0.01 over 200 replications: about two change.

    The paired t interval covered 0.01 in about 87% of such runs (0 in [0, 0] whenever none changed).
    """
    rng = np.random.default_rng(6)
    trials, inside = 400, 0
    for _ in range(trials):
        u = rng.random(200)
        d, lo, hi = outcomes.paired_proportion(u < 0.40, u < 0.41, identical=False)
        inside += lo <= 0.01 <= hi
    assert inside / trials >= 0.95


def test_many_changed_replications_keep_the_nominal_level():
    rng = np.random.default_rng(7)
    trials, inside = 400, 0
    for _ in range(trials):
        u = rng.random(200)
        a, b = u < 0.4, u < 0.45
        flip = rng.random(200) < 0.1
        b = np.where(flip, rng.random(200) < 0.45, b)
        d, lo, hi = outcomes.paired_proportion(a, b)
        inside += lo <= 0.05 <= hi
    assert 0.92 < inside / trials < 0.98


def test_identical_runs_collapse_and_agreeing_shares_do_not():
    a, b = pairs(200, 0, 0, 70)
    assert outcomes.paired_proportion(a, b) == (0.0, 0.0, 0.0)  # the same run: nothing to estimate
    assert outcomes.paired_proportion(a, b, identical=True) == (0.0, 0.0, 0.0)
    d, lo, hi = outcomes.paired_proportion(a, b, identical=False)  # different runs that happen to agree
    z2 = norm.ppf(0.975) ** 2
    assert d == 0.0 and (lo, hi) == pytest.approx((-z2 / (200 + z2), z2 / (200 + z2)), abs=1e-6)


def test_compare_collapses_only_components_the_change_does_not_reach():
    from sim.compare import compare

    from .conftest import scenario

    land = [{"name": "A", "land": {"troops": 600}, "approval": {"probability": 0.6}},
            {"name": "S", "sky": {"aircraft": 8}, "approval": {"probability": 0.7}}]
    reqs = {"land": {"troops": 1000}, "sky": {"orbits": 1}}
    a = scenario(horizon_days=120, requirements=reqs, countries=land)
    b = scenario(horizon_days=120, requirements=reqs, countries=[dict(land[0], land={"troops": 550}), land[1]])
    rows = {(r.component, r.metric): r for r in compare([a, b], reps=40, seed=4, deadlines=[0, 100]).rows}
    assert all((r.diff_low, r.diff_high) in ((0.0, 0.0), (None, None)) for (c, _), r in rows.items() if c == "sky")
    r = rows[("land", "p_foc_by_0")]  # nobody is there on day 0 in either run, but the runs differ
    z2 = norm.ppf(0.975) ** 2
    assert r.diff == 0.0 and (r.diff_low, r.diff_high) == pytest.approx((-z2 / (40 + z2), z2 / (40 + z2)), abs=1e-6)
