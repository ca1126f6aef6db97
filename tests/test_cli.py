"""The command line as a user runs it: files written, errors as one line with exit status 2."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

GOOD = """\
name: tiny
horizon_days: 60
replications: 3
requirements: {land: {troops: 1000}, sky: {orbits: 1}}
countries:
  - name: A
    approval: {probability: 0.8, delay_days: {dist: uniform, low: 1, high: 9}}
    land: {troops: 600}
    sky: {aircraft: 12}
  - ref: France
"""


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_run_writes_the_promised_files(tmp_path):
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(write(tmp_path, GOOD)), "--out", str(out), "--seed", "4", "--reps", "5"])
    assert r.exit_code == 0, r.output
    assert "land" in r.output and "IOC" in r.output
    for f in ("coverage.csv", "timeline.csv", "summary.json", "shortfall.csv", "coverage.png", "timeline.png", "shortfall.png"):
        assert (out / f).is_file(), f
    rows = list(csv.DictReader(open(out / "coverage.csv")))
    assert list(rows[0]) == ["day", "component", "mean", "p05", "p50", "p95", "p_ioc", "p_foc"]
    assert len(rows) == 60 * 2
    tl = list(csv.DictReader(open(out / "timeline.csv")))
    assert list(tl[0])[:7] == ["rep", "country", "component", "amount", "approved", "arrival_day", "departure_day"]
    assert {r["rep"] for r in tl} == {"0", "1", "2", "3", "4"}
    s = json.loads((out / "summary.json").read_text())
    assert s["seed"] == 4 and s["replications"] == 5 and s["scenario"] == "tiny"
    assert set(s["components"]) == {"land", "sky"}
    assert {"median", "p05", "p95"} <= set(s["components"]["land"]["ioc_day"])
    assert s["countries"]["France"]["contributions"]["land"]["rotation_ratio"] >= 1
    assert "sky.availability" in s["defaults_used"]["parameters"]


def test_no_plots_writes_no_png(tmp_path):
    out = tmp_path / "o"
    r = runner.invoke(app, ["run", str(write(tmp_path, GOOD)), "--out", str(out), "--no-plots"])
    assert r.exit_code == 0 and not list(out.glob("*.png"))


def test_validate_and_schema(tmp_path):
    assert runner.invoke(app, ["validate", str(write(tmp_path, GOOD))]).exit_code == 0
    r = runner.invoke(app, ["schema"])
    schema = json.loads(r.output)
    assert "countries" in schema["properties"] and "parameters" not in schema.get("required", [])


BAD = [
    ("countries: [\n  - name: A\n   land: 3\n", "expected valid YAML"),
    (GOOD.replace("horizon_days: 60", "horizon_days: 60\nhorizon: 3"), "horizon: unknown key"),
    (GOOD.replace("troops: 600", "troops: many"), "countries[A].land.troops"),
    (GOOD.replace("low: 1, high: 9", "low: -1, high: 9"), "countries[A].approval.delay_days.low"),
    (GOOD.replace("probability: 0.8", "probability: 1.5"), "countries[A].approval.probability"),
    (GOOD.replace("land: {troops: 600}", "land: {troops: 600}\n    deploy_days: -4"), "countries[A].deploy_days: expected"),
    (GOOD.replace("ref: France", "ref: Atlantis"), "unknown country ref 'Atlantis'"),
    (GOOD.replace("sky: {orbits: 1}", "space: {orbits: 1}"), "requirements.space: unknown key"),
    (GOOD.replace("horizon_days: 60", "horizon_days: 60\nus_backstop: {level: total}"), "us_backstop.level"),
    (GOOD.replace("sky: {aircraft: 12}", "sky: {aircraft: 12}\n    requires_backstop: maybe"), "countries[A].requires_backstop"),
]


@pytest.mark.parametrize("text,needle", BAD)
def test_bad_input_is_one_line_per_problem_exit_2(tmp_path, text, needle):
    path = write(tmp_path, text)
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert any(needle in line and str(path) in line for line in lines), proc.stderr


def test_unreadable_file_is_exit_2(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", "run", str(tmp_path / "missing.yaml")], capture_output=True, text=True)
    assert proc.returncode == 2 and "cannot read file" in proc.stderr and "Traceback" not in proc.stderr


def test_help_does_not_import_pyplot():
    code = "import sys; from sim.cli import app; import sim.runner, sim.results; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_public_api_is_pinned():
    import sim

    assert sorted(sim.__all__) == [
        "Catalog", "RunResult", "Scenario", "ScenarioError", "json_schema", "load_raw", "load_scenario",
        "rep_metrics", "run", "run_reps", "summarise", "validate", "write_run",
    ]
