"""Benchmark of one scenario run: speed, cost per simpy event, post-processing share, memory.

Every figure is a ratio to a baseline measured in the same run, so results carry across machines:

* replications per second of the baseline scenario (friction on), and of the same scenario with
  friction off (no hubs, failures, Montreux or shocks): the friction slowdown;
* the simulator's cost per event against a bare simpy loop with the same event mix (the
  same numbers of processes, timeouts, resource requests and container gets/puts); steps that
  detachments and squadrons play on heaps of their own count as events, and as timeouts in the
  bare twin (a plain simpy model would have them as timeouts);
* the share of a replication spent building daily series and statistics with numpy (all that
  ``run()`` does besides simulating);
* memory growth per replication against the size of the daily series kept;
* each timing is the best of several repeats (the machine's noise only ever adds time);
* ``coalition-sim --help`` against importing simpy, numpy and typer alone;
* with ``--against REV``: this tree's baseline replication against the project at git revision
  ``REV``, prepared in a temporary folder and virtualenv and timed interleaved with this tree in
  the same run (:mod:`against`); the last line is ``speed-up vs REV: X.XXx``.

Run: ``python benchmarks/bench_run.py [--reps N] [--against REV [--rounds K] [--against-only]]``.
"""

from __future__ import annotations

import argparse
import gc
import heapq
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sim  # noqa: E402
from against import PrepareError, compare, report  # noqa: E402
from sim import runner, streams  # noqa: E402
from sim.model import callbacks, contingent, maintenance, montreux  # noqa: E402
from sim.model.gc_pause import collector_paused  # noqa: E402
from sim.model.replication import World, simulate  # noqa: E402
from sim.streams import Streams  # noqa: E402


def without_friction(path: Path) -> sim.Scenario:
    raw = sim.load_raw(path)
    for key in ("transit", "maintenance", "events"):
        raw.pop(key, None)
    raw["parameters"] = sim.scenario.merge(raw.get("parameters") or {}, {"montreux": {"enabled": False}})
    return sim.validate(raw, str(path))


class _CountingHeap:
    """``heapq`` for a mechanism's own heap, counting the steps it plays (one per pop)."""

    def __init__(self, mix: Counter):
        self.mix = mix
        self.heappush = heapq.heappush

    def heappop(self, heap):
        self.mix["LazyStep"] += 1
        return heapq.heappop(heap)


def _count_lazy_steps(mix: Counter):
    """Count the failures, repairs and ship steps that detachments and squadrons play on their own
    heaps (no simpy event): heap pops, and the steps of a ship's full stay written as one cycle.
    Also count the start and the end of each process written as callbacks (countries, decisions,
    contingents' lives: :mod:`sim.model.callbacks`), two events a plain simpy model would have."""
    counting = _CountingHeap(mix)
    play = montreux.Squadron._play_cycle

    def counted_cycle(self, i, cycle, until):
        before = cycle[3]
        play(self, i, cycle, until)
        mix["LazyStep"] += (3 if self._cycle[i] is None else cycle[3]) - before

    maintenance.heapq, montreux.heapq = counting, counting
    montreux.Squadron._play_cycle = counted_cycle

    chain_init, country = callbacks.Chain.__init__, contingent._country

    def counted_chain(self, env):
        mix["CallbackStartEnd"] += 2
        chain_init(self, env)

    def counted_country(*args):
        mix["CallbackStartEnd"] += 2
        return country(*args)

    callbacks.Chain.__init__, contingent._country = counted_chain, counted_country

    def undo():
        maintenance.heapq, montreux.heapq = heapq, heapq
        montreux.Squadron._play_cycle = play
        callbacks.Chain.__init__, contingent._country = chain_init, country

    return undo


def event_mix(scn: sim.Scenario, seed: int, reps: range, repeat: int = 3, count: bool = True) -> tuple[Counter, float, float]:
    """Count processed events by kind; time simulation and the rest of ``run()`` (best of ``repeat``).

    Besides simpy's events, ``LazyStep`` counts the steps mechanisms play on heaps of their own
    (failures and repairs, ships' passages): simpy events in all but name; ``CallbackStartEnd`` the
    ``Initialize`` and end events of the processes written as callbacks.

    The rest is everything a run does besides simulating: daily series, coverage, shortfall,
    statistics, long-run coverage, the timeline.
    """
    mix: Counter = Counter()
    undo = _count_lazy_steps(mix) if count else (lambda: None)
    try:
        for rep in reps if count else ():
            world = World(scn, Streams(seed, rep))
            env = world.env
            step = env.step

            def counting_step(step=step, env=env):
                mix[type(env._queue[0][3]).__name__] += 1
                step()

            env.step = counting_step
            world.run()
    finally:
        undo()
    best_sim = best_post = float("inf")
    for _ in range(repeat):  # timed without the counting hook: run() as users call it, simulate() timed inside
        spent = [0.0]

        def timed(*args, _spent=spent, **kw):
            t = time.perf_counter()
            try:
                return simulate(*args, **kw)
            finally:
                _spent[0] += time.perf_counter() - t

        runner.simulate = timed
        try:
            t0 = time.perf_counter()
            sim.run(scn, reps=reps, seed=seed)
            total = time.perf_counter() - t0
        finally:
            runner.simulate = simulate
        best_sim, best_post = min(best_sim, spent[0]), min(best_post, total - spent[0])
    return mix, best_sim, best_post


def _bare_env(mix: Counter):
    """A bare simpy model with the same numbers of processes, timeouts, resource requests,
    container gets/puts and plain events as ``mix`` (interrupts are not reproduced)."""
    env = simpy.Environment()
    n = max(1, mix["Initialize"])
    crews = simpy.Resource(env, capacity=2)
    tank = simpy.Container(env, capacity=10**9, init=10**9)

    def share(total: int, k: int) -> int:
        return total // n + (1 if k < total % n else 0)

    def proc(env, k):
        for i in range(share(mix["Timeout"], k)):
            yield env.timeout(1.0 + (k * 7 + i) % 13)
        for _ in range(share(mix["Request"], k)):
            with crews.request() as req:
                yield req
        for _ in range(share(mix["ContainerGet"], k)):
            yield tank.get(1)
            tank.put(1)
        for _ in range(share(mix["Event"], k)):
            ev = env.event()
            ev.succeed()
            yield ev

    for k in range(n):
        env.process(proc(env, k))
    return env


def bare_mix(mix: Counter) -> Counter:
    """The bare twin of ``mix``: each lazily played step becomes a timeout, and each process written as
    callbacks a process (its start and end), as they would be in plain simpy."""
    twin = Counter({k: v for k, v in mix.items() if k not in ("LazyStep", "CallbackStartEnd")})
    twin["Timeout"] += mix["LazyStep"]
    twin["Initialize"] += mix["CallbackStartEnd"] // 2
    return twin


def bare_loop(mix: Counter) -> float:
    """Seconds a bare simpy loop of ``mix`` takes, under the same terms as a replication (collector held off)."""
    env = _bare_env(mix)
    with collector_paused():
        t0 = time.perf_counter()
        env.run()
        return time.perf_counter() - t0


def count_bare(mix: Counter) -> int:
    env = _bare_env(mix)
    n = 0
    step = env.step

    def counting():
        nonlocal n
        n += 1
        step()

    env.step = counting
    env.run()
    return n


def import_time(code: str, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=100)
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "baseline.yaml"))
    ap.add_argument("--against", metavar="REV", help="also time the baseline of git revision REV, interleaved")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds of the --against comparison")
    ap.add_argument("--against-only", action="store_true", help="with --against: skip the other measurements")
    ap.add_argument("--fresh-deps", action="store_true",
                    help="with --against: install REV's own dependencies instead of sharing this environment's")
    args = ap.parse_args()
    if not (args.against and args.against_only):
        ratios(args)
    if args.against:
        print(f"\nbaseline replication, this tree vs {args.against}: {args.rounds} interleaved rounds of "
              f"{args.reps} replications each")
        try:
            comparison = compare(ROOT, args.against, args.reps, args.rounds, fresh_deps=args.fresh_deps)
        except PrepareError as exc:
            sys.exit(f"bench_run.py: --against {args.against}: {exc}")
        report(comparison)


def ratios(args) -> None:
    """The measurements against baselines of this tree: bare simpy, friction off, series size, imports."""
    path = Path(args.scenario)
    friction = sim.load_scenario(path)
    plain = without_friction(path)
    reps = range(args.reps)

    kind = "compiled (sim/_splitmix)" if streams.COMPILED else "plain Python (no compiled build, or COALITION_SIM_PURE=1)"
    print(f"scenario {friction.name}, {args.reps} replications, horizon {friction.horizon_days} days; random streams {kind}\n")
    rows = {}
    best = {"friction off": float("inf"), "friction on": float("inf")}
    for _ in range(5):  # interleaved, so slow spells of the machine hit both alike
        for name, scn in (("friction off", plain), ("friction on", friction)):
            t0 = time.perf_counter()
            sim.run(scn, reps=args.reps, seed=1)
            best[name] = min(best[name], time.perf_counter() - t0)
    for name, scn in (("friction off", plain), ("friction on", friction)):
        total = best[name]
        mix, _, _ = event_mix(scn, 1, reps, repeat=0)
        t_sim = t_post = bare = float("inf")
        twin = bare_mix(mix)
        for _ in range(3):  # interleave the model and its bare twin
            _, s_, p_ = event_mix(scn, 1, reps, repeat=1, count=False)
            t_sim, t_post = min(t_sim, s_), min(t_post, p_)
            bare = min(bare, bare_loop(twin))
        lazy = mix["LazyStep"]
        virtual = mix["CallbackStartEnd"]
        events = sum(mix.values())
        bare_events = count_bare(twin)
        per_sim, per_bare = t_sim / events, bare / bare_events
        rows[name] = total / args.reps
        print(f"{name}:")
        print(f"  replications per second      {args.reps / total:10.1f}   (run(): simulate + series + statistics)")
        print(f"  events per replication       {events / args.reps:10.0f}   {(events - lazy - virtual) / args.reps:.0f} simpy events "
              f"+ {lazy / args.reps:.0f} steps played on mechanisms' own heaps + {virtual / args.reps:.0f} starts and ends "
              f"of processes written as callbacks; {dict(mix.most_common(6))}")
        print(f"  cost per event vs bare simpy {per_sim / per_bare:10.2f}x  ({per_sim * 1e6:.2f} us vs {per_bare * 1e6:.2f} us, "
              f"bare loop of {bare_events} events, same mix, each heap step a timeout; target <= 1.2x)")
        print(f"  series + statistics share    {t_post / (t_sim + t_post):10.1%}   of a replication (target <= 10%)")
    print(f"\nfriction slowdown per replication  {rows['friction on'] / rows['friction off']:.2f}x  (target <= 3x)")

    # memory: what a run keeps per replication against the daily series it must keep
    gc.collect()
    tracemalloc.start()
    base_mem = tracemalloc.get_traced_memory()[0]
    r10 = sim.run(friction, reps=10, seed=2)
    gc.collect()
    m10 = tracemalloc.get_traced_memory()[0] - base_mem
    del r10
    gc.collect()
    base_mem = tracemalloc.get_traced_memory()[0]
    r100 = sim.run(friction, reps=100, seed=2)
    gc.collect()
    m100 = tracemalloc.get_traced_memory()[0] - base_mem
    tracemalloc.stop()
    series = r100.coverage[0].nbytes + (r100.trained[0].nbytes if r100.trained is not None else 0)
    per_rep = (m100 - m10) / 90
    print(f"memory kept per extra replication   {per_rep / 1024:.1f} KiB = {per_rep / series:.2f}x the daily series "
          f"it must keep ({series / 1024:.1f} KiB); the rest is its timeline rows")
    del r100

    base = import_time("import simpy, numpy, typer")
    cli = import_time("import sys; sys.argv=['coalition-sim','--help']; from sim.cli import main; main()")
    print(f"coalition-sim --help vs importing simpy+numpy+typer  {cli / base:.2f}x ({cli * 1e3:.0f} ms vs {base * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
