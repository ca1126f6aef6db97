"""Sweeps: expansion, path errors, executor independence, resume, failures, leave-one-out, plots."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioError
from sim.sweep import paths, store
from sim.sweep.executors import PoolExecutor, SerialExecutor
from sim.sweep.plots import draw_sweep, regression_coefficients
from sim.sweep.run import guided, plan_tasks, run_sweep
from sim.sweep.spec import Parameter, design_points, design_rng, lhs_unit, load_sweep

from .tiny_scenario import SCENARIO

LEVELS = ["none", "intelligence", "logistics", "air_support", "guarantee"]


def write_sweep(folder: Path, **spec) -> Path:
    (folder / "tiny.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    body = {"base": "tiny.yaml", "replications": 12, "seed": 9, **spec}
    path = folder / "sweep.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def cli(*args: str):
    return CliRunner().invoke(app, ["sweep", *args, "--quiet", "--no-plots"])


# --- expansion -------------------------------------------------------------------------------


def _param(path: str, values=None, kind="category", low=None, high=None) -> Parameter:
    return Parameter(path, paths.parse(path), kind, values=tuple(values) if values else None, low=low, high=high)


def test_grid_is_the_product_in_order_last_parameter_fastest():
    a, b, c = _param("a", ["x", "y"]), _param("b", [1, 2, 3], "int"), _param("c", [0.5, 1.5], "float")
    pts = design_points([a, b, c], "grid", None, design_rng(0))
    assert len(pts) == 2 * 3 * 2
    assert [tuple(p.values()) for p in pts] == list(itertools.product(["x", "y"], [1, 2, 3], [0.5, 1.5]))
    assert design_points([], "grid", None, design_rng(0)) == [{}]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), d=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_lhs_hits_each_stratum_once_per_parameter(n, d, seed):
    u = lhs_unit(n, d, np.random.default_rng(seed))
    assert u.shape == (n, d) and ((u >= 0) & (u < 1)).all()
    for j in range(d):
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n))


def test_lhs_over_integers_and_categories_is_stratified_and_integers_stay_integers():
    troops = _param("t", kind="int", low=1000, high=1099)  # 100 integers, 10 strata of 10
    level = _param("lvl", LEVELS)
    pts = design_points([troops, level], "lhs", 10, design_rng(5))
    assert all(type(p["t"]) is int and 1000 <= p["t"] <= 1099 for p in pts)
    assert sorted((p["t"] - 1000) // 10 for p in pts) == list(range(10))
    assert sorted(LEVELS.index(p["lvl"]) for p in pts) == sorted([0, 1, 2, 3, 4] * 2)


def test_random_design_is_reproducible_by_seed():
    ps = [_param("a", kind="float", low=0.0, high=1.0), _param("b", LEVELS)]
    one = design_points(ps, "random", 20, design_rng(42))
    assert one == design_points(ps, "random", 20, design_rng(42))
    assert one != design_points(ps, "random", 20, design_rng(43))
    assert all(p["a"] == float(f"{p['a']:.6g}") for p in one)  # what ran is what is written


def test_leave_one_out_gives_the_full_coalition_then_one_point_per_country(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, coalition={"leave_one_out": True}))
    assert [p.dropped for p in sweep.points] == [None, "Alpha", "Beta", "Gamma"]
    assert [len(s.countries) for s in sweep.scenarios] == [3, 2, 2, 2]
    assert "Alpha" not in [c.name for c in sweep.scenarios[1].countries]
    crossed = load_sweep(write_sweep(tmp_path, parameters={"us_backstop.level": ["none", "guarantee"]}, coalition={"leave_one_out": ["Beta"]}))
    assert [(p.values["us_backstop.level"], p.dropped) for p in crossed.points] == [
        ("none", None), ("none", "Beta"), ("guarantee", None), ("guarantee", "Beta")
    ]


# --- paths and errors ------------------------------------------------------------------------


def test_paths_select_by_name_or_ref_index_and_create_missing_mappings():
    data = {"countries": [{"ref": "France"}, {"name": "Beta", "land": {"troops": 1}}], "events": [{"day": 3}]}
    assert paths.parse("countries[United Kingdom].land.troops")[1] == paths.Select("United Kingdom")
    paths.assign(data, paths.parse("countries[France].sky.aircraft"), 12)
    paths.assign(data, paths.parse("countries[Beta].land.troops"), 7)
    paths.assign(data, paths.parse("events[0].day"), 5)
    assert data == {"countries": [{"ref": "France", "sky": {"aircraft": 12}}, {"name": "Beta", "land": {"troops": 7}}], "events": [{"day": 5}]}
    for bad in ("countries[Narnia].land.troops", "events[4].day", "countries[Beta].land.troops.x"):
        with pytest.raises(paths.PathError):
            paths.assign(data, paths.parse(bad), 1)
    for malformed in ("", "a..b", ".a", "a.", "[0]", "a[0"):
        with pytest.raises(paths.PathError):
            paths.parse(malformed)


@pytest.mark.parametrize(
    "parameters, needle",
    [
        ({"countries[Narnia].land.troops": [1, 2]}, "parameters.countries[Narnia].land.troops: expected a country named 'Narnia'"),
        ({"countries[Alpha].land.troops": ["many"]}, "parameters.countries[Alpha].land.troops: expected"),
        ({"countries[Alpha].land.troopz": [1]}, "parameters.countries[Alpha].land.troopz: unknown key"),
        ({"us_backstop.level": ["nada"]}, "parameters.us_backstop.level: expected"),
        ({"us_backstop.level": {"low": 1, "high": 2}}, "parameters.us_backstop.level: expected a list of values for design grid"),
        ({"horizon_days": [-5]}, "parameters.horizon_days: expected"),
    ],
)
def test_bad_paths_and_values_are_one_line_errors_with_exit_2(tmp_path, parameters, needle):
    path = write_sweep(tmp_path, parameters=parameters)
    res = cli(str(path), "--out", str(tmp_path / "out"))
    assert res.exit_code == 2, res.output
    assert needle in res.output and str(path) in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()  # nothing ran


def test_a_country_without_the_component_gets_it_and_ranges_keep_the_base_type(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, design="lhs", samples=4, parameters={
        "countries[Beta].sky.aircraft": {"low": 0, "high": 10},
        "countries[Alpha].land.troops": {"low": 1000.0, "high": 4000.0},
        "parameters.sky.availability": {"low": 0, "high": 1},
    }))
    for point, scn in zip(sweep.points, sweep.scenarios):
        assert scn.country("Beta").sky.aircraft == point.values["countries[Beta].sky.aircraft"]
        assert type(point.values["countries[Alpha].land.troops"]) is int  # int in the base
        assert type(point.values["parameters.sky.availability"]) is float  # float in the catalog


# --- running ---------------------------------------------------------------------------------


def test_results_do_not_depend_on_workers_or_executor(tmp_path):
    path = write_sweep(tmp_path, design="random", samples=6, parameters={
        "us_backstop.level": LEVELS, "countries[Alpha].land.troops": {"low": 1000, "high": 6000}})
    outs = []
    for name, extra in (("w1", ["--workers", "1"]), ("w2", ["--workers", "2"]), ("dask", ["--executor", "dask", "--workers", "2"])):
        res = cli(str(path), "--out", str(tmp_path / name), *extra)
        assert res.exit_code == 0, res.output
        outs.append((tmp_path / name / "results.csv").read_bytes())
    assert outs[0] == outs[1] == outs[2]
    head = outs[0].decode().splitlines()[0].split(",")
    assert head[:9] == ["point", "us_backstop.level", "countries[Alpha].land.troops", "component", "mean_coverage",
                        "ioc_day_median", "foc_day_median", "foc_reached", "gap_days_median"]
    doc = json.loads((tmp_path / "dask" / "sweep.json").read_text())
    assert doc["seed"] == 9 and doc["executor"]["kind"] == "dask" and doc["version"] and doc["timings"]["run_s"] >= 0


def test_batching_never_changes_a_number(tmp_path):
    sweep = load_sweep(write_sweep(tmp_path, parameters={"us_backstop.level": ["none", "guarantee"]}))
    texts = []
    for batch in (1, 5, 12, 100):
        run_sweep(sweep, tmp_path / f"b{batch}", SerialExecutor(), batch_reps=batch)
        texts.append((tmp_path / f"b{batch}" / "results.csv").read_text())
    assert len(set(texts)) == 1
    assert [sum(c.stop - c.start for c in t) for t in plan_tasks(sweep, [0, 1], lambda _: 5)] == [5, 5, 5, 5, 4]
    size = guided(0.001, workers=2)  # 1000 reps a second: tasks of 1000, shrinking to 100 near the end
    assert [size(r) for r in (100_000, 4000, 1000, 10)] == [1000, 1000, 250, 100]
    tasks = list(plan_tasks(sweep, [0, 1], guided(0.01, workers=2, target_task_s=0.05)))  # 5 reps max
    assert [[(c.point, c.start, c.stop) for c in t] for t in tasks] == [
        [(0, 0, 5)], [(0, 5, 10)], [(0, 10, 12), (1, 0, 2)], [(1, 2, 5)], [(1, 5, 7)], [(1, 7, 9)],
        [(1, 9, 10)], [(1, 10, 11)], [(1, 11, 12)],
    ]


class _Interrupt(SerialExecutor):
    """Stops after ``after`` tasks, as a kill would (the journal keeps what finished)."""

    def __init__(self, after: int):
        self.after = after

    def run(self, fn, tasks):
        for i, out in enumerate(super().run(fn, tasks)):
            if i == self.after:
                raise KeyboardInterrupt
            yield out


def test_resume_after_an_interruption_equals_an_uninterrupted_run(tmp_path, monkeypatch):
    path = write_sweep(tmp_path, design="lhs", samples=8, parameters={"countries[Alpha].land.troops": {"low": 0, "high": 6000}})
    sweep = load_sweep(path)
    run_sweep(sweep, tmp_path / "full", SerialExecutor(), batch_reps=5)
    cut = tmp_path / "cut"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, cut, _Interrupt(after=9), batch_reps=5)
    kept = store.Journal(cut).read()
    assert 0 < len(kept) < 8
    with open(cut / store.JOURNAL, "ab") as fh:
        fh.write(b'{"point": 7, "stats": {"sky"')  # a kill in the middle of a write
    res = cli(str(path), "--out", str(cut), "--resume", "--workers", "2")
    assert res.exit_code == 0, res.output
    assert f"{len(kept)} kept from before" in res.output
    assert (cut / "results.csv").read_bytes() == (tmp_path / "full" / "results.csv").read_bytes()
    other = write_sweep(tmp_path, parameters={"us_backstop.level": ["none"]})
    res = cli(str(other), "--out", str(cut), "--resume")
    assert res.exit_code == 2 and "fingerprint" in res.output
    import sim.sweep.run

    monkeypatch.setattr(sim.sweep.run, "code_digest", lambda: "the model changed")
    with pytest.raises(ScenarioError, match="model code"):
        run_sweep(sweep, cut, SerialExecutor(), resume=True)


def test_a_failing_point_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    import sim.sweep.worker as worker

    real = worker.run_reps

    def flaky(scenario, seed, reps):
        if scenario.us_backstop.level == "air_support":
            raise ZeroDivisionError("no aircraft left")
        return real(scenario, seed, reps)

    monkeypatch.setattr(worker, "run_reps", flaky)
    path = write_sweep(tmp_path, parameters={"us_backstop.level": LEVELS})
    res = cli(str(path), "--out", str(tmp_path / "o"), "--workers", "1")
    assert res.exit_code == 1
    assert "1 of 5 points failed" in res.output and "point 3: ZeroDivisionError: no aircraft left" in res.output
    rows = (tmp_path / "o" / "results.csv").read_text().splitlines()[1:]
    assert len(rows) == 10
    failed = [r for r in rows if r.startswith("3,")]
    assert len(failed) == 2 and all("ZeroDivisionError" in r and ",,,," in r for r in failed)
    assert all(r.endswith(",12,") for r in rows if not r.startswith("3,"))  # others complete, no error
    assert json.loads((tmp_path / "o" / "sweep.json").read_text())["failures"][0]["point"] == 3
    monkeypatch.undo()  # the cause is fixed: --resume runs the failed point again, and only it
    res = cli(str(path), "--out", str(tmp_path / "o"), "--workers", "1", "--resume")
    assert res.exit_code == 0 and "(1 run, 4 kept from before)" in res.output
    assert "Error" not in (tmp_path / "o" / "results.csv").read_text()


def test_pool_executor_returns_every_result_with_a_bounded_window():
    with PoolExecutor(2) as ex:
        assert sorted(ex.run(abs, range(-20, 0))) == list(range(1, 21))


# --- plots -----------------------------------------------------------------------------------


def test_plots_follow_the_design_and_redraw_from_files(tmp_path):
    designs = {
        "line": ({"parameters": {"us_backstop.level": LEVELS}}, ["line.png"]),
        "heat": ({"parameters": {"us_backstop.level": ["none", "guarantee"], "countries[Gamma].sky.aircraft": [0, 8]}}, ["heatmap.png"]),
        "loo": ({"coalition": {"leave_one_out": True}}, ["tornado.png"]),
        "lhs": ({"design": "lhs", "samples": 6, "parameters": {"countries[Alpha].sky.aircraft": {"low": 0, "high": 16}, "us_backstop.level": LEVELS}}, ["sensitivity.png"]),
    }
    for name, (spec, expected) in designs.items():
        sweep = load_sweep(write_sweep(tmp_path, **{"replications": 4, **spec}))
        run_sweep(sweep, tmp_path / name, SerialExecutor())
        drawn = draw_sweep(tmp_path / name)
        assert [p.name for p in drawn] == expected and all(p.stat().st_size > 0 for p in drawn)


def test_standardised_regression_coefficients_recover_a_linear_model():
    rng = np.random.default_rng(0)
    x = rng.random((200, 3))
    src, r2 = regression_coefficients(x, 3 * x[:, 0] - x[:, 1])
    assert r2 == pytest.approx(1.0) and src[0] > 0.9 and src[1] < -0.2 and abs(src[2]) < 1e-9
