"""Bad input: one line per problem (file, key path, what was expected), exit 2, never a traceback.

Also what is allowed but probably not meant: a warning on stderr, exit 0.
"""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

GOOD = """\
name: tiny
horizon_days: 60
replications: 2
requirements: {land: {troops: 1000}, sky: {orbits: 1}}
transit: {hubs: [{name: Poland}, {name: Romania}]}
countries:
  - name: A
    approval: {probability: 0.8, delay_days: {dist: uniform, low: 1, high: 9}}
    land: {troops: 600}
    sky: {aircraft: 12}
    via: Poland
  - ref: France
"""


def write(tmp_path: Path, content: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def invoke(*args: str):
    """Run the CLI in-process; return (exit code, stdout, stderr lines), asserting no exception escaped."""
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    return r.exit_code, r.stdout, r.stderr.strip().splitlines()


def problems(tmp_path, content, *, name="s.yaml", command="validate"):
    """The stderr lines of a command on a bad file: exit 2, each line naming the file."""
    path = write(tmp_path, content, name)
    code, _, lines = invoke(command, path)
    assert code == 2, lines
    assert lines and all(line.startswith(str(path)) for line in lines), lines
    return lines


# --- encodings --------------------------------------------------------------------------------


def test_non_utf8_bytes_are_one_line_with_their_position(tmp_path):
    lines = problems(tmp_path, GOOD.replace("name: A", "name: Fran\u00e7ois").encode("latin-1"))
    assert len(lines) == 1
    assert "line 7, column 15" in lines[0] and "expected UTF-8" in lines[0] and "0xe7" in lines[0]


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
     ("utf-32-le", codecs.BOM_UTF32_LE)],
)
def test_files_with_a_byte_order_mark_are_read(tmp_path, encoding, bom):
    path = write(tmp_path, bom + GOOD.replace("name: A", "name: Fran\u00e7ois").encode(encoding))
    assert sim.load_scenario(path).countries[0].name == "Fran\u00e7ois"
    if encoding == "utf-16-le":
        assert invoke("validate", path)[0] == 0


@pytest.mark.parametrize(
    "content,needle",
    [
        (GOOD.encode("utf-16-le"), "NUL bytes"),  # UTF-16 without its mark
        (codecs.BOM_UTF16_LE + b"\x00\xd8n\x00", "after the UTF-16 byte-order mark"),  # a lone surrogate
        (codecs.BOM_UTF8 + b"name: \xff\n", "after the UTF-8 byte-order mark"),
    ],
)
def test_text_that_does_not_match_its_encoding_is_refused_in_one_line(tmp_path, content, needle):
    lines = problems(tmp_path, content)
    assert len(lines) == 1 and needle in lines[0], lines


# --- duplicate keys ---------------------------------------------------------------------------


def test_duplicate_keys_are_rejected_with_the_key_and_its_line(tmp_path):
    text = GOOD.replace("replications: 2", "replications: 2\nhorizon_days: 50").replace(
        "land: {troops: 600}", "land: {troops: 600}\n    land: {troops: 5}"
    )
    lines = problems(tmp_path, text)
    assert any(": horizon_days: line 4: duplicate key 'horizon_days' (first at line 2)" in line for line in lines), lines
    assert any(": countries[A].land: line 11: duplicate key 'land' (first at line 10)" in line for line in lines), lines


def test_duplicate_keys_come_with_the_files_other_problems(tmp_path):
    text = GOOD.replace("troops: 600}", "troops: 600, troops: 7}").replace("via: Poland", "via: Narnia")
    lines = problems(tmp_path, text)
    assert any("countries[A].land.troops: line" in line and "duplicate key 'troops'" in line for line in lines), lines
    assert any("countries[A].via: unknown hub 'Narnia'" in line for line in lines), lines


def test_yaml_merge_keys_are_not_duplicates(tmp_path):
    text = GOOD.replace("  - ref: France\n", "  - &b {name: B, land: {troops: 10}, sky: {aircraft: 2}}\n  - <<: *b\n    name: C\n")
    path = write(tmp_path, text)
    code, _, lines = invoke("validate", path)
    assert code == 0, lines
    assert [c.name for c in sim.load_scenario(path).countries] == ["A", "B", "C"]


# --- every problem in one pass ----------------------------------------------------------------

MANY = GOOD.replace("troops: 600", "troops: many").replace("via: Poland", "via: Narnia").replace(
    "horizon_days: 60",
    "horizon_days: 60\n"
    "events:\n"
    "  - {type: withdraw, country: Bob, day: 3}\n"
    "  - {type: hub_closure, hub: X, start_day: 1, days: 5}\n"
    "  - {type: reinforce, country: A, day: 4, component: sea, amount: 1}\n"
    "phases: {land: {after: {component: sky, coverage: 0.5}}, sky: {after: {component: land, coverage: 0.5}}}\n"
    "parameters: {coverage: {ioc: 0.9, foc: 0.5}}",
).replace("ref: France", "ref: France\n  - name: A\n  - ref: Atlantis\n  - {name: B, sky: {aircraft: -1}}")

MANY_EXPECTED = [
    "countries[A].land.troops: expected",
    "countries[A].via: unknown hub 'Narnia'",
    "countries[A]: the same country twice",
    "countries[Atlantis].ref: unknown country ref 'Atlantis'",
    "countries[B].sky.aircraft: expected",
    "events[0].country: unknown country 'Bob'",
    "events[1].hub: unknown hub 'X'",
    "events[2].component: sea is not under requirements",
    "phases.land.after: phase gates in a cycle",
    "parameters.coverage.ioc: expected at most parameters.coverage.foc",
]


def test_field_and_cross_reference_errors_come_together_one_line_each(tmp_path):
    lines = problems(tmp_path, MANY)
    for needle in MANY_EXPECTED:
        assert sum(needle in line for line in lines) == 1, (needle, lines)
    assert len(lines) == len(MANY_EXPECTED), lines


def test_the_python_api_reports_the_same_problems(tmp_path):
    path = write(tmp_path, MANY)
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(path)
    assert len(err.value.problems) == len(MANY_EXPECTED)


# --- rejected ---------------------------------------------------------------------------------

REJECTED = {
    "an infinite duration": (GOOD.replace("high: 9", "high: .inf"), "countries[A].approval.delay_days.high: expected a finite number (got .inf)"),
    "a NaN probability": (GOOD.replace("probability: 0.8", "probability: .nan"), "countries[A].approval.probability: expected a finite number"),
    "an infinite requirement": (GOOD.replace("troops: 1000", "troops: .inf"), "requirements.land.troops: expected a finite number"),
    "a NaN parameter": (GOOD + "parameters: {sky: {on_station_hours: .NaN}}\n", "parameters.sky.on_station_hours: expected a finite number"),
    "a negative infinite day": (GOOD + "events: [{type: backstop, day: -.inf, level: none}]\n", "events[0].day: expected a finite number (got -.inf)"),
    "an infinite duration as a plain number": (GOOD.replace("via: Poland", "via: Poland\n    deploy_days: .inf"), "countries[A].deploy_days: expected a finite number"),
    "phase gates in a cycle of three": (
        GOOD.replace("sky: {orbits: 1}}", "sky: {orbits: 1}, sea: {ships: 1}}")
        + "phases:\n  land: {after: {component: sky, coverage: 0.5}}\n  sky: {after: {component: sea, coverage: 0.5}}\n"
        "  sea: {after: {component: land, coverage: 0.5}}\n",
        "phase gates in a cycle (land -> sky -> sea -> land",
    ),
    "IOC above FOC": (GOOD + "parameters: {coverage: {ioc: 0.95}}\n", "parameters.coverage.ioc: expected at most parameters.coverage.foc"),
    "two hubs with one name": (GOOD.replace("{name: Romania}", "{name: Romania}, {name: Poland, throughput_per_day: 9}"), "transit.hubs[Poland]: two hubs with one name"),
    "the same country twice by name": (GOOD + "  - name: A\n", "countries[A]: the same country twice"),
    "the same catalog country twice": (GOOD + "  - {ref: France, name: France 2}\n", "countries[France 2].ref: catalog country 'France' is already in"),
    "a hub with no throughput and no default": (GOOD.replace("{name: Romania}", "{name: Romania}, {name: Moldova}"), "transit.hubs[Moldova].throughput_per_day: expected people per day"),
    "a sweep file given to validate": ("base: baseline.yaml\nparameters: {seed: [1, 2]}\n", "this is a sweep file"),
    "a top-level list": ("- name: x\n", "expected a mapping of scenario keys"),
    "an empty file": ("", "expected a mapping of scenario keys"),
    "a Python tag": (GOOD + "extra: !!python/object:os.system {}\n", "expected valid YAML"),
}


@pytest.mark.parametrize("content,needle", REJECTED.values(), ids=list(REJECTED))
def test_rejected(tmp_path, content, needle):
    lines = problems(tmp_path, content)
    assert any(needle in line for line in lines), lines


def test_a_sweep_file_given_to_run_says_what_it_is(tmp_path):
    lines = problems(tmp_path, "base: baseline.yaml\ndesign: grid\n", command="run")
    assert lines == [f"{tmp_path / 's.yaml'}: this is a sweep file (it has base:/design:/coalition:), expected a "
                     f"scenario file; run it with `coalition-sim sweep {tmp_path / 's.yaml'}`"]


# --- warnings: allowed, probably not meant -----------------------------------------------------

WARNED = {
    "an event beyond the horizon": (GOOD + "events: [{type: backstop, day: 90, level: none}]\n", "events[0].day: warning: day 90 is beyond the horizon"),
    "a phase opening beyond the horizon": (GOOD + "phases: {land: {start_day: 60}}\n", "phases.land.start_day: warning"),
    "availability where maintenance is modelled": (
        GOOD + "maintenance: {sky: {}}\nparameters: {sky: {availability: 0.5}}\n",
        "parameters.sky.availability: warning: this override has no effect: maintenance.sky is modelled",
    ),
    "failures where maintenance is not modelled": (GOOD + "parameters: {sky: {mtbf_days: 9}}\n", "parameters.sky.mtbf_days: warning: this override has no effect: maintenance.sky is not modelled"),
    "a parameter of a component not simulated": (GOOD + "parameters: {sea: {ship_tonnage: 900}}\n", "parameters.sea.ship_tonnage: warning: this override has no effect: sea is not under requirements"),
    "Montreux without the sea": (GOOD + "parameters: {montreux: {straits_closed: true}}\n", "parameters.montreux.straits_closed: warning"),
    "maintenance of a component not simulated": (GOOD + "maintenance: {sea: {}}\n", "maintenance.sea: warning"),
}


@pytest.mark.parametrize("content,needle", WARNED.values(), ids=list(WARNED))
def test_warned_on_stderr_not_an_error(tmp_path, content, needle):
    path = write(tmp_path, content)
    code, out, lines = invoke("validate", path)
    assert code == 0 and "ok" in out
    assert any(needle in line and line.startswith(str(path)) for line in lines), lines


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")), ids=lambda p: p.name)
def test_the_library_validates_without_warnings(path):
    code, out, lines = invoke("validate", path)
    assert code == 0 and lines == []


# --- sweep files ------------------------------------------------------------------------------


def sweep_file(tmp_path, body: str, name="sw.yaml") -> Path:
    (tmp_path / "base.yaml").write_text(GOOD)
    return write(tmp_path, "base: base.yaml\nreplications: 1\n" + body, name)


def test_a_scenario_file_given_to_sweep_says_what_it_is(tmp_path):
    path = write(tmp_path, GOOD)
    code, _, lines = invoke("sweep", path, "--out", tmp_path / "o")
    assert code == 2 and len(lines) == 1 and "this is a scenario file" in lines[0] and "coalition-sim run" in lines[0]


def test_every_problem_of_a_sweep_file_in_one_pass(tmp_path):
    path = sweep_file(
        tmp_path,
        "design: lhs\nseed: 1\nseed: 2\nparameters:\n  countries[Narnia].land.troops: [1, 2]\n"
        "  countries[A].land.troops: {low: .nan, high: 4}\n",
    )
    code, _, lines = invoke("sweep", path, "--out", tmp_path / "o")
    assert code == 2
    for needle in ("duplicate key 'seed'", "samples: expected a number of points", "expected a country named 'Narnia'",
                   "countries[A].land.troops.low: expected a finite number"):
        assert sum(needle in line for line in lines) == 1, (needle, lines)
    assert not (tmp_path / "o").exists()


def test_a_sweep_axis_with_no_effect_is_warned(tmp_path):
    text = GOOD.replace("transit:", "maintenance: {sky: {}}\ntransit:")
    (tmp_path / "base.yaml").write_text(text)
    path = write(tmp_path, "base: base.yaml\nreplications: 1\nparameters:\n  parameters.sky.availability: [0.5, 0.7]\n"
                 "  countries[France].conditions: [[a], [b]]\n  seed: [1, 2]\n")
    from sim.sweep.spec import load_sweep

    sweep = load_sweep(path, warn=(lines := []).append)
    assert len(sweep.points) == 8
    assert any("parameters.parameters.sky.availability: warning: this axis has no effect: maintenance.sky is modelled" in x for x in lines), lines
    assert not any("seed" in x for x in lines), lines  # the seed changes the draws


# --- plot on damaged folders ------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    base = tmp_path_factory.mktemp("run")
    scn = base / "s.yaml"
    scn.write_text(GOOD)
    code, _, lines = invoke("run", scn, "--out", base / "out", "--reps", "2", "--no-plots")
    assert code == 0, lines
    return base / "out"


DAMAGE = {
    "summary.json missing": (lambda d: (d / "summary.json").unlink(), "summary.json: missing"),
    "summary.json not JSON": (lambda d: (d / "summary.json").write_text("{oops"), "summary.json: unreadable"),
    "coverage.csv missing": (lambda d: (d / "coverage.csv").unlink(), "coverage.csv: missing"),
    "coverage.csv not UTF-8": (lambda d: (d / "coverage.csv").write_bytes(b"\xff\xfe\x00x"), "coverage.csv: unreadable"),
    "coverage.csv cut short": (lambda d: (d / "coverage.csv").write_text((d / "coverage.csv").read_text()[:300].rsplit("\n", 1)[0] + "\n"),
                               "coverage.csv: unreadable (ValueError"),
    "timeline.csv with other columns": (lambda d: (d / "timeline.csv").write_text("a,b\n1,2\n"), "timeline.csv: unreadable"),
    "shortfall.csv garbled": (lambda d: (d / "shortfall.csv").write_text("day,component,cause,mean\nx,land,y,z\n"), "shortfall.csv: unreadable"),
}


@pytest.mark.parametrize("damage,needle", DAMAGE.values(), ids=list(DAMAGE))
def test_plot_on_a_damaged_run_names_the_file(tmp_path, run_folder, damage, needle):
    folder = tmp_path / "out"
    shutil.copytree(run_folder, folder)
    damage(folder)
    code, _, lines = invoke("plot", folder)
    assert code == 2 and len(lines) == 1 and needle in lines[0] and str(folder) in lines[0], lines


def test_plot_on_a_complete_run_still_draws(tmp_path, run_folder):
    folder = tmp_path / "out"
    shutil.copytree(run_folder, folder)
    code, out, lines = invoke("plot", folder)
    assert code == 0 and (folder / "coverage.png").is_file()


def test_plot_on_what_is_not_an_output_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "f").write_text("x")
    (tmp_path / "sweep").mkdir()
    (tmp_path / "sweep" / "results.csv").write_text("point\n")
    for target, needle in (("empty", "found none"), ("nowhere", "no such folder"), ("f", "not a folder"),
                           ("sweep", "sweep.json: missing")):
        code, _, lines = invoke("plot", tmp_path / target)
        assert code == 2 and len(lines) == 1 and needle in lines[0], lines
    (tmp_path / "sweep" / "sweep.json").write_text(json.dumps([1]))
    code, _, lines = invoke("plot", tmp_path / "sweep")
    assert code == 2 and "sweep.json: unreadable" in lines[0]


def test_as_a_user_runs_it_exit_2_and_no_traceback(tmp_path):
    path = write(tmp_path, MANY.encode("utf-16"))  # UTF-16 with its mark, read and checked as usual
    proc = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == len(MANY_EXPECTED)
