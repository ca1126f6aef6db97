"""Sweep results carry the declared outcomes: deadline probabilities and paired differences to the base point."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim import outcomes
from sim.cli import app
from sim.sweep.spec import load_sweep, point_data, validate

from .tiny_scenario import SCENARIO

runner = CliRunner()


def sweep_file(tmp_path, **spec):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    body = {"base": "tiny.yaml", "replications": 10, "seed": 9, **spec}
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def rows(folder):
    return list(csv.DictReader(open(folder / "results.csv")))


def test_leave_one_out_rows_are_paired_with_the_full_coalition(tmp_path):
    path = sweep_file(tmp_path, coalition={"leave_one_out": True})
    out = tmp_path / "o"
    r = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet", "--deadlines", "30,60"])
    assert r.exit_code == 0, r.output
    got = rows(out)
    assert {"p_ioc_by_30", "p_foc_by_60", "diff_mean_coverage", "diff_low", "diff_high"} <= set(got[0])
    for row in got:
        if row["dropped"] == "":
            assert (row["diff_mean_coverage"], row["diff_low"], row["diff_high"]) == ("0", "0", "0")
    # Beta dropped, land: the same replications as the full coalition, so the difference is paired
    sweep = load_sweep(path)
    full, beta = sweep.points[0], next(p for p in sweep.points if p.dropped == "Beta")
    runs = [sim.run(validate(point_data(sweep.base_raw, sweep.parameters, p), "x"), reps=10, seed=9).metrics() for p in (full, beta)]
    a, b = (np.round(m["land"]["mean_coverage"], 6) for m in runs)
    d, lo, hi = outcomes.outcome("mean_coverage").paired(a, b)
    row = next(x for x in got if x["dropped"] == "Beta" and x["component"] == "land")
    assert float(row["diff_mean_coverage"]) == pytest.approx(d, abs=1e-4)
    assert (float(row["diff_low"]), float(row["diff_high"])) == pytest.approx((lo, hi), abs=1e-4)
    assert float(row["diff_high"]) < 0  # without Beta's troops land coverage falls, beyond the noise
    share = outcomes.values(runs[0]["land"], "p_ioc_by_60").mean()
    full_land = next(x for x in got if x["dropped"] == "" and x["component"] == "land")
    assert float(full_land["p_ioc_by_60"]) == pytest.approx(share, abs=1e-4)
    assert (out / "tornado.png").is_file()


def test_heatmap_metric_from_the_file_or_the_command(tmp_path):
    path = sweep_file(tmp_path, replications=4, plot={"metric": "p_foc_by_100"},
                      parameters={"us_backstop.level": ["none", "guarantee"], "countries[Alpha].land.troops": [1000, 3000]})
    out = tmp_path / "g"
    r = runner.invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "p_foc_by_100" in rows(out)[0]  # the plot's deadline is added to the columns
    assert (out / "heatmap.png").is_file()
    ok = runner.invoke(app, ["plot", str(out), "--metric", "mean_coverage"])
    assert ok.exit_code == 0, ok.output
    missing = runner.invoke(app, ["plot", str(out), "--metric", "p_foc_by_7"])
    assert missing.exit_code == 2 and "--metric" in missing.output and "p_foc_by_7" in missing.output
    unknown = runner.invoke(app, ["plot", str(out), "--metric", "happiness"])
    assert unknown.exit_code == 2 and "unknown outcome" in unknown.output


def test_an_unknown_plot_metric_in_the_sweep_file_is_one_line(tmp_path):
    path = sweep_file(tmp_path, plot={"metric": "p_foc_by_soon"})
    r = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "x"), "--quiet"])
    assert r.exit_code == 2 and "plot.metric" in r.output
