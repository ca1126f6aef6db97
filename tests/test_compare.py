"""compare: same seed and replications, paired differences, the contract's files and flags."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.compare import compare

from .conftest import BASE, scenario

runner = CliRunner()

LAND = [
    {"name": "A", "land": {"troops": 600}, "approval": {"probability": 0.6}, "deploy_days": {"dist": "uniform", "low": 0, "high": 60}},
    {"name": "B", "land": {"troops": 500}, "approval": {"probability": 0.7}, "deploy_days": {"dist": "uniform", "low": 20, "high": 90}},
]


def test_a_scenario_against_itself_is_zero_in_zero_zero():
    scn = scenario(horizon_days=150, countries=LAND)
    rows = compare([scn, scn], reps=30, seed=3).rows
    assert rows and all(r.diff in (0.0, None) and r.diff_low in (0.0, None) and r.diff_high in (0.0, None) for r in rows)
    assert not any(r.significant for r in rows)


def test_a_shift_the_same_in_every_replication_collapses_the_interval():
    """Every country departs 10 days later: each replication's IOC day moves by exactly 10."""
    early = scenario(horizon_days=200, countries=[dict(c, rotation="none") for c in LAND])
    later = scenario(horizon_days=200, countries=[dict(c, rotation="none", approval=dict(c["approval"], delay_days=10))
                                                  for c in LAND])
    rows = {(r.metric): r for r in compare([early, later], reps=40, seed=5).rows}
    r = rows["ioc_day_median"]
    assert (r.diff, r.diff_low, r.diff_high) == (10.0, 10.0, 10.0)


def test_the_differences_are_the_paired_differences_of_the_runs():
    a = scenario(horizon_days=150, countries=LAND)
    b = scenario(horizon_days=150, countries=[LAND[0], dict(LAND[1], land={"troops": 300})])
    rows = {(r.component, r.metric): r for r in compare([a, b], reps=50, seed=7, deadlines=[60, 120]).rows}
    ma = sim.run(a, reps=50, seed=7).metrics()["land"]["mean_coverage"]
    mb = sim.run(b, reps=50, seed=7).metrics()["land"]["mean_coverage"]
    r = rows[("land", "mean_coverage")]
    assert r.reference == pytest.approx(ma.mean()) and r.value == pytest.approx(mb.mean())
    assert r.diff == pytest.approx((mb - ma).mean())
    d = mb - ma
    half = sim.outcomes.t_quantile(0.975, 49) * d.std(ddof=1) / np.sqrt(50)
    assert (r.diff_low, r.diff_high) == pytest.approx((d.mean() - half, d.mean() + half))
    assert r.significant and r.diff < 0  # fewer troops: less coverage, beyond the noise
    assert {m for _, m in rows} == {"mean_coverage", "p_ioc_by_60", "p_foc_by_60", "p_ioc_by_120", "p_foc_by_120",
                                    "gap_days", "ioc_day_median", "foc_day_median"}


def write(tmp_path, name, **changes):
    data = {**BASE, "name": name, "horizon_days": 150, "countries": LAND, **changes}
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_cli_writes_the_contract_and_names_what_it_cannot_compare(tmp_path):
    ref = write(tmp_path, "ref", requirements={"land": {"troops": 1000}, "sky": {"orbits": 1}},
                countries=LAND + [{"name": "S", "sky": {"aircraft": 8}}])
    other = write(tmp_path, "other", countries=[LAND[0]])
    out = tmp_path / "c"
    r = runner.invoke(app, ["compare", str(ref), str(other), "--reps", "12", "--seed", "2", "--deadlines", "30,90",
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(out / "compare.csv")))
    assert list(rows[0]) == ["scenario", "component", "metric", "reference", "value", "diff", "diff_low", "diff_high"]
    assert {row["component"] for row in rows} == {"land"}
    assert {row["metric"] for row in rows} >= {"p_ioc_by_30", "p_foc_by_90", "mean_coverage", "gap_days"}
    assert (out / "compare.png").is_file()
    drawn = (out / "compare.png").read_bytes()
    (out / "compare.png").unlink()
    redraw = runner.invoke(app, ["plot", str(out)])
    assert redraw.exit_code == 0 and (out / "compare.png").read_bytes() == drawn, redraw.output
    meta = json.loads((out / "compare.json").read_text())
    assert meta["not_compared"]["other"]["only_in_ref"] == ["sky"]
    assert "not compared (other): sky only in ref" in r.output
    assert "significant" in r.output


def test_cli_defaults_and_bad_input(tmp_path, monkeypatch):
    ref = write(tmp_path, "ref")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["compare", str(ref), str(ref), "--reps", "3", "--no-plots", "--quiet"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "plots" / "compare-ref" / "compare.csv").is_file()
    assert not (tmp_path / "plots" / "compare-ref" / "compare.png").exists()
    assert r.output.strip().startswith("wrote")
    bad = runner.invoke(app, ["compare", str(ref), str(ref), "--deadlines", "900"])
    assert bad.exit_code == 2 and "--deadlines: day 900 is beyond" in bad.output
    one = runner.invoke(app, ["compare", str(ref)])
    assert one.exit_code == 2 and "at least one other" in one.output
