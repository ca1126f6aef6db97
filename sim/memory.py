"""Estimate what a run or a sweep will hold in memory, and refuse what the machine cannot hold.

Nothing here simulates at scale: the estimates come from the scenario's shape
(replications x components x days of float64 for the daily coverage, and
what each replication adds to the timeline), plus, for a run, the timeline
rows of one pilot replication. :func:`available_bytes` is the smaller of the
machine's available memory and the limit of the cgroup the process runs in.
A refusal is a :class:`~sim.errors.ScenarioError` with one line that prints
the estimate, so the command line exits with status 2 before allocating.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from .errors import ScenarioError

FLOAT = 8
TIMELINE_ROW = 10 * 8 + 4 * 24 + 64
"""Bytes one timeline row holds: ten list slots, a few float objects, its share of the list's slack."""
VIOLATION_BYTES = 400
"""Bytes one ceasefire violation holds while its replication is simulated (event, interval, surge)."""
POINT_FACTOR = 6
"""A validated point scenario held in memory, as a multiple of its pickled size."""
HEADROOM = 0.8
"""Refuse above this share of the available memory: the interpreter, numpy and the OS need the rest."""


def human(n: float) -> str:
    """``n`` bytes as ``1.2 GB``."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover


def _read_int(path: str) -> Optional[int]:
    try:
        text = Path(path).read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def available_bytes() -> Optional[int]:
    """Memory this process may still use: the machine's available memory, capped by its cgroup (None if unknown)."""
    candidates = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                candidates.append(int(line.split()[1]) * 1024)
                break
    except (OSError, ValueError, IndexError):
        pass
    if not candidates:
        try:
            candidates.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            pass
    limit = _read_int("/sys/fs/cgroup/memory.max")  # cgroup v2 ("max" when unlimited)
    used = _read_int("/sys/fs/cgroup/memory.current")
    if limit is None:  # cgroup v1
        limit = _read_int("/sys/fs/cgroup/memory/memory.limit_in_bytes")
        used = _read_int("/sys/fs/cgroup/memory/memory.usage_in_bytes")
    if limit is not None and limit < 1 << 60:
        candidates.append(max(0, limit - (used or 0)))
    return min(candidates) if candidates else None


def expected_violations(scenario) -> float:
    """Ceasefire violations one replication of ``scenario`` is expected to draw."""
    years = scenario.horizon_days / 365.0
    return sum(
        float(e.rate_per_year) * years for e in (scenario.events or []) if getattr(e, "type", None) == "violations"
    )


def replication_bytes(scenario, timeline_rows: float) -> int:
    """What one replication of a run keeps until the run is written (coverage, trainees, timeline)."""
    comps, days = len(scenario.components), scenario.horizon_days
    per = comps * days * FLOAT * 3  # coverage, plus the copies percentiles and metrics make when writing
    if "regeneration" in scenario.components:
        per += days * FLOAT * 3  # capability, then graduates and their percentiles
    per += comps * FLOAT * 2 + timeline_rows * (TIMELINE_ROW + FLOAT)  # openings, sustainability, timeline, waits
    return int(per)


def batch_bytes(scenario, batch: int) -> int:
    """What simulating a batch of ``batch`` replications holds at once (traces and their daily series)."""
    from .coverage import CAUSES

    comps, days = len(scenario.components), scenario.horizon_days
    daily = batch * comps * days * FLOAT * (len(CAUSES) + 4)
    return int(daily + batch * expected_violations(scenario) * VIOLATION_BYTES)


def run_bytes(scenario, reps: int, timeline_rows: float, batch: int = 32) -> int:
    """Peak memory of a run of ``reps`` replications (estimate)."""
    return reps * replication_bytes(scenario, timeline_rows) + batch_bytes(scenario, min(batch, max(1, reps)))


def sweep_bytes(scenario, points: int, reps: int, workers: int, point_bytes: int, metrics: int = 5) -> int:
    """Peak memory of a sweep (estimate): point scenarios, per-point metric arrays in flight, and workers."""
    comps, days = len(scenario.components), scenario.horizon_days
    in_flight = min(points, 2 * workers + 1) * metrics * reps * comps * FLOAT
    per_worker = batch_bytes(scenario, 32) + min(reps, 2000) * comps * days * FLOAT
    return int(points * point_bytes + in_flight + workers * per_worker)


def check(estimate: int, what: str, advice: str) -> None:
    """Raise a one-line :class:`ScenarioError` if ``estimate`` bytes exceed what this machine can give.

    Args:
        estimate: bytes needed.
        what: the input that asks for it, e.g. ``--reps 1000000000`` or ``scn.yaml: replications``.
        advice: what to change, e.g. ``lower the replications``.
    """
    avail = available_bytes()
    if avail is None or estimate <= HEADROOM * avail:
        return
    raise ScenarioError(
        [f"{what}: needs about {human(estimate)} of memory; {human(avail)} is available ({advice})"]
    )


def pilot_rows(scenario, seed: int) -> int:
    """Timeline rows of one replication (a pilot, run only once the violations are known to be sane)."""
    from .model.replication import Plan, simulate

    return len(simulate(scenario, seed, 0, Plan.of(scenario)).contingents)


def check_run(scenario, reps: int, seed: int, what: str) -> int:
    """Refuse (one line) a run of ``reps`` replications that would not fit in memory; return the estimate."""
    check(batch_bytes(scenario, min(32, max(1, reps))), what, "lower the rate of ceasefire violations")
    estimate = run_bytes(scenario, reps, pilot_rows(scenario, seed) if reps else 0)
    check(estimate, what, "lower the replications, or run them as a sweep")
    return estimate
