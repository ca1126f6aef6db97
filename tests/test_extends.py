"""Scenarios that state only their differences (`extends:`), and `run --set PATH=VALUE`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.scenario_files import merge_countries, merge_layer, read_chain

runner = CliRunner()

BASE = """\
name: base
description: the base
horizon_days: 40
replications: 2
seed: 3
us_backstop: {level: logistics}
requirements: {land: {troops: 1000}, sky: {orbits: 1}, regeneration: {trainees_per_month: 100}}
phases:
  regeneration: {start_day: 0}
  sky: {start_day: 5}
  land: {after: {component: regeneration, coverage: 0.5, for_days: 3}}
events:
  - {type: withdraw, yearly_probability: 0.05}
countries:
  - {name: A, land: {troops: 600}, approval: {probability: 0.8, delay_days: 4}, rotation: none}
  - ref: France
  - {name: B, sky: {aircraft: 4}, rotation: none}
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "base.yaml").write_text(BASE)

    def write(text: str, name: str = "child.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def test_maps_merge_deeply_and_other_lists_replace(files):
    scn = sim.load_scenario(files("extends: base.yaml\nus_backstop: {level: none}\nrequirements: {land: {troops: 2000}}\n"
                                  "events: [{type: backstop, day: 9, level: guarantee}]\n"))
    assert scn.us_backstop.level == "none"
    assert scn.requirements.amount("land") == 2000 and scn.requirements.amount("sky") == 1  # sky kept
    assert [e.type for e in scn.events] == ["backstop"]
    assert scn.horizon_days == 40 and scn.seed == 3 and scn.description == "the base"


def test_countries_merge_by_name_or_ref_drop_removes_new_ones_append(files):
    scn = sim.load_scenario(files(
        "extends: base.yaml\ncountries:\n"
        "  - {name: A, approval: {probability: 0.5}}\n"  # overrides one field, keeps delay_days and land
        "  - {name: France, land: {troops: 1}}\n"  # a ref entry matched by name
        "  - {name: B, drop: true}\n"
        "  - {ref: Germany}\n"
    ))
    names = [c.name for c in scn.countries]
    assert names == ["A", "France", "Germany"]
    a = scn.country("A")
    assert a.approval.probability == 0.5 and a.approval.delay_days.days == 4 and a.land.troops == 600
    assert scn.country("France").land.troops == 1 and scn.country("France").ref == "France"


def test_a_phase_replaces_the_base_phase_of_its_component_only(files):
    scn = sim.load_scenario(files("extends: base.yaml\nphases: {land: {start_day: 10}}\n"))
    assert scn.phases["land"].start_day == 10 and scn.phases["land"].after is None
    assert scn.phases["sky"].start_day == 5


def test_null_removes_a_key_and_a_distribution_replaces_whole(files):
    scn = sim.load_scenario(files(
        "extends: base.yaml\nphases: {sky: null}\n"
        "countries: [{name: A, approval: {delay_days: {dist: uniform, low: 1, high: 2}}}]\n"
    ))
    assert "sky" not in scn.phases
    assert scn.country("A").approval.delay_days.dist == "uniform"


def test_chains_and_the_name_of_a_file_that_gives_none(files, tmp_path):
    files("extends: base.yaml\nname: mid\nseed: 9\n", "mid.yaml")
    (tmp_path / "sub").mkdir()
    top = files("extends: ../mid.yaml\nhorizon_days: 20\n", "sub/top.yaml")
    scn, chain = sim.scenario.load_chain(top)
    assert (scn.seed, scn.horizon_days, scn.name) == (9, 20, "top")  # no name: the file's, never the base's
    assert [Path(f).name for f in chain.files] == ["top.yaml", "mid.yaml", "base.yaml"]


def test_merge_functions_directly():
    assert merge_layer({"a": {"b": 1, "c": 2}, "l": [1, 2]}, {"a": {"b": 3}, "l": [9]}) == {"a": {"b": 3, "c": 2}, "l": [9]}
    assert merge_layer({"d": {"dist": "fixed", "days": 1}}, {"d": {"dist": "uniform", "low": 0, "high": 1}}) == {
        "d": {"dist": "uniform", "low": 0, "high": 1}}
    assert merge_countries([{"ref": "X", "land": {"troops": 1}}], [{"ref": "X", "sky": {"aircraft": 2}}, {"name": "Y"}]) == [
        {"ref": "X", "land": {"troops": 1}, "sky": {"aircraft": 2}}, {"name": "Y"}]


BAD_CHAINS = {
    "a cycle": ("extends: child.yaml\n", "extends: a cycle"),
    "a missing base": ("extends: nowhere.yaml\n", "extends: cannot read nowhere.yaml"),
    "extends not a string": ("extends: [base.yaml]\n", "extends: expected the file name of a scenario"),
    "drop of a country the base lacks": ("extends: base.yaml\ncountries: [{name: Z, drop: true}]\n", "countries[Z].drop: no country 'Z' in the base"),
    "drop with other keys": ("extends: base.yaml\ncountries: [{name: A, drop: true, land: {troops: 1}}]\n", "countries[A].drop: expected drop: true alone"),
    "drop that is not true": ("extends: base.yaml\ncountries: [{name: A, drop: 1}]\n", "countries[A].drop: expected true"),
}


@pytest.mark.parametrize("text,needle", BAD_CHAINS.values(), ids=list(BAD_CHAINS))
def test_bad_chains_are_one_line_each(files, text, needle):
    path = files(text)
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith(str(path)), lines


def test_each_problem_names_the_file_that_holds_it(files, tmp_path):
    (tmp_path / "base.yaml").write_text(BASE.replace("horizon_days: 40", "horizon_days: forty\nhorizon_days: 41"))
    path = files("extends: base.yaml\ncountries: [{name: A, land: {troops: many}}]\nseed: -1\n")
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(path)
    base = str(tmp_path / "base.yaml")
    lines = err.value.problems
    assert f"{base}: horizon_days: line 4: duplicate key 'horizon_days' (first at line 3); expected each key once in a mapping" in lines
    assert any(x.startswith(f"{path}: countries[A].land.troops: expected") for x in lines), lines
    assert any(x.startswith(f"{path}: seed: expected") for x in lines), lines
    assert len(lines) == 3


# --- --set -------------------------------------------------------------------------------------


def test_set_uses_the_sweep_path_syntax(files):
    path = files("extends: base.yaml\n")
    scn = sim.load_scenario(path, sets=["us_backstop.level=guarantee", "countries[France].land.troops=6000",
                                        "countries[A].approval.delay_days={dist: uniform, low: 1, high: 3}",
                                        "events[0].yearly_probability=0.2", "countries[B].sky.aircraft=7"])
    assert scn.us_backstop.level == "guarantee"
    assert scn.country("France").land.troops == 6000
    assert scn.country("A").approval.delay_days.high == 3
    assert scn.events[0].yearly_probability == 0.2 and scn.country("B").sky.aircraft == 7


BAD_SETS = {
    "no equals sign": ("horizon_days", "--set horizon_days: expected PATH=VALUE"),
    "a malformed path": ("a..b=1", "--set a..b=1: expected a key between dots"),
    "an unknown country": ("countries[Narnia].land.troops=3", "--set countries[Narnia].land.troops=3: expected a country named 'Narnia'"),
    "an index past the end": ("events[4].day=3", "--set events[4].day=3: expected an index below 1"),
    "a value of the wrong type": ("horizon_days=abc", "horizon_days: expected: input should be a valid integer"),
    "an infinite value": ("seed=.inf", "--set seed=.inf: value: expected a finite number"),
    "a value that is not YAML": ("seed=[1", "--set seed=[1: value: expected valid YAML"),
    "an unknown key": ("us_backstop.levle=none", "us_backstop.levle: unknown key (from --set us_backstop.levle=none)"),
}


@pytest.mark.parametrize("assignment,needle", BAD_SETS.values(), ids=list(BAD_SETS))
def test_bad_sets_are_one_line_errors(files, assignment, needle):
    path = files("extends: base.yaml\n")
    r = runner.invoke(app, ["run", str(path), "--set", assignment, "--out", str(path.parent / "o")])
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and lines[0].startswith(str(path)), lines
    assert not (path.parent / "o").exists()


def test_several_bad_sets_and_file_problems_in_one_pass(files):
    path = files("extends: base.yaml\nseed: -4\n")
    r = runner.invoke(app, ["validate", str(path), "--set", "x", "--set", "countries[Q].land.troops=1", "--set", "horizon_days=0"])
    lines = r.stderr.strip().splitlines()
    assert r.exit_code == 2 and len(lines) == 4, lines


def test_run_records_the_chain_and_the_sets(files, tmp_path):
    path = files("extends: base.yaml\nname: child\n")
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-plots",
                            "--set", "us_backstop.level=guarantee", "--set", "countries[France].land.troops=6000"])
    assert r.exit_code == 0, r.output
    scenario = json.loads((out / "scenario.json").read_text())
    summary = json.loads((out / "summary.json").read_text())
    sets = ["us_backstop.level=guarantee", "countries[France].land.troops=6000"]
    files_read = [str(path), str(tmp_path / "base.yaml")]
    assert scenario["loaded_from"] == {"files": files_read, "set": sets}
    assert summary["scenario_files"] == files_read and summary["set"] == sets
    assert scenario["us_backstop"]["level"] == "guarantee" and summary["us_backstop"] == "guarantee"
    france = next(c for c in scenario["countries"] if c["name"] == "France")
    assert france["land"]["troops"] == 6000 and scenario["name"] == "child"
    # the merged scenario.json loads again as it is, to the same scenario
    again = sim.load_scenario(out / "scenario.json")
    assert again.model_dump() == sim.load_scenario(path, sets=sets).model_dump()


def test_a_parameter_set_on_the_command_line_is_not_reported_as_a_default_used(files, tmp_path):
    path = files("extends: base.yaml\n")
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-plots", "--set", "parameters.land.availability=0.5"])
    assert r.exit_code == 0, r.output
    used = json.loads((out / "summary.json").read_text())["defaults_used"]["parameters"]
    assert "land.availability" not in used and "sky.on_station_hours" in used


def test_a_sweep_may_use_a_base_that_extends(files, tmp_path):
    files("extends: base.yaml\nname: child\n")
    sweep = tmp_path / "sw.yaml"
    sweep.write_text("base: child.yaml\nreplications: 1\nparameters:\n  countries[France].land.troops: [1, 2]\n")
    from sim.sweep.spec import load_sweep

    loaded = load_sweep(sweep)
    assert [s.country("France").land.troops for s in loaded.scenarios] == [1, 2]


def test_read_chain_keeps_each_layer(files):
    chain = read_chain(files("extends: base.yaml\nseed: 5\n"))
    assert chain.layers[0] == {"seed": 5} and chain.data["seed"] == 5 and chain.data["name"] == "child"


def test_a_run_with_sets_never_writes_into_the_unchanged_scenarios_folder(files, monkeypatch):
    path = files("extends: base.yaml\nname: child\n")
    monkeypatch.chdir(path.parent)
    plain = runner.invoke(app, ["run", str(path), "--no-plots", "--quiet"])
    assert plain.exit_code == 0, plain.output
    before = (path.parent / "plots" / "child" / "summary.json").read_bytes()
    changed = ["--set", "us_backstop.level=guarantee", "--set", "countries[A].land.troops=900"]
    r = runner.invoke(app, ["run", str(path), "--no-plots", "--quiet", *changed])
    assert r.exit_code == 0, r.output
    folder = path.parent / "plots" / "child-set-countries-A-.land.troops-900-us_backstop.level-guarantee"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["us_backstop"] == "guarantee" and sorted(summary["set"]) == sorted(changed[1::2])
    assert (path.parent / "plots" / "child" / "summary.json").read_bytes() == before
    again = runner.invoke(app, ["run", str(path), "--no-plots", "--quiet", *changed[2:], *changed[:2]])  # same changes, other order
    assert again.exit_code == 0 and sorted(p.name for p in (path.parent / "plots").iterdir()) == ["child", folder.name]
