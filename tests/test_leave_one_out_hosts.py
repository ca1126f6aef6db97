"""Leave-one-out: a hub's host has two bars (pledges, transit consent), every bar an interval, a ranking."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim import outcomes
from sim.cli import app
from sim.sweep.ranking import ranking
from sim.sweep.spec import expand, load_sweep, point_data
from sim.scenario import validate

from .conftest import BASE

runner = CliRunner()

SCENARIO = {
    **BASE,
    "name": "hosts",
    "horizon_days": 120,
    "requirements": {"land": {"troops": 1000}},
    "transit": {"hubs": [{"name": "H", "throughput_per_day": 400}]},
    "countries": [
        # A sends its troops through H's hub; H hosts it, consents in 60% of replications, and sends 200 troops
        {"name": "A", "land": {"troops": 600}, "via": "H", "deploy_days": 10, "rotation": "none"},
        {"name": "H", "land": {"troops": 200}, "approval": {"probability": 0.6}, "deploy_days": 5, "rotation": "none"},
        {"name": "B", "land": {"troops": 100}, "approval": {"probability": 0.8}, "deploy_days": 20, "rotation": "none"},
    ],
    "events": [{"type": "reinforce", "country": "H", "day": 40, "component": "land", "amount": 100}],
}


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loo")
    (tmp / "hosts.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    path = tmp / "sweep.yaml"
    path.write_text(yaml.safe_dump({"base": "hosts.yaml", "replications": 30, "seed": 5,
                                    "coalition": {"leave_one_out": True}}, sort_keys=False))
    out = tmp / "o"
    r = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1"])
    assert r.exit_code == 0, r.output
    return path, out, r.output


def test_a_host_is_left_out_in_two_parts():
    pts = expand([], "grid", None, ["A", "H", "B"], np.random.default_rng(0), hub_hosts=["H"])
    assert [(p.dropped, p.part) for p in pts] == [(None, None), ("A", "country"), ("H", "pledges"),
                                                 ("H", "transit_consent"), ("B", "country")]
    assert [p.label for p in pts] == ["", "A", "H (pledges)", "H (transit consent)", "B"]
    no_pledges = point_data(SCENARIO, [], pts[2])
    h = next(c for c in no_pledges["countries"] if c["name"] == "H")
    assert h["land"]["troops"] == 0 and h["approval"] == {"probability": 0.6} and set(h["enablers"].values()) == {0}
    assert no_pledges["events"] == []  # its reinforcement goes with its pledges
    closed = point_data(SCENARIO, [], pts[3])
    assert closed["countries"] == SCENARIO["countries"]
    assert closed["events"][-1] == {"type": "hub_closure", "hub": "H", "start_day": 0, "days": 120}


def _paired(data_a, data_b, reps=30, seed=5):
    a, b = (sim.run(validate(d, "x"), reps=reps, seed=seed).metrics()["land"]["mean_coverage"] for d in (data_a, data_b))
    return outcomes.outcome("mean_coverage").paired(np.round(a, 6), np.round(b, 6))


def test_each_part_is_paired_with_the_full_coalition(swept):
    path, out, _ = swept
    got = {(r["dropped"], r["dropped_part"]): r for r in csv.DictReader(open(out / "results.csv")) if r["component"] == "land"}
    sweep = load_sweep(path)
    full = point_data(sweep.base_raw, [], sweep.points[0])
    closed = {**full, "events": [*full["events"], {"type": "hub_closure", "hub": "H", "start_day": 0, "days": 120}]}
    nothing = {**full, "events": [], "countries": [
        c if c["name"] != "H" else {**c, "land": {"troops": 0}} for c in full["countries"]]}
    for key, data in ((("H", "transit_consent"), closed), (("H", "pledges"), nothing)):
        d, lo, hi = _paired(full, data)
        row = got[key]
        assert float(row["diff_mean_coverage"]) == pytest.approx(d, abs=1e-4)
        assert (float(row["diff_low"]), float(row["diff_high"])) == pytest.approx((lo, hi), abs=1e-4)
        assert lo < hi  # an interval on every bar
    # without consent A's 600 troops never pass: a loss; without H's pledges only H's 200 (+100) go
    assert float(got[("H", "transit_consent")]["diff_high"]) < 0
    assert float(got[("H", "transit_consent")]["diff_mean_coverage"]) < float(got[("H", "pledges")]["diff_mean_coverage"]) < 0
    # dropping H whole (the old leave-one-out) leaves the hub without a host: open in every replication,
    # so A always arrives and leaving H out reads as a gain: what the two bars replace
    whole = {**full, "events": [], "countries": [c for c in full["countries"] if c["name"] != "H"]}
    assert _paired(full, whole)[0] > 0


def test_ranking_across_components_in_a_file_and_the_terminal(swept):
    _, out, output = swept
    ranked = list(csv.DictReader(open(out / "ranking.csv")))
    # closing H's hub strands all of A's troops: the same as leaving A out (ties go by name)
    assert [r["label"] for r in ranked] == ["A", "H (transit consent)", "H (pledges)", "B"]
    assert ranked[0]["mean_diff"] == ranked[1]["mean_diff"]
    assert [r["rank"] for r in ranked] == [str(i) for i in range(1, len(ranked) + 1)]
    means = [float(r["mean_diff"]) for r in ranked]
    assert means == sorted(means)
    for r in ranked:  # one component here: the aggregate is its difference
        assert float(r["mean_diff"]) == pytest.approx(float(r["land_diff"]))
    assert "who is critical (rank: mean over the components" in output
    assert "H (transit consent)" in output and "H (pledges)" in output
    assert (out / "tornado.png").is_file()


def test_the_rank_is_the_mean_over_components():
    rows = [{"dropped": "X", "dropped_part": "country", "component": c, "diff_mean_coverage": d, "diff_low": lo,
             "diff_high": hi, "error": ""} for c, d, lo, hi in (("sky", "-0.3", "-0.4", "-0.2"), ("sea", "0.1", "-0.1", "0.3"))]
    rows += [{"dropped": "Y", "dropped_part": "country", "component": c, "diff_mean_coverage": d, "diff_low": d,
              "diff_high": d, "error": ""} for c, d in (("sky", "-0.05"), ("sea", "-0.05"))]
    (x, y) = ranking(rows, ["sky", "sea"])
    assert (x["label"], x["rank"], x["mean_diff"], x["significant_components"]) == ("X", 1, -0.1, 1)
    assert (y["label"], y["rank"], y["mean_diff"]) == ("Y", 2, -0.05)
