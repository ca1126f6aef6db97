"""Sweep throughput: replications per second serial, on a 2-worker local pool, and on a 2-worker Dask LocalCluster.

Run from the project root::

    python benchmarks/bench_sweep.py                        # about 40 s on 2 cores
    python benchmarks/bench_sweep.py --seconds 2 --rounds 1  # quicker, noisier

The sweep is the backstop ladder on ``scenarios/baseline.yaml`` (or, where
that file does not exist yet, every catalog country over 730 days), sized so
one serial measurement takes about ``--seconds``. All three executors are
measured in this one run, interleaved for ``--rounds`` rounds, and the median
is reported. Starting an executor (and its workers' first imports) is a fixed
cost printed separately; the rates are of the sweep itself. Parallel
efficiency is the pool's rate over ``workers`` times the serial rate; Dask /
pool is the ratio of their rates (1.0 = no overhead).
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


def started(make, warm_sweep, folder: Path):
    """Start an executor and run a small sweep on it, so workers have imported the model."""
    t = time.perf_counter()
    ex = make()
    run_sweep(warm_sweep, folder, ex, batch_reps=1)
    return ex, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="length of one serial measurement")
    ap.add_argument("--rounds", type=int, default=3, help="measurements per executor (the median is reported)")
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
        serial = SerialExecutor()
        pool, pool_start = started(lambda: PoolExecutor(n), warm, tmp / "w1")
        try:
            dask, dask_start = started(lambda: DaskExecutor(n), warm, tmp / "w2")
        except Exception as exc:  # noqa: BLE001 - Dask is optional
            print(f"dask: not measured ({exc})")
            dask = None
        rates: dict[str, list[float]] = {"serial": [], "pool": [], "dask": []}
        others: list[float] = []
        try:
            for r in range(args.rounds):  # interleaved, so drifts in machine speed hit all three alike
                for name, ex in (("serial", serial), ("pool", pool), ("dask", dask)):
                    if ex is not None:
                        reps_per_s, other = rate(sweep, tmp / f"{name}{r}", ex)
                        rates[name].append(reps_per_s)
                        others.append(other)
        finally:
            pool.close()
            if dask is not None:
                dask.close()
        med = {k: statistics.median(v) for k, v in rates.items() if v}
        print(f"serial          {med['serial']:8.1f} reps/s   rounds {fmt(rates['serial'])}")
        print(f"local pool x{n}   {med['pool']:8.1f} reps/s   parallel efficiency {med['pool'] / (n * med['serial']):.3f}"
              f"   (start {pool_start:.2f} s)   rounds {fmt(rates['pool'])}")
        if dask is not None:
            print(f"dask local x{n}   {med['dask']:8.1f} reps/s   Dask / pool {med['dask'] / med['pool']:.3f}"
                  f"   (start {dask_start:.2f} s)   rounds {fmt(rates['dask'])}")
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
