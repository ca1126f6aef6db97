"""benchmarks/against.py: the revision is resolved strictly and the timing worker answers for its own tree."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.benchmark_module import load

ROOT = Path(__file__).resolve().parent.parent
against = load("against")


def test_a_revision_resolves_to_its_commit_or_fails_clearly():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git clone")
    assert len(against.resolve(ROOT, "HEAD")) == 40
    with pytest.raises(against.PrepareError, match="not a commit"):
        against.resolve(ROOT, "no-such-revision-anywhere")


def test_the_worker_times_its_own_trees_baseline(tmp_path):
    worker = against.Worker(sys.executable, ROOT, on_path=True)
    try:
        assert Path(worker.info["sim"]).resolve().parent.parent == ROOT
        assert Path(worker.info["baseline"]) == ROOT / "scenarios" / "baseline.yaml"
        got = worker.time(2, 1)
        assert got["wall"] > 0 and got["cpu"] > 0
    finally:
        worker.close()
    assert worker.proc.returncode == 0


def test_speed_up_is_old_time_over_new_time():
    c = against.Comparison("REV", "0" * 40, 10, wall={"against": [3.0, 4.0], "this": [1.0, 2.0]},
                           cpu={"against": [2.0, 6.0], "this": [1.0, 2.0]})
    assert c.ratios("wall") == [3.0, 2.0]
    assert c.ratios("cpu") == [2.0, 3.0]
    lines = []
    against.report(c, log=lines.append)
    assert lines[-1] == "speed-up vs REV: 2.50x"
