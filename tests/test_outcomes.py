"""Outcomes declared once: per-replication values, aggregates and their intervals against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import sim
from sim import outcomes
from sim.cli import app
from sim.results import write_run

from .conftest import scenario


def test_t_quantiles_match_the_table():
    for df, t in ((1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (5, 2.571), (10, 2.228), (30, 2.042), (199, 1.972)):
        assert outcomes.t_quantile(0.975, df) == pytest.approx(t, abs=6e-4)


def test_wilson_matches_the_closed_form_and_covers():
    lo, hi = outcomes.wilson(0, 10)
    assert lo == pytest.approx(0, abs=1e-12) and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = outcomes.wilson(8, 40)
    assert (lo, hi) == pytest.approx((0.1050, 0.3476), abs=1e-4)
    # coverage of the 95% interval for a share of 0.3 with 60 trials, by simulation
    rng = np.random.default_rng(1)
    hits = rng.binomial(60, 0.3, size=4000)
    inside = np.mean([lo <= 0.3 <= hi for lo, hi in (outcomes.wilson(k, 60) for k in hits)])
    assert 0.93 <= inside <= 0.97


def per_rep(mean_coverage, ioc_day, foc_day):
    n = len(mean_coverage)
    return {"mean_coverage": np.asarray(mean_coverage, float), "ioc_day": np.asarray(ioc_day, float),
            "foc_day": np.asarray(foc_day, float), "gap_days": np.zeros(n), "longest_gap": np.zeros(n)}


def test_named_outcomes_read_per_replication_values():
    m = per_rep([0.5, 0.7, 0.9], [10, 200, np.nan], [100, np.nan, np.nan])
    assert list(outcomes.values(m, "p_ioc_by_180")) == [1, 0, 0]
    assert list(outcomes.values(m, "p_ioc_by_200")) == [1, 1, 0]  # reached on the deadline counts
    assert list(outcomes.values(m, "p_foc_by_100")) == [1, 0, 0]
    assert outcomes.outcome("ioc_day_median").estimate(m["ioc_day"]) == 200
    assert outcomes.outcome("foc_day").estimate(m["foc_day"]) is None  # the median replication never got there
    assert outcomes.outcome("mean_coverage").estimate(m["mean_coverage"]) == pytest.approx(0.7)
    with pytest.raises(ValueError, match="unknown outcome"):
        outcomes.outcome("p_foc_by_soon")


@pytest.mark.parametrize("name", ["mean_coverage", "p_foc_by_180", "ioc_day_median", "gap_days"])
def test_self_comparison_is_zero_in_zero_zero(name):
    rng = np.random.default_rng(3)
    m = per_rep(rng.random(50), rng.integers(0, 400, 50), np.where(rng.random(50) < 0.3, np.nan, rng.integers(0, 400, 50)))
    m["gap_days"] = rng.integers(0, 90, 50).astype(float)
    o = outcomes.outcome(name)
    x = o.values(m)
    assert o.paired(x, x) == (0.0, 0.0, 0.0)


def test_a_constant_shift_collapses_the_interval():
    rng = np.random.default_rng(4)
    a = rng.random(80)
    d, lo, hi = outcomes.outcome("mean_coverage").paired(a, a + 0.125)
    assert d == pytest.approx(0.125) and lo == pytest.approx(0.125) and hi == pytest.approx(0.125)
    days = rng.integers(0, 300, 80).astype(float)
    assert outcomes.outcome("ioc_day").paired(days, days + 7) == (7.0, 7.0, 7.0)


def test_paired_mean_interval_is_the_t_interval_of_the_differences():
    rng = np.random.default_rng(5)
    a = rng.random(30)
    b = a + rng.normal(0.05, 0.1, 30)
    d, lo, hi = outcomes.outcome("mean_coverage").paired(a, b)
    diff = b - a
    half = 2.045 * diff.std(ddof=1) / np.sqrt(30)
    assert (lo, hi) == pytest.approx((diff.mean() - half, diff.mean() + half), abs=1e-3)


def test_default_deadlines_follow_the_horizon():
    assert outcomes.default_deadlines(730) == (90, 180, 365, 729)
    assert outcomes.default_deadlines(100) == (90, 99)
    assert outcomes.parse_deadlines("365, 90,90") == (90, 365)
    with pytest.raises(ValueError, match="beyond the horizon"):
        outcomes.parse_deadlines("800", 730)


LAND = [{"name": "A", "land": {"troops": 600}, "approval": {"probability": 0.5}, "deploy_days": {"dist": "uniform", "low": 0, "high": 60}},
        {"name": "B", "land": {"troops": 500}, "approval": {"probability": 0.7}, "deploy_days": {"dist": "uniform", "low": 20, "high": 90}}]


def test_run_reports_holding_shares_and_deadlines(tmp_path):
    scn = scenario(horizon_days=120, countries=LAND, report={"deadlines": [30, 60]})
    res = sim.run(scn, reps=60, seed=2)
    summary = write_run(res, tmp_path / "o")
    deadlines = summary["components"]["land"]["deadlines"]
    assert [d["day"] for d in deadlines] == [30, 60]
    cov = res.coverage[:, 0, :]
    ioc = scn.parameters.coverage.ioc
    for d in deadlines:
        reached = np.mean([(cov[r, : d["day"] + 1] >= ioc - 1e-12).any() for r in range(60)])
        assert d["p_ioc"] == pytest.approx(reached, abs=1e-4)
        assert d["p_ioc_low"] <= d["p_ioc"] <= d["p_ioc_high"]
        assert d["p_foc"] <= d["p_ioc"]
    rows = (tmp_path / "o" / "coverage.csv").read_text().splitlines()
    assert rows[0].endswith(",p_ioc,p_foc")
    day90 = rows[1 + 90].split(",")
    assert float(day90[-2]) == pytest.approx(np.mean(cov[:, 90] >= ioc - 1e-12), abs=1e-4)
    # the CLI's --deadlines wins over the file
    summary = write_run(res, tmp_path / "p", deadlines=(10,))
    assert [d["day"] for d in summary["components"]["land"]["deadlines"]] == [10]


def test_report_deadlines_beyond_the_horizon_are_refused(tmp_path):
    with pytest.raises(sim.ScenarioError, match="report.deadlines"):
        scenario(horizon_days=100, countries=LAND, report={"deadlines": [30, 100]})


def test_cli_rejects_a_bad_deadline_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["run", "scenarios/baseline.yaml", "--reps", "2", "--no-plots",
                                      "--out", str(tmp_path / "x"), "--deadlines", "90,soon"])
    assert result.exit_code == 2
    assert "--deadlines: 'soon' is not a day" in result.output
    assert not (tmp_path / "x").exists()
