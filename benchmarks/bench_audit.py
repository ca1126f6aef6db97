"""Audit speed: a Morris audit of the baseline (every number it uses, 10 trajectories, 50 replications a point).

Run from the project root::

    python benchmarks/bench_audit.py                          # the full audit the issue asks for
    python benchmarks/bench_audit.py --trajectories 2 --reps 10   # a quick look

It prints the audit's wall time against the 10-minute budget, and, measured
in the same run, what the audit would cost if every replication ran at the
speed of a plain serial ``run_reps`` of the baseline spread over the workers:
the ratio of the two is the engine's overhead (validation, task shipping,
journal, analysis). The machine's load average, the share of the CPU the
audit's processes got and the CPU time they used are printed too: on a shared
machine the wall time says as much about the neighbours as about the code,
and CPU time / workers is what the audit takes on idle cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.audit.run import prepare, run_audit  # noqa: E402
from sim.runner import run_reps  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from sim.sweep.executors import make_executor  # noqa: E402

BUDGET_S = 600.0


def _machine_busy_ticks() -> int:
    """Busy CPU ticks of the whole machine since boot."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]


def _tree_ticks(root: int) -> int:
    """CPU ticks (user + system) used so far by ``root`` and every live process descending from it.

    Pool workers are forked by a forkserver, so they are grandchildren that this
    process never waits for: they are read from /proc while they are alive.
    """
    parent, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                rest = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(rest[1])
        ticks[int(entry)] = int(rest[11]) + int(rest[12])
    total = 0
    for pid in ticks:
        p = pid
        while p not in (0, 1) and p != root:
            p = parent.get(p, 0)
        if p == root:
            total += ticks[pid]
    return total


def seconds_per_rep(scenario: Path, reps: int) -> float:
    """Serial seconds per replication of ``scenario`` (after a warm-up)."""
    scn = load_scenario(scenario)
    run_reps(scn, scn.seed, [0])
    t = time.perf_counter()
    run_reps(scn, scn.seed, range(1, reps + 1))
    return (time.perf_counter() - t) / reps


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    ap.add_argument("--trajectories", type=int, default=10)
    ap.add_argument("--reps", type=int, default=50)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--pilot-reps", type=int, default=20, help="replications timed serially for the reference")
    ap.add_argument("--out", type=Path, default=None, help="keep the audit's folder here (default: a temporary one)")
    args = ap.parse_args()

    load_before = os.getloadavg()
    per_rep = seconds_per_rep(args.scenario, args.pilot_reps)
    t0 = time.perf_counter()
    prepared = prepare(args.scenario, "morris", args.trajectories, args.reps, None, "all")
    prepare_s = time.perf_counter() - t0
    factors, sweep = prepared[1], prepared[3]
    reps_total = len(sweep.points) * args.reps
    busy0, own0 = _machine_busy_ticks(), _tree_ticks(os.getpid())
    with tempfile.TemporaryDirectory() as tmp, make_executor("local", args.workers) as ex:
        audit = run_audit(
            args.scenario, args.out or Path(tmp) / "audit", ex, method="morris", size=args.trajectories,
            reps=args.reps, plots=True, prepared=prepared,
        )
        busy1, own1 = _machine_busy_ticks(), _tree_ticks(os.getpid())  # while the workers are alive
    wall = time.perf_counter() - t0
    reference = reps_total * per_rep / args.workers
    print(f"scenario           {args.scenario.name}: {len(factors)} factors, {args.trajectories} trajectories, "
          f"{len(sweep.points)} points x {args.reps} replications = {reps_total} replications")
    print(f"workers            {args.workers} (machine: {os.cpu_count()} cores)")
    print(f"load average       {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"serial replication {per_rep * 1000:.1f} ms (pilot of {args.pilot_reps}, measured in this run)")
    print(f"audit wall time    {wall:.0f} s (space, design and validation {prepare_s:.0f} s, simulate "
          f"{audit.timings['simulate_s']:.0f} s, analyse {audit.timings['analyse_s']:.1f} s)")
    print(f"budget ratio       {wall / BUDGET_S:.2f} of the 10-minute budget")
    print(f"engine ratio       {wall / reference:.2f} x (replications x serial time / workers = {reference:.0f} s)")
    tick = os.sysconf("SC_CLK_TCK")
    cpu = (own1 - own0) / tick
    share = (own1 - own0) / max(1, busy1 - busy0)
    print(f"CPU share          {share:.0%} of the machine's busy CPU time went to this audit")
    print(f"audit CPU time     {cpu:.0f} s in all its processes; on {args.workers} idle cores that is "
          f"{cpu / args.workers:.0f} s of wall time ({cpu / args.workers / BUDGET_S:.2f} of the budget)")


if __name__ == "__main__":
    main()
