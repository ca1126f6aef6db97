"""Levers: each gain is the difference of two separate runs; Shapley shares add up; edits do what they say."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.coverage import CAUSES, evaluate
from sim.levers import edits, report
from sim.levers.estimate import Metric, gain, per_rep
from sim.levers.run import run_levers
from sim.model.replication import simulate
from sim.runner import run_reps
from sim.sweep.executors import SerialExecutor
from sim.sweep.worker import METRICS

from .conftest import scenario

REPS, SEED = 6, 5


def friction():
    """A small scenario with something for most levers to remove."""
    return scenario(
        horizon_days=200,
        us_backstop={"level": "none"},
        requirements={"land": {"troops": 1000}, "sky": {"orbits": 1}},
        phases={"sky": {"start_day": 40}},
        countries=[
            {"name": "A", "approval": {"probability": 0.7, "delay_days": 5}, "deploy_days": {"dist": "uniform", "low": 5, "high": 30},
             "land": {"troops": 600}, "sky": {"aircraft": 12}, "rotation": {"tour_days": 60, "ratio": 1}},
            {"name": "B", "approval": {"probability": 0.5, "delay_days": 10}, "deploy_days": 10, "land": {"troops": 500}},
            {"name": "C", "land": {"troops": 100}},
        ],
        events=[{"type": "withdraw", "country": "B", "day": 120}],
    )


def by_run(scn, metric="mean_coverage"):
    """Per-replication metric of separate runs, one per component."""
    m = Metric(metric)
    out = run_reps(scn, SEED, range(REPS))
    return {c: per_rep(m, np.stack([np.asarray(out[c][k], dtype=float) for k in METRICS])) for c in scn.components}


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    scn = friction()
    folder = tmp_path_factory.mktemp("levers")
    with SerialExecutor() as ex:
        return scn, run_levers("friction.yaml", scn, folder, ex, reps=REPS, seed=SEED, deadlines=[100],
                               shapley_levers=["all_approve", "no_moving", "all_enablers"])


def test_each_gain_is_the_difference_of_two_separate_runs(table):
    scn, t = table
    base = by_run(scn)
    ran = 0
    for name in t.levers:
        edited = edits.lever(name, scn)(scn)
        if edited is None:
            assert all(g is None for g in t.gains[name].values())
            continue
        ran += 1
        other = by_run(edited)
        for c in scn.components:
            assert t.gains[name][c] == gain(Metric("mean_coverage"), base[c], other[c])  # exactly: common random numbers, same replications
            assert t.gains[name][c].value == other[c].mean() and t.gains[name][c].baseline == base[c].mean()
    assert ran >= 7


def test_levers_that_cannot_change_the_scenario_are_reported_not_run(table):
    scn, t = table
    idle = {n for n in t.levers if not t.applies(n)}
    assert {"no_hub_queues", "no_montreux", "no_surges", "approve[C]"} <= idle
    assert {"all_approve", "no_moving", "all_enablers", "no_withdrawals", "all_phases_open", "no_rotation_gaps"}.isdisjoint(idle)
    rows = list(csv.DictReader(io.StringIO(report.csv_text(t))))
    assert list(rows[0]) == ["lever", "component", "baseline", "value", "gain", "gain_low", "gain_high"]
    for r in rows:
        assert (r["gain"] == "") == (r["lever"] in idle)
        if r["gain"]:
            assert float(r["gain_low"]) <= float(r["gain"]) <= float(r["gain_high"])
    assert t.timings["levers_run"] == len(t.levers) - len(idle)


def test_shapley_values_add_up_to_the_gain_of_all_levers_together(table):
    scn, t = table
    names = t.shapley_levers
    together = by_run(edits.apply(names, scn))
    base = by_run(scn)
    for c in scn.components:
        total = together[c].mean() - base[c].mean()
        assert sum(t.shapley[n][c][0].gain for n in names) == pytest.approx(total, abs=1e-12)
        assert sum(t.shapley[n][c][1] for n in names) == pytest.approx(1.0)
        for n in names:
            g, _ = t.shapley[n][c]
            assert g.low <= g.gain <= g.high
            assert g.baseline == pytest.approx(base[c].mean()) and g.value == pytest.approx(together[c].mean())
    rows = list(csv.DictReader(io.StringIO(report.shapley_csv_text(t))))
    assert list(rows[0])[-1] == "share" and len(rows) == len(names) * len(scn.components)


def test_a_lever_with_one_effect_gets_all_of_its_shapley_value():
    # Shapley across one lever is that lever's gain
    scn = friction()
    with SerialExecutor() as ex:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            t = run_levers("f.yaml", scn, d, ex, reps=3, seed=SEED, levers=["no_moving"], shapley_levers=["no_moving"])
    for c in scn.components:
        assert t.shapley["no_moving"][c][0].gain == pytest.approx(t.gains["no_moving"][c].gain)


def test_edits_remove_their_cause():
    scn = friction()
    cause = {"all_approve": "not_approved", "no_moving": "moving", "all_phases_open": "phase_wait",
             "no_rotation_gaps": "rotation_gap", "no_withdrawals": "withdrawn"}
    for name, what in cause.items():
        before = after = 0.0
        edited = edits.lever(name, scn)(scn)
        for rep in range(4):
            k = CAUSES.index(what)
            before += evaluate(scn, simulate(scn, SEED, rep)).shortfall[:, k].sum()
            # approval delays stay as written: not approved (yet) until day 10 at the latest
            after += evaluate(edited, simulate(edited, SEED, rep)).shortfall[:, k, 11:].sum()
        assert before > 0 and after == 0, name
    assert all(c.approval.probability == 1 for c in edits.all_approve(scn).countries)
    assert edits.approve("A")(scn).country("A").approval.probability == 1
    assert edits.approve("A")(scn).country("B").approval.probability == 0.5
    assert scn == friction()  # edits never change what they are given


def test_all_enablers_gives_every_enabler_at_every_level():
    scn = friction()
    edited = edits.all_enablers(scn)
    assert edited.us_backstop.ladder.enablers_at("none") == frozenset(scn.parameters.enablers)
    assert edits.all_enablers(edited) is None
    assert edited.us_backstop.level == scn.us_backstop.level


def test_command_writes_the_files_and_rejects_bad_options(tmp_path):
    runner = CliRunner()
    src = tmp_path / "s.yaml"
    src.write_text("name: tiny\nhorizon_days: 80\nreplications: 3\nrequirements: {land: {troops: 1000}}\n"
                   "countries:\n  - {name: A, approval: {probability: 0.6}, deploy_days: 10, land: {troops: 800}}\n")
    out = tmp_path / "out"
    r = runner.invoke(app, ["levers", str(src), "--out", str(out), "--workers", "1", "--quiet", "--shapley",
                            "--levers", "all_approve,no_moving"])
    assert r.exit_code == 0, r.output
    for f in ("levers.csv", "levers.png", "levers.json", "levers_shapley.csv"):
        assert (out / f).is_file(), f
    drawn = (out / "levers.png").read_bytes()
    (out / "levers.png").unlink()
    redraw = runner.invoke(app, ["plot", str(out)])
    assert redraw.exit_code == 0 and (out / "levers.png").read_bytes() == drawn, redraw.output
    doc = json.loads((out / "levers.json").read_text())
    assert doc["kind"] == "levers" and doc["shapley"]["levers"] == ["all_approve", "no_moving"]
    r = runner.invoke(app, ["levers", str(src), "--out", str(out), "--workers", "1", "--quiet", "--resume",
                            "--levers", "all_approve,no_moving", "--shapley"])
    assert r.exit_code == 0, r.output
    for bad, words in ((["--levers", "fly"], "unknown lever 'fly'"), (["--deadlines", "90,x"], "--deadlines"),
                       (["--metric", "nope"], "--metric")):
        r = runner.invoke(app, ["levers", str(src), "--out", str(tmp_path / "o2"), *bad])
        assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    r = runner.invoke(app, ["levers", str(src), "--out", str(mine), "--quiet"])
    assert r.exit_code == 2 and (mine / "notes.txt").read_text() == "mine"
