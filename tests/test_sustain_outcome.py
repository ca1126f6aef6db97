"""sustainable_coverage as a declared outcome: one name, one value per replication, one aggregation."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import outcomes
from sim.results import summarise
from sim.runner import run_reps

from .conftest import scenario


def pools(p):
    # A (pool of 4, dwell ratio 5: 4/6 of a slot in the long run) always comes; B (a pool of 6: all of
    # it) with probability p, so replications differ in what they deployed
    return scenario(horizon_days=60, parameters={"rotation": {"min_dwell_ratio": 5}},
                    requirements={"land": {"troops": 2000}},
                    countries=[{"name": "A", "land": {"troops": 1000}, "rotation": {"tour_days": 30, "ratio": 4}},
                               {"name": "B", "approval": {"probability": p, "delay_days": 0},
                                "land": {"troops": 1000}, "rotation": {"tour_days": 30, "ratio": 6}}])


def test_sustainable_coverage_is_declared_with_its_aggregation():
    o = outcomes.outcome("sustainable_coverage")
    assert o.kind == "mean" and o.statistic == "sustainable_coverage"
    assert o.estimate(np.array([1 / 3, 5 / 6])) == pytest.approx(7 / 12)
    assert "sustainable_coverage" in outcomes.FROM_TRACE and "sustainable_coverage" not in outcomes.BASE


def test_each_replication_holds_what_its_own_deployed_pools_can_hold():
    scn = pools(0.5)
    result = sim.run(scn, reps=12, seed=3)
    per_rep = result.metrics()["land"]["sustainable_coverage"]
    # A alone: 1000 x 4/6 of 2000 = 1/3; with B: (1000 x 4/6 + 1000) / 2000 = 5/6
    assert set(np.round(per_rep, 9)) == {round(1 / 3, 9), round(5 / 6, 9)}  # both happen at p = 0.5
    b_in = np.array([any(r == rep and c == "B" and a for r, c, a in
                         zip(result.timeline["rep"], result.timeline["country"], result.timeline["approved"]))
                     for rep in result.reps])
    assert np.allclose(per_rep, np.where(b_in, 5 / 6, 1 / 3))
    # the summary reports the declared aggregate; sweeps, goal and audit read the same per-replication values
    assert summarise(result)["components"]["land"]["sustainable_coverage"] == round(float(per_rep.mean()), 4)
    assert np.array_equal(run_reps(scn, 3, range(12))["land"]["sustainable_coverage"], per_rep)
    assert outcomes.values(result.metrics()["land"], "sustainable_coverage").tolist() == per_rep.tolist()


def test_sweeps_levers_and_audit_read_the_same_outcome(tmp_path):
    import csv

    import yaml
    from typer.testing import CliRunner

    from sim.audit.metric import Metric
    from sim.cli import app
    from sim.sweep.worker import METRICS

    scn = pools(0.5)
    per_rep = run_reps(scn, 3, range(12))["land"]
    stacked = np.stack([np.asarray(per_rep[k], dtype=float) for k in METRICS])  # as a worker returns them
    assert np.array_equal(Metric("sustainable_coverage").per_rep(stacked), per_rep["sustainable_coverage"])
    base = tmp_path / "s.yaml"
    base.write_text(yaml.safe_dump(scn.model_dump(mode="json", exclude_none=True)))
    sweep = tmp_path / "w.yaml"
    sweep.write_text(yaml.safe_dump({"base": "s.yaml", "replications": 12, "seed": 3,
                                     "design": "grid", "parameters": {"countries[B].approval.probability": [0.0, 1.0]}}))
    r = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(tmp_path / "o"), "--workers", "1", "--no-plots", "--quiet"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(tmp_path / "o" / "results.csv")))
    held = {float(row["countries[B].approval.probability"]): float(row["sustainable_coverage"]) for row in rows}
    assert held == {0.0: pytest.approx(1 / 3, abs=1e-4), 1.0: pytest.approx(5 / 6, abs=1e-4)}  # B never / always in
