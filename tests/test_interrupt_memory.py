"""Ctrl-C ends a command with 130 leaving nothing half-written; absurd sizes are refused before allocating."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim import memory

TINY = {
    "name": "tiny",
    "horizon_days": 60,
    "replications": 2,
    "requirements": {"land": {"troops": 1000}},
    "countries": [{"name": "A", "land": {"troops": 600}}],
}


def sim_cmd(*args):
    return [sys.executable, "-m", "sim", *map(str, args)]


def call(*args, cwd, **kw):
    return subprocess.run(sim_cmd(*args), capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "MPLBACKEND": "Agg"}, **kw)


def write(tmp_path, doc, name="s.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def one_line(proc) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


# --- memory -----------------------------------------------------------------------------------


def test_available_memory_is_known_here():
    avail = memory.available_bytes()
    assert avail is None or avail > 0
    assert memory.human(2_900_000_000_000) == "2.9 TB"


def test_a_billion_replications_are_refused_with_the_estimate(tmp_path):
    scn = write(tmp_path, TINY)
    proc = call("run", scn, "--reps", "1000000000", cwd=tmp_path)
    assert proc.returncode == 2
    line = one_line(proc)
    assert line.startswith("--reps 1000000000: needs about") and "available" in line
    assert not (tmp_path / "plots").exists()
    proc = call("run", write(tmp_path, {**TINY, "replications": 1000000000}, "big.yaml"), cwd=tmp_path)
    assert proc.returncode == 2 and "big.yaml: replications: 1000000000: needs about" in one_line(proc)


def test_the_estimate_grows_with_what_a_run_holds():
    from sim.scenario import validate

    scn = validate(dict(TINY), "t.yaml")
    one = memory.run_bytes(scn, 1000, timeline_rows=2)
    assert memory.run_bytes(scn, 2000, timeline_rows=2) > 1.9 * one - memory.batch_bytes(scn, 32)
    assert memory.run_bytes(scn, 1000, timeline_rows=200) > one
    longer = validate({**TINY, "horizon_days": 600}, "t.yaml")
    assert memory.run_bytes(longer, 1000, timeline_rows=2) > 7 * one


def test_absurd_violation_rates_are_refused(tmp_path):
    doc = {**TINY, "events": [{"type": "violations", "rate_per_year": 1e15, "component": "land", "surge": 0.1, "days": 5}]}
    proc = call("run", write(tmp_path, doc), cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "violations" in one_line(proc)


def test_absurd_sweeps_are_refused_before_expanding(tmp_path):
    write(tmp_path, TINY, "tiny.yaml")
    values = list(range(1, 101))
    grid = write(tmp_path, {"base": "tiny.yaml", "parameters": {
        "countries[A].land.troops": values, "requirements.land.troops": values, "horizon_days": values,
        "seed": values, "replications": values}}, "grid.yaml")
    proc = call("sweep", grid, "--quiet", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "10,000,000,000 points" in one_line(proc)
    reps = write(tmp_path, {"base": "tiny.yaml", "replications": 1000000000,
                            "parameters": {"countries[A].land.troops": [1, 2]}}, "reps.yaml")
    proc = call("sweep", reps, "--quiet", "--workers", "1", cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "1000000000 replications: needs about" in one_line(proc)
    assert not (tmp_path / "plots").exists()


# --- Ctrl-C -----------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches the process in /proc")
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_leaves_the_earlier_folder_as_it_was(tmp_path, signum, status):
    out = tmp_path / "out"
    assert call("run", write(tmp_path, TINY), "--out", out, cwd=tmp_path).returncode == 0
    before = snapshot(out)
    proc = subprocess.Popen(sim_cmd("run", "baseline", "--reps", "3000", "--out", out), cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    try:
        deadline = time.monotonic() + 120
        while cpu_seconds(proc.pid) < 4 and time.monotonic() < deadline:  # past the imports, simulating
            time.sleep(0.1)
        assert proc.poll() is None, proc.communicate()
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(f"{signal.Signals(signum).name}: exit {proc.returncode} after {took:.2f} s")
    assert proc.returncode == status, err
    assert err.strip().splitlines() == ["interrupted; nothing was half-written"]
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "s.yaml"]


# --- the progress bar -------------------------------------------------------------------------


def on_a_terminal(args, cwd) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; return its status and what it showed."""
    main, child = pty.openpty()
    env = {**os.environ, "MPLBACKEND": "Agg", "COALITION_SIM_PROGRESS_AFTER_S": "0", "COLUMNS": "100"}
    proc = subprocess.Popen(sim_cmd(*args), cwd=cwd, stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env)
    os.close(child)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    return proc.wait(), shown.decode(errors="replace")


def test_run_shows_a_progress_bar_on_a_terminal_unless_quiet(tmp_path):
    scn = write(tmp_path, {**TINY, "replications": 100})
    status, shown = on_a_terminal(["run", scn, "--out", tmp_path / "a", "--no-plots"], tmp_path)
    assert status == 0 and "replications" in shown and "━" in shown, shown
    status, shown = on_a_terminal(["run", scn, "--out", tmp_path / "b", "--no-plots", "--quiet"], tmp_path)
    assert status == 0 and "━" not in shown, shown
    proc = call("run", scn, "--out", tmp_path / "c", "--no-plots", cwd=tmp_path)  # not a terminal
    assert proc.returncode == 0 and "━" not in proc.stderr
