"""Sweep throughput: replications per second serial, on a 2-worker local pool, and on a 2-worker Dask LocalCluster.

Run from the project root::

    python benchmarks/bench_sweep.py                        # about 80 s on 2 cores
    python benchmarks/bench_sweep.py --seconds 2 --rounds 1  # quicker, noisier

The sweep is the backstop ladder on ``scenarios/baseline.yaml`` (or, where
that file does not exist yet, every catalog country over 730 days), sized so
one serial measurement takes about ``--seconds``. All three executors are
measured in this one run, interleaved for ``--rounds`` rounds, and the median
is reported; only one executor is alive at a time. Starting an executor (and
its workers' first imports) is a fixed cost printed separately; the rates are
of the sweep itself. Parallel
efficiency is the pool's rate over ``workers`` times the serial rate, Dask /
pool the ratio of their rates (1.0 = no overhead), each the median over rounds
of the ratio within a round, with its range. On a shared virtual machine a round can run 20%
slower than the next, and where other users hold the CPUs the wall clock says little about the
executors; so each figure is also given from the CPU time every process of the sweep used
(``/proc``): the wall time on a quiet machine is estimated as the larger of the busiest worker's
CPU time and the whole tree's CPU time over the workers (:meth:`Measure.quiet_wall`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.sweep.executors import DaskExecutor, PoolExecutor, SerialExecutor  # noqa: E402
from sim.sweep.run import run_sweep, seconds_per_rep  # noqa: E402
from sim.sweep.spec import load_sweep  # noqa: E402


def base_file(folder: Path) -> Path:
    baseline = ROOT / "scenarios" / "baseline.yaml"
    if baseline.exists():
        return baseline
    countries = yaml.safe_load((ROOT / "seeds" / "countries.yaml").read_text())["countries"]
    scn = {
        "name": "bench",
        "horizon_days": 730,
        "requirements": {"sky": {"orbits": 4}, "sea": {"ships": 6}, "land": {"troops": 25000},
                         "regeneration": {"trainees_per_month": 3000}},
        "us_backstop": {"level": "logistics"},
        "countries": [{"ref": c["name"]} for c in countries],
    }
    path = folder / "bench.yaml"
    path.write_text(yaml.safe_dump(scn, sort_keys=False))
    return path


def _ticks() -> tuple[int, dict[int, int]]:
    """(busy CPU ticks of the whole machine, CPU ticks used so far by this process and each descendant)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
        parents, own = {}, {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                rest = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            parents[pid], own[pid] = int(rest[1]), int(rest[11]) + int(rest[12])
        mine, changed = {os.getpid()}, True
        while changed:  # descendants, however their pids were allotted
            grown = mine | {pid for pid, parent in parents.items() if parent in mine}
            changed, mine = grown != mine, grown
        return busy, {pid: own[pid] for pid in mine}
    except (OSError, ValueError, IndexError):
        return 0, {}


@dataclass
class Measure:
    """One measurement of one executor."""

    reps: int
    wall: float
    other: float  # share of the machine's CPU other processes used meanwhile
    workers: list[float]  # CPU seconds of the busiest ``n`` processes of this tree (the workers)
    overhead: float  # CPU seconds of the rest of this tree (this process, the pool's server, Dask's nannies)

    @property
    def rate(self) -> float:
        return self.reps / self.wall

    def quiet_wall(self) -> float:
        """The wall time this work would take on a quiet machine with a core per worker.

        The busiest worker bounds it, and so does the tree's CPU over the cores it has (the parent
        shares them with the workers). Waiting for a CPU that other users hold is left out;
        waiting for work is in the workers' share as the CPU they did not get to use.
        """
        return max(max(self.workers), (sum(self.workers) + self.overhead) / len(self.workers))


def rate(sweep, folder: Path, ex, n: int) -> Measure:
    """Measure ``sweep`` on a started executor: wall time, and the CPU its processes used."""
    hz = os.sysconf("SC_CLK_TCK")
    b0, o0 = _ticks()
    t = time.perf_counter()
    reps = run_sweep(sweep, folder, ex).reps_run
    wall = time.perf_counter() - t
    b1, o1 = _ticks()
    used = sorted(((o1[p] - o0.get(p, 0)) / hz for p in o1), reverse=True)
    if not used:
        used = [wall]
    workers = used[:n] if len(used) > n else used  # serial: the only busy process is this one
    ticks = hz * wall * (os.cpu_count() or 1)
    other = max(0.0, ((b1 - b0) - hz * sum(used)) / ticks) if b1 else float("nan")
    return Measure(reps, wall, other, workers, sum(used) - sum(workers))


def warmed(make, warm_sweep, folder: Path):
    """Start an executor and run a small sweep on it, so its workers have imported the model."""
    ex = make()
    run_sweep(warm_sweep, folder, ex, batch_reps=1)
    return ex


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="length of one serial measurement")
    ap.add_argument("--rounds", type=int, default=5, help="measurements per executor (medians are reported)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    n = args.workers
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = base_file(tmp)
        levels = ["none", "intelligence", "logistics", "air_support", "guarantee"]

        def sweep_of(reps: int, name: str):
            spec = tmp / f"{name}.yaml"
            spec.write_text(yaml.safe_dump({"base": str(base), "replications": reps, "seed": 7,
                                            "parameters": {"us_backstop.level": levels}}))
            return load_sweep(spec)

        warm = sweep_of(2 * n, "warm")
        per_rep = seconds_per_rep(warm, 0)
        sweep = sweep_of(max(8, round(args.seconds / per_rep / len(levels))), "bench")
        print(f"base {base.name}: {len(levels)} points x {sweep.replications} replications per measurement, "
              f"~{per_rep * 1e3:.1f} ms per replication, {os.cpu_count()} cores, median of {args.rounds} rounds")
        makers = {"serial": SerialExecutor, "pool": lambda: PoolExecutor(n), "dask": lambda: DaskExecutor(n)}
        runs: dict[str, list[Measure]] = {k: [] for k in makers}
        starts: dict[str, list[float]] = {k: [] for k in makers}
        for r in range(args.rounds):  # interleaved, order reversed every round: drifts in machine speed cancel
            for name, make in list(makers.items())[:: 1 if r % 2 == 0 else -1]:
                t = time.perf_counter()
                try:
                    ex = warmed(make, warm, tmp / "warm")
                except Exception as exc:  # noqa: BLE001 - Dask is optional
                    print(f"{name}: not measured ({exc})")
                    makers = {k: v for k, v in makers.items() if k != name}
                    continue
                starts[name].append(time.perf_counter() - t)
                with ex:  # one executor alive at a time: none of them slows another
                    runs[name].append(rate(sweep, tmp / f"{name}{r}", ex, 1 if name == "serial" else n))
        runs = {k: v for k, v in runs.items() if v}
        start = {k: statistics.median(v) for k, v in starts.items() if v}

        def paired(a: str, b: str, k: int, wall: bool) -> list[float]:
            """Per round: rate of ``a`` over ``k`` times the rate of ``b`` (wall clock, or quiet-machine estimate)."""
            t = (lambda m: m.wall) if wall else (lambda m: m.quiet_wall())
            return [(x.reps / t(x)) / (k * y.reps / t(y)) for x, y in zip(runs[a], runs[b])]

        print(f"serial          {statistics.median(m.rate for m in runs['serial']):8.1f} reps/s   "
              f"rounds {fmt([m.rate for m in runs['serial']])}")
        rows = [("pool", "serial", n, f"local pool x{n}", "parallel efficiency")]
        if "dask" in runs:
            rows.append(("dask", "pool", 1, f"dask local x{n}", "Dask / pool"))
        for a, b, k, label, what in rows:
            print(f"{label:<15} {statistics.median(m.rate for m in runs[a]):8.1f} reps/s   "
                  f"{what} {ratio(paired(a, b, k, True))} by wall clock   (start {start[a]:.2f} s)   "
                  f"rounds {fmt([m.rate for m in runs[a]])}")
        print("from the CPU each process used (waits for CPUs held by other users left out; see Measure.quiet_wall):")
        for a, b, k, label, what in rows:
            tree = statistics.median(sum(m.workers) + m.overhead for m in runs[a]) / statistics.median(
                sum(m.workers) + m.overhead for m in runs[b])
            balance = statistics.median(sum(m.workers) / len(m.workers) / max(m.workers) for m in runs[a])
            print(f"  {label:<15} {what} {ratio(paired(a, b, k, False))}   CPU for the same work {tree:.3f}x "
                  f"{b}'s, worker balance {balance:.3f}")
        names = [f"{k}{r}" for k in runs for r in range(len(runs[k]))]
        same = len({(tmp / d / "results.csv").read_bytes() for d in names}) == 1
        print(f"results.csv identical across every run: {same}")
        busy = max(m.other for ms in runs.values() for m in ms)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"other processes used up to {busy:.0%} of the CPU during a measurement, load average {load:.1f}"
              + ("  (a busy machine: trust the CPU-based figures over the wall clock)" if busy > 0.05 else ""))


def ratio(values: list[float]) -> str:
    """Median over rounds, with the range."""
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    main()
