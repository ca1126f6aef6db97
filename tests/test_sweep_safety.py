"""Sweeps never delete results they were not asked to, and their workers die with them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim.sweep.executors
import sim.sweep.run
from sim.cli import app
from sim.sweep.executors import SerialExecutor
from sim.sweep.lifeline import is_running, start_token

from .test_sweep import SCENARIO, write_sweep

ROOT = Path(__file__).resolve().parent.parent


def cli(*args):
    return CliRunner().invoke(app, ["sweep", *map(str, args), "--quiet", "--no-plots", "--workers", "1"])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def one_line(res) -> str:
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    return lines[0]


@pytest.fixture
def two_sweeps(tmp_path):
    first = write_sweep(tmp_path, parameters={"us_backstop.level": ["none", "guarantee"]})
    second = tmp_path / "second.yaml"
    second.write_text(yaml.safe_dump({"base": "tiny.yaml", "replications": 6, "seed": 4,
                                      "parameters": {"us_backstop.level": ["logistics", "air_support", "none"]}}))
    return first, second


def test_a_complete_sweep_is_never_overwritten_without_being_asked(tmp_path, two_sweeps):
    first, second = two_sweeps
    out = tmp_path / "out"
    assert cli(first, "--out", out).exit_code == 0
    before = snapshot(out)
    res = cli(second, "--out", out)
    assert res.exit_code == 2
    line = one_line(res)
    assert "--resume" in line and "--force" in line and "--out" in line and "complete" in line
    assert snapshot(out) == before


def test_force_replaces_only_when_the_new_sweep_completes(tmp_path, two_sweeps, monkeypatch):
    first, second = two_sweeps
    out = tmp_path / "out"
    assert cli(first, "--out", out).exit_code == 0
    (out / "notes-from-before.txt").write_text("stale")
    before = snapshot(out)

    class Interrupt(SerialExecutor):
        def run(self, fn, tasks):
            for i, res in enumerate(super().run(fn, tasks)):
                if i == 2:
                    raise KeyboardInterrupt
                yield res

    monkeypatch.setattr(sim.sweep.executors, "make_executor", lambda *a: Interrupt())
    monkeypatch.setattr(sim.sweep.run, "guided", lambda *a, **k: lambda remaining: 1)  # one replication a task
    res = cli(second, "--out", out, "--force")
    assert res.exit_code == 130 and "unchanged" in res.output
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "second.yaml", "sweep.yaml", "tiny.yaml"]
    monkeypatch.undo()
    res = cli(second, "--out", out, "--force")
    assert res.exit_code == 0, res.output
    after = snapshot(out)
    assert "notes-from-before.txt" not in after
    assert after["results.csv"].count(b"\n") == 1 + 3 * 2  # header + 3 points x 2 components
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "second.yaml", "sweep.yaml", "tiny.yaml"]


def test_an_interrupted_sweep_asks_for_resume_or_force(tmp_path, two_sweeps, monkeypatch):
    first, second = two_sweeps
    out = tmp_path / "out"

    class Interrupt(SerialExecutor):
        def run(self, fn, tasks):
            for i, res in enumerate(super().run(fn, tasks)):
                if i == 1:
                    raise KeyboardInterrupt
                yield res

    monkeypatch.setattr(sim.sweep.executors, "make_executor", lambda *a: Interrupt())
    monkeypatch.setattr(sim.sweep.run, "guided", lambda *a, **k: lambda remaining: 12)  # a point a task
    assert cli(first, "--out", out).exit_code == 130
    monkeypatch.undo()
    before = snapshot(out)
    res = cli(first, "--out", out)
    assert res.exit_code == 2 and "points done" in one_line(res) and snapshot(out) == before
    assert cli(first, "--out", out, "--resume").exit_code == 0


def test_a_run_folder_is_not_resumed_and_a_users_folder_is_never_replaced(tmp_path, two_sweeps):
    first, _ = two_sweeps
    run_out = tmp_path / "run"
    scn = tmp_path / "tiny.yaml"
    assert CliRunner().invoke(app, ["run", str(scn), "--out", str(run_out), "--reps", "2", "--no-plots"]).exit_code == 0
    before = snapshot(run_out)
    res = cli(first, "--out", run_out)
    assert res.exit_code == 2 and "a run's results" in one_line(res)
    res = cli(first, "--out", run_out, "--resume")
    assert res.exit_code == 2 and "not a sweep to resume" in one_line(res)
    assert snapshot(run_out) == before
    assert cli(first, "--out", run_out, "--force").exit_code == 0
    assert "summary.json" not in snapshot(run_out) and "results.csv" in snapshot(run_out)

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years")
    for flags in ([], ["--force"], ["--resume"]):
        res = cli(first, "--out", mine, *flags)
        assert res.exit_code == 2, flags
        one_line(res)
    assert snapshot(mine) == {"thesis.tex": b"years"}
    res = cli(first, "--out", mine, "--force", "--resume")
    assert res.exit_code == 2


def test_the_out_must_be_writable_before_anything_runs(tmp_path, two_sweeps):
    first, _ = two_sweeps
    (tmp_path / "file").write_text("x")
    for out in (tmp_path / "file", tmp_path / "file" / "sub"):
        res = cli(first, "--out", out)
        assert res.exit_code == 2 and "is a file" in one_line(res)
    proc = subprocess.run([sys.executable, "-m", "sim", "sweep", str(first), "--out", "/proc/coalition-sim-sweep", "--quiet"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "cannot write" in proc.stderr
    assert (tmp_path / "file").read_text() == "x"


# --- workers die with their main process ------------------------------------------------------


def children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def test_lifeline_sees_a_process_end():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    token = start_token(proc.pid)
    assert is_running(proc.pid, token)
    assert not is_running(proc.pid, "not its start time")
    proc.kill()
    time.sleep(0.2)
    assert not is_running(proc.pid, token)  # a zombie, not yet reaped, is dead
    proc.wait()
    assert not is_running(proc.pid, token)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("executor", ["local", "dask"])
def test_workers_end_when_the_main_process_is_killed(tmp_path, executor):
    if executor == "dask":
        pytest.importorskip("distributed")
    scenario = dict(SCENARIO, horizon_days=400)
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    (tmp_path / "long.yaml").write_text(yaml.safe_dump({
        "base": "tiny.yaml", "replications": 100000, "seed": 1,
        "parameters": {"us_backstop.level": ["none", "guarantee"]},
    }))
    main = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", "long.yaml", "--workers", "2", "--executor", executor,
         "--out", "out", "--quiet", "--no-plots"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    kids: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kids) < 3:  # 2 workers and their server or tracker
            time.sleep(0.3)
            kids = children(main.pid)
        assert len(kids) >= 2, "the sweep never started its workers"
        time.sleep(1.0)  # the workers are busy with replications
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(is_running(k) for k in kids):
            time.sleep(0.2)
        assert [k for k in kids if is_running(k)] == []
    finally:
        for k in kids:  # never leave a stray process behind, whatever happened above
            if is_running(k):
                os.kill(k, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
            main.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_ctrl_c_stops_a_pool_sweep_and_its_workers_at_once(tmp_path):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(dict(SCENARIO, horizon_days=400), sort_keys=False))
    (tmp_path / "long.yaml").write_text(yaml.safe_dump({
        "base": "tiny.yaml", "replications": 100000, "seed": 1, "parameters": {"us_backstop.level": ["none", "guarantee"]},
    }))
    main = subprocess.Popen(
        [sys.executable, "-m", "sim", "sweep", "long.yaml", "--workers", "2", "--out", "out", "--quiet", "--no-plots"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    kids: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(kids) < 3:
            time.sleep(0.3)
            kids = children(main.pid)
        assert len(kids) >= 2, "the sweep never started its workers"
        time.sleep(1.0)
        sent = time.monotonic()
        main.send_signal(signal.SIGINT)
        _, err = main.communicate(timeout=60)
        print(f"sweep: exit {main.returncode} {time.monotonic() - sent:.2f} s after Ctrl-C")
        assert main.returncode == 130 and "--resume" in err and "Traceback" not in err
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(is_running(k) for k in kids):
            time.sleep(0.2)
        assert [k for k in kids if is_running(k)] == []
    finally:
        for k in kids:
            if is_running(k):
                os.kill(k, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
            main.wait()
