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
of the ratio within a round. On a shared virtual machine a round can run 20%
slower than the next; the per-round figures are printed so this shows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
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


def _jiffies() -> tuple[int, int]:
    """(busy CPU ticks of the whole machine, ticks used by this process and its descendants)."""
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
        mine, total = {os.getpid()}, 0
        for pid in sorted(parents):  # children have larger pids than their parents, usually
            if pid in mine or parents[pid] in mine:
                mine.add(pid)
                total += own[pid]
        return busy, total
    except (OSError, ValueError, IndexError):
        return 0, 0


def rate(sweep, folder: Path, ex) -> tuple[float, float]:
    """Replications per second of ``sweep`` on a started executor, and the share of the machine's
    CPU that other processes used meanwhile (0 on a quiet machine; Linux only)."""
    b0, o0 = _jiffies()
    t = time.perf_counter()
    reps_per_s = run_sweep(sweep, folder, ex).reps_per_s
    wall = time.perf_counter() - t
    b1, o1 = _jiffies()
    ticks = os.sysconf("SC_CLK_TCK") * wall * (os.cpu_count() or 1)
    return reps_per_s, max(0.0, ((b1 - b0) - (o1 - o0)) / ticks) if b1 else float("nan")


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
        rates: dict[str, list[float]] = {k: [] for k in makers}
        starts: dict[str, list[float]] = {k: [] for k in makers}
        others: list[float] = []
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
                    reps_per_s, other = rate(sweep, tmp / f"{name}{r}", ex)
                rates[name].append(reps_per_s)
                others.append(other)
        med = {k: statistics.median(v) for k, v in rates.items() if v}
        paired = lambda a, b, k=1: statistics.median(x / (k * y) for x, y in zip(rates[a], rates[b]))  # noqa: E731
        start = {k: statistics.median(v) for k, v in starts.items() if v}
        print(f"serial          {med['serial']:8.1f} reps/s   rounds {fmt(rates['serial'])}")
        print(f"local pool x{n}   {med['pool']:8.1f} reps/s   parallel efficiency {paired('pool', 'serial', n):.3f}"
              f"   (start {start['pool']:.2f} s)   rounds {fmt(rates['pool'])}")
        if "dask" in med:
            print(f"dask local x{n}   {med['dask']:8.1f} reps/s   Dask / pool {paired('dask', 'pool'):.3f}"
                  f"   (start {start['dask']:.2f} s)   rounds {fmt(rates['dask'])}")
        names = [f"{k}{r}" for k in rates for r in range(len(rates[k]))]
        same = len({(tmp / d / "results.csv").read_bytes() for d in names}) == 1
        print(f"results.csv identical across every run: {same}")
        busy = max(others)
        print(f"other processes used up to {busy:.0%} of the CPU during a measurement"
              + ("  (WARNING: a busy machine; rerun when it is quiet)" if busy > 0.05 else ""))


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    main()
