"""Output folders: written aside, moved into place whole, never losing what a user has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import output
from sim.cli import app
from sim.output import OutputError, check_target, default_folder, safe_name, write_aside

runner = CliRunner()

TINY = """\
name: {name}
horizon_days: 40
replications: 2
requirements: {{land: {{troops: 1000}}}}
countries:
  - name: A
    land: {{troops: 600}}
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


# --- safe names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("baseline", "baseline"),
        ("../../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("..", "run"),
        (".", "run"),
        ("", "run"),
        ("   ", "run"),
        (".hidden", "hidden"),
        ("UK / France only", "UK-France-only"),
        ("Zürich–Kyiv", "Zürich-Kyiv"),
        ("a..b", "a.b"),
    ],
)
def test_safe_name_is_one_safe_component(name, expected):
    got = safe_name(name)
    assert got == expected
    assert "/" not in got and "\\" not in got and got not in ("", ".", "..") and not got.startswith(".")
    assert default_folder(name) == Path("plots") / got
    assert default_folder(name).parent == Path("plots")


def test_safe_name_is_bounded():
    assert len(safe_name("x" * 1000)) <= 100


# --- write_aside ---------------------------------------------------------------------------


def test_new_folder_appears_only_when_complete(tmp_path):
    target = tmp_path / "out"
    with write_aside(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        (tmp / "a.txt").write_text("new")
        assert not target.exists()
    assert snapshot(target) == {"a.txt": b"new"}
    assert siblings(target) == []


def test_earlier_folder_is_replaced_whole(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "summary.json").write_text("{}")
    (target / "coverage.png").write_text("old picture")
    with write_aside(target, replaces="summary.json") as tmp:
        (tmp / "summary.json").write_text('{"new": 1}')
    assert snapshot(target) == {"summary.json": b'{"new": 1}'}
    assert siblings(target) == []


def test_replacement_without_an_atomic_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    target = tmp_path / "out"
    target.mkdir()
    (target / "summary.json").write_text("old")
    with write_aside(target, replaces="summary.json") as tmp:
        (tmp / "summary.json").write_text("new")
    assert snapshot(target) == {"summary.json": b"new"}
    assert siblings(target) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failure_leaves_the_earlier_folder_exactly_as_it_was(tmp_path, error):
    target = tmp_path / "out"
    target.mkdir()
    (target / "summary.json").write_text("old")
    (target / "coverage.png").write_bytes(b"\x89PNG old")
    before = snapshot(target)
    with pytest.raises(type(error)):
        with write_aside(target, replaces="summary.json") as tmp:
            (tmp / "summary.json").write_text("half")
            raise error
    assert snapshot(target) == before
    assert siblings(target) == []


def test_the_new_folder_is_not_private(tmp_path):
    with write_aside(tmp_path / "out") as tmp:
        (tmp / "f").write_text("x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~mask


def test_a_users_folder_is_never_replaced(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError) as err:
        with write_aside(target, replaces="summary.json"):
            pytest.fail("must refuse before yielding")
    assert len(err.value.problems) == 1 and "summary.json" in err.value.problems[0]
    assert snapshot(target) == {"thesis.tex": b"years of work"}


def test_leftovers_of_a_killed_process_are_cleared(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    left = tmp_path / f".out.tmp-{pid}-abc"
    left.mkdir()
    (left / "half.csv").write_text("x")
    alive = tmp_path / f".out.tmp-{os.getpid()}-zzz"  # a live process's folder is left alone
    alive.mkdir()
    with write_aside(tmp_path / "out") as tmp:
        (tmp / "f").write_text("x")
    assert not left.exists() and alive.exists()


# --- check_target ---------------------------------------------------------------------------


def test_check_target_refuses_a_file(tmp_path):
    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        check_target(f)
    with pytest.raises(OutputError, match="is a file"):
        check_target(f / "sub" / "out")
    assert f.read_text() == "x"


def test_check_target_refuses_what_cannot_be_written(tmp_path):
    with pytest.raises(OutputError, match="cannot write"):
        check_target("/proc/coalition-sim-test/out")  # read-only even for root
    if os.geteuid() != 0:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            with pytest.raises(OutputError, match="cannot write"):
                check_target(ro / "out")
        finally:
            ro.chmod(0o755)


def test_check_target_accepts_absent_empty_and_earlier_output(tmp_path):
    check_target(tmp_path / "a" / "b" / "c")
    assert not (tmp_path / "a").exists(), "a check creates nothing"
    (tmp_path / "empty").mkdir()
    check_target(tmp_path / "empty", replaces="summary.json")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "summary.json").write_text("{}")
    check_target(tmp_path / "run", replaces="summary.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "run"]


# --- the run command ------------------------------------------------------------------------


def cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("make_out", ["file", "under_file", "proc", "users_folder"])
def test_run_refuses_an_unwritable_out_before_simulating(tmp_path, make_out):
    scn = tmp_path / "s.yaml"
    scn.write_text(TINY.format(name="tiny"))
    (tmp_path / "f.txt").write_text("keep")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("keep")
    out = {
        "file": tmp_path / "f.txt",
        "under_file": tmp_path / "f.txt" / "out",
        "proc": Path("/proc/coalition-sim-test"),
        "users_folder": tmp_path / "mine",
    }[make_out]
    proc = cli("run", scn, "--out", out, "--reps", "1", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and str(out) in proc.stderr
    assert proc.stdout == ""
    assert (tmp_path / "f.txt").read_text() == "keep" and (tmp_path / "mine" / "notes.md").read_text() == "keep"


def test_no_plots_leaves_no_earlier_picture(tmp_path):
    scn = tmp_path / "s.yaml"
    scn.write_text(TINY.format(name="tiny"))
    out = tmp_path / "o"
    r = runner.invoke(app, ["run", str(scn), "--out", str(out), "--reps", "2"])
    assert r.exit_code == 0, r.output
    assert (out / "coverage.png").is_file()
    (out / "stray-from-earlier.csv").write_text("x")
    r = runner.invoke(app, ["run", str(scn), "--out", str(out), "--reps", "2", "--no-plots"])
    assert r.exit_code == 0, r.output
    assert not list(out.glob("*.png")) and not (out / "stray-from-earlier.csv").exists()
    assert (out / "summary.json").is_file()
    assert siblings(out) == ["s.yaml"]


def test_a_run_failing_while_writing_leaves_the_earlier_run(tmp_path, monkeypatch):
    scn = tmp_path / "s.yaml"
    scn.write_text(TINY.format(name="tiny"))
    out = tmp_path / "o"
    assert runner.invoke(app, ["run", str(scn), "--out", str(out), "--reps", "2"]).exit_code == 0
    before = snapshot(out)

    def broken(folder):
        (Path(folder) / "coverage.png").write_bytes(b"half a picture")
        raise RuntimeError("disk full")

    monkeypatch.setattr("sim.plots.draw_run", broken)
    r = runner.invoke(app, ["run", str(scn), "--out", str(out), "--reps", "3", "--seed", "9"])
    assert r.exit_code != 0
    assert snapshot(out) == before
    assert siblings(out) == ["s.yaml"]


def test_a_scenario_name_cannot_escape_plots(tmp_path):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    scn = work / "s.yaml"
    scn.write_text(TINY.format(name="'../../x'"))
    proc = cli("run", scn, "--reps", "1", "--no-plots", cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert (work / "plots" / "x" / "summary.json").is_file()
    assert not (tmp_path / "x").exists() and not (tmp_path / "a" / "x").exists()


def test_a_folder_of_the_tools_pictures_only_is_an_earlier_output(tmp_path):
    """A fresh clone's plots/baseline/ holds committed pictures without their CSV and JSON: run may replace it."""
    from sim.output import check_target, write_aside

    gallery = tmp_path / "baseline"
    gallery.mkdir()
    (gallery / "coverage.png").write_bytes(b"old")
    assert check_target(gallery, replaces="summary.json") == gallery
    with write_aside(gallery, replaces="summary.json") as tmp:
        (tmp / "summary.json").write_text("{}")
    assert sorted(p.name for p in gallery.iterdir()) == ["summary.json"]
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "coverage.png").write_bytes(b"x")
    (mine / "holiday.png").write_bytes(b"y")
    with pytest.raises(OutputError):
        check_target(mine, replaces="summary.json")
