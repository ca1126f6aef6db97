"""The audit: its parameter space from the evidence base, SALib over the sweep engine, and its files."""

from __future__ import annotations

import copy
import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.audit import analysis
from sim.audit.metric import Metric, UnknownMetric
from sim.audit.points import build_sweep, run_points
from sim.audit.space import evidence_space
from sim.catalog import Catalog
from sim.cli import app
from sim.scenario import validate
from sim.sweep.executors import SerialExecutor

from .conftest import BASE

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# One country holds land alone, arriving on day 0; the US provides every enabler. Mean land
# coverage is then exactly troops x availability / requirement in every replication.
LAND = copy.deepcopy(BASE) | {
    "requirements": {"land": {"troops": 1000}},
    "countries": [{"name": "A", "land": {"troops": 600}}],
}


def space(raw, catalog=None, only="all"):
    catalog = catalog or Catalog.load()
    return evidence_space(raw, validate(copy.deepcopy(raw), "t.yaml", catalog), catalog, only)


def by_path(factors):
    return {f.path: f for f in factors}


# --- the space ------------------------------------------------------------------------------------


def test_space_holds_only_what_the_scenario_uses():
    f = by_path(space(LAND))
    assert "parameters.land.availability" in f and "countries[A].land.troops" in f
    # nothing of components the scenario does not simulate, nor enablers the US provides throughout
    assert not any(p.startswith(("parameters.sky.", "parameters.sea.", "parameters.montreux.")) for p in f)
    assert not any(".effects." in p or p.endswith(".need") for p in f)
    # a duration fixed at 0 and a probability written in the file: the file's numbers are assumptions
    assert f["countries[A].approval.probability"].provenance == "assumption"
    assert f["countries[A].land.troops"].note == "set in the scenario file"
    assert (f["countries[A].land.troops"].low, f["countries[A].land.troops"].high) == (300, 900)
    assert f["countries[A].land.troops"].integer


def test_baseline_space_reads_provenance_and_ranges_from_the_seeds():
    from sim.scenario import load_raw

    raw = load_raw(ROOT / "scenarios" / "baseline.yaml")
    f = by_path(space(raw))
    sky = f["parameters.sky.mttr_days"]  # sourced, with the range of reported mission-capable rates
    assert (sky.provenance, sky.low, sky.high) == ("sourced", 15, 120)
    assert "mc-rates" in sky.note
    # a triangular delay varies its mode over the distribution's own low..high
    uk = f["countries[United Kingdom].approval.delay_days.mode"]
    assert (uk.value, uk.low, uk.high, uk.provenance) == (30, 7, 90, "sourced")
    # an assumed share moves by 0.15, clipped to [0, 1]
    p = f["countries[United Kingdom].approval.probability"]
    assert (p.provenance, p.low, p.high) == ("assumption", 0.75, 1)
    # Germany waits for a US backstop the baseline never reaches; Spain pledges nothing
    assert not any(k.startswith(("countries[Germany]", "countries[Spain]")) for k in f)
    # the baseline stays at logistics: the guarantee's willingness is never used
    assert not any(k.startswith("us_backstop.") for k in f)
    # every range is inside the schema and holds the value
    for factor in f.values():
        assert factor.low < factor.high, factor
        assert factor.low <= factor.value <= factor.high or "range" in factor.note or factor.path.endswith(".mode"), factor


def test_only_filters_by_provenance():
    from sim.scenario import load_raw

    raw = load_raw(ROOT / "scenarios" / "baseline.yaml")
    every = space(raw)
    assumed = space(raw, only="assumptions")
    sourced = space(raw, only="sourced")
    assert {f.provenance for f in assumed} == {"assumption"} and {f.provenance for f in sourced} == {"sourced"}
    assert len(assumed) + len(sourced) == len(every)


def test_a_range_in_the_seeds_overrides_the_default(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    params = yaml.safe_load((seeds / "parameters.yaml").read_text())
    params["land"]["availability"]["range"] = [0.6, 1.0]
    (seeds / "parameters.yaml").write_text(yaml.safe_dump(params))
    raw = copy.deepcopy(LAND)
    raw["parameters"] = {k: v for k, v in raw["parameters"].items() if k != "land"}
    f = by_path(space(raw, Catalog.load(seeds)))
    assert (f["parameters.land.availability"].low, f["parameters.land.availability"].high) == (0.6, 1.0)


def test_a_bad_range_in_the_seeds_is_one_line(tmp_path):
    from sim.provenance import check_provenance

    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    params = yaml.safe_load((seeds / "parameters.yaml").read_text())
    params["land"]["availability"]["range"] = [0.2, 0.5]  # does not hold the value 1.0
    (seeds / "parameters.yaml").write_text(yaml.safe_dump(params))
    lines = check_provenance(Catalog.load(seeds))
    assert len(lines) == 1 and "land.availability" in lines[0] and "range" in lines[0]


# --- the analysis against a closed form ----------------------------------------------------------


@pytest.mark.parametrize("method,size", [("morris", 6), ("sobol", 8)])
def test_audit_matches_the_closed_form_through_the_same_analysis(tmp_path, method, size):
    """Simulated mean coverage is troops x availability / 1000: the audit must equal SALib on that formula."""
    raw = copy.deepcopy(LAND)
    raw["parameters"] = raw["parameters"] | {"land": {"availability": 0.9}}
    keep = ("countries[A].land.troops", "parameters.land.availability", "parameters.coverage.foc")
    factors = [f for f in space(raw) if f.path in keep]
    assert [f.path for f in factors] == sorted(keep, key=[f.path for f in factors].index) and len(factors) == 3
    catalog = Catalog.load()
    X = analysis.design(method, factors, size, seed=3)
    sweep, rows = build_sweep(Path("t.yaml"), raw, factors, X, reps=4, seed=3, catalog=catalog)
    values, outcome = run_points(sweep, tmp_path / "points", SerialExecutor(), Metric("mean_coverage"))
    got = analysis.analyse(method, factors, X, values["land"][rows], seed=3)
    idx = {f.path: i for i, f in enumerate(factors)}
    troops = np.floor(X[:, idx["countries[A].land.troops"]] + 0.5)
    exact_y = troops * np.round(X[:, idx["parameters.land.availability"]], 6) / 1000
    want = analysis.analyse(method, factors, X, exact_y, seed=3)
    for col in analysis.COLUMNS[method]:
        np.testing.assert_allclose(got[col], want[col], rtol=1e-9, atol=1e-12)
    # the FOC threshold cannot move mean coverage: exactly 0
    key = "mu_star" if method == "morris" else "ST"
    assert got[key][idx["parameters.coverage.foc"]] == 0
    assert got[key][idx["countries[A].land.troops"]] > got[key][idx["parameters.land.availability"]] > 0


def test_metric_names_and_intervals():
    values = np.array([[0.5, 0.7], [10, np.nan], [100, 200], [0, 3], [0, 3]], dtype=float)
    assert list(Metric("p_ioc_by_50").per_rep(values)) == [1.0, 0.0]
    assert list(Metric("p_foc_by_150").per_rep(values)) == [1.0, 0.0]
    assert list(Metric("gap_days").per_rep(values)) == [0.0, 3.0]
    mean, lo, hi = Metric("p_foc_by_180").estimate(np.array([1.0] * 8 + [0.0] * 2))
    assert mean == 0.8 and 0.4 < lo < 0.8 < hi < 1.0
    assert not Metric("gap_days").higher_is_better and Metric("mean_coverage").higher_is_better
    with pytest.raises(UnknownMetric):
        Metric("p_foc_by_soon")


# --- the command --------------------------------------------------------------------------------


def write_land(tmp_path) -> Path:
    path = tmp_path / "land.yaml"
    path.write_text(yaml.safe_dump(LAND | {"name": "land"}))
    return path


def test_audit_command_writes_the_contract_and_resumes(tmp_path):
    scn, out = write_land(tmp_path), tmp_path / "a"
    args = ["audit", str(scn), "--trajectories", "2", "--reps", "3", "--out", str(out), "--workers", "1"]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(open(out / "audit.csv")))
    assert list(rows[0]) == ["parameter", "provenance", "low", "high", "component", "mu_star", "mu_star_conf", "sigma"]
    assert {row["component"] for row in rows} == {"land"}
    assert (out / "audit.png").is_file()
    drawn = (out / "audit.png").read_bytes()
    (out / "audit.png").unlink()
    r = runner.invoke(app, ["plot", str(out)])
    assert r.exit_code == 0 and (out / "audit.png").read_bytes() == drawn, r.output  # redrawn from the files alone
    doc = json.loads((out / "audit.json").read_text())
    assert doc["method"] == "morris" and doc["replications"] == 3
    first = (out / "audit.csv").read_text()
    r = runner.invoke(app, [*args, "--resume", "--no-plots"])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "audit.json").read_text())["timings"]["replications_run"] == 0
    assert (out / "audit.csv").read_text() == first


def test_sobol_columns(tmp_path):
    scn, out = write_land(tmp_path), tmp_path / "s"
    r = runner.invoke(
        app, ["audit", str(scn), "--method", "sobol", "--samples", "4", "--reps", "2", "--out", str(out), "--no-plots", "--quiet", "--workers", "1"]
    )
    assert r.exit_code == 0, r.output
    head = (out / "audit.csv").read_text().splitlines()[0]
    assert head == "parameter,provenance,low,high,component,S1,S1_conf,ST,ST_conf"


def test_audit_bad_options_are_one_line_each(tmp_path):
    scn = write_land(tmp_path)
    r = runner.invoke(app, ["audit", str(scn), "--metric", "p_foc_by_soon", "--samples", "4"])
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert any(line.startswith("--metric:") for line in lines) and any(line.startswith("--samples:") for line in lines)
    assert "Traceback" not in r.output


def test_audit_never_writes_over_a_users_folder(tmp_path):
    scn, out = write_land(tmp_path), tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    r = runner.invoke(app, ["audit", str(scn), "--trajectories", "2", "--reps", "1", "--out", str(out), "--quiet", "--workers", "1"])
    assert r.exit_code == 2 and "choose another --out" in r.output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
