"""Every output of a run, hashed in this tree and at another git revision: proof that a change moved no number.

A speed change claims to leave every result as it was. This checks the claim on the outputs users
see, not on one mechanism: for each case it runs ``sim.run`` and a sweep's ``runner.run_reps`` and
hashes the coverage, shortfall, phase openings, graduates, long-run coverage, the timeline, hub
queues and waits and the withdrawals (each its own hash, so a difference names what moved).

The cases are every scenario in this tree's ``scenarios/`` and four variants of its baseline that
reach what the library scenarios do not: every kind of event at once (``stress``), phase gates
that watch the sky and the sea with the Montreux tonnage cap binding (``live``: failures and ships
played as simpy events), small rotation pools that leave gaps over a longer horizon (``gaps``),
and frequent failures with few crews under the stress events (``stress-failures``). Both trees
run these same inputs, at the same seeds; a case the other revision cannot read is reported, not
counted.

Run from the project root::

    python benchmarks/identical.py --against REV          # prints "N cases, M differ"; exit 1 if any differ
    python benchmarks/identical.py --hashes               # this tree's hashes as JSON

The revision is prepared as for ``bench_run.py --against`` (:func:`against.prepare`: extracted
into a temporary folder, installed in a virtualenv of its own that shares this one's packages).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
SEEDS = (1, 20250426)
REPS = 24
OUTPUTS = ("coverage", "shortfall", "phase_open", "trained", "sustainable")


def digest(value) -> str:
    """A short hash of an array (dtype, shape and bytes) or of anything else's ``repr``."""
    h = hashlib.sha256()
    if hasattr(value, "tobytes") and hasattr(value, "dtype"):
        h.update(f"{value.dtype}{value.shape}".encode())
        h.update(value.tobytes())
    else:
        h.update(repr(value).encode())
    return h.hexdigest()[:16]


def cases(root: Path) -> list[tuple[str, dict]]:
    """(name, raw scenario) of every case: the tree's scenarios and four variants of its baseline."""
    import sim

    found = [(p.stem, sim.load_raw(p)) for p in sorted((root / "scenarios").glob("*.yaml"))]
    base = sim.load_raw(root / "scenarios" / "baseline.yaml")
    names = [c.get("ref") or c.get("name") for c in base["countries"]]
    stress = copy.deepcopy(base)
    stress["events"] = list(stress.get("events") or []) + [
        {"type": "reinforce", "country": names[1], "day": 200, "component": "land", "amount": 2000},
        {"type": "reinforce", "country": names[0], "day": 120, "component": "sky", "amount": 4},
        {"type": "reconsider", "country": names[-1], "day": 150},
        {"type": "reconsider", "country": names[-3], "day": 90},
        {"type": "withdraw", "yearly_probability": 0.4},
        {"type": "withdraw", "country": names[1], "day": 400},
        {"type": "hub_closure", "hub": base["transit"]["hubs"][0]["name"], "start_day": 100, "days": 20},
        {"type": "backstop", "day": 90, "level": "guarantee"},
        {"type": "backstop", "day": 300, "level": "none"},
        {"type": "violations", "rate_per_year": 5, "component": "sea", "surge": 0.3, "days": 10},
    ]
    live = copy.deepcopy(base)
    live["phases"] = {
        "sky": {"start_day": 0},
        "sea": {"after": {"component": "sky", "coverage": 0.6, "for_days": 20}},
        "regeneration": {"after": {"component": "sea", "coverage": 0.3, "for_days": 10}},
        "land": {"after": {"component": "regeneration", "coverage": 0.5, "for_days": 30}},
    }
    live.setdefault("parameters", {})["montreux"] = {"tonnage_cap": 12000}
    gaps = copy.deepcopy(base)
    gaps.setdefault("parameters", {})["rotation"] = {"min_dwell_ratio": 3.0}
    gaps["horizon_days"] = 1100
    failures = copy.deepcopy(stress)
    failures["maintenance"] = {"sky": {"mtbf_days": 5, "mttr_days": 3, "crews_per_detachment": 1}, "sea": {}}
    return found + [("stress", stress), ("live", live), ("gaps", gaps), ("stress-failures", failures)]


def outputs(scenario, seed: int, reps: int) -> dict[str, str]:
    """Hashes of what ``sim.run`` and a sweep's ``runner.run_reps`` give for ``scenario`` at ``seed``."""
    import sim
    from sim import runner

    result = sim.run(scenario, reps=reps, seed=seed)
    out = {name: digest(getattr(result, name)) for name in OUTPUTS if hasattr(result, name)}
    out["timeline"] = digest(result.timeline)
    out["hub_queue"] = digest({k: v.tobytes() for k, v in result.hub_queue.items()})
    out["hub_waits"] = digest(result.hub_waits)
    out["withdrawals"] = digest(result.withdrawals)
    if hasattr(runner, "run_reps"):
        metrics = runner.run_reps(scenario, seed, list(range(3, 3 + reps)))
        out["run_reps"] = digest({c: {k: v.tobytes() for k, v in m.items()} for c, m in metrics.items()})
    return out


def hashes(root: Path, reps: int = REPS, seeds: tuple[int, ...] = SEEDS, raw_cases=None) -> dict[str, object]:
    """``{"case@seed": {output: hash}}`` for every case (a case this tree cannot read: its error line)."""
    import sim

    got: dict[str, object] = {}
    for name, raw in raw_cases if raw_cases is not None else cases(root):
        try:
            scenario = sim.validate(copy.deepcopy(raw), name)
        except Exception as exc:  # noqa: BLE001 - a case the other revision cannot express is reported
            got[name] = f"not readable: {str(exc).splitlines()[0]}"
            continue
        for seed in seeds:
            got[f"{name}@{seed}"] = outputs(scenario, seed, reps)
    return got


def differences(mine: dict, theirs: dict) -> tuple[list[str], list[str]]:
    """(cases whose outputs differ, naming the outputs; cases only one side could run)."""
    differ, skipped = [], []
    for case in sorted(set(mine) | set(theirs)):
        a, b = mine.get(case), theirs.get(case)
        if not isinstance(a, dict) or not isinstance(b, dict):
            skipped.append(f"{case}: this tree {a if isinstance(a, str) else 'ran'}; other {b if isinstance(b, str) else 'ran'}")
            continue
        moved = [k for k in sorted(set(a) & set(b)) if a[k] != b[k]]
        if moved:
            differ.append(f"{case}: {', '.join(moved)}")
    return differ, skipped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="REV", help="the git revision to compare with")
    ap.add_argument("--hashes", action="store_true", help="print this tree's hashes as JSON")
    ap.add_argument("--cases", metavar="FILE", help=argparse.SUPPRESS)  # the cases to run, as JSON (worker)
    ap.add_argument("--path", help=argparse.SUPPRESS)  # a tree to import sim from (worker)
    ap.add_argument("--reps", type=int, default=REPS)
    ap.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    args = ap.parse_args()
    if args.path:
        sys.path.insert(0, args.path)
    if args.hashes:
        raw = json.loads(Path(args.cases).read_text()) if args.cases else None
        print(json.dumps(hashes(ROOT, args.reps, tuple(args.seeds), raw)))
        return
    if not args.against:
        ap.error("give --against REV or --hashes")
    sys.path.insert(0, str(HERE.parent))
    from against import PrepareError, prepare

    folder = Path(tempfile.mkdtemp(prefix="identical-"))
    try:
        t0 = time.perf_counter()
        try:
            tree, python, commit = prepare(ROOT, args.against, folder)
        except PrepareError as exc:
            sys.exit(f"identical.py: --against {args.against}: {exc}")
        print(f"prepared {args.against} ({commit[:10]}) in {time.perf_counter() - t0:.0f} s")
        sys.path.insert(0, str(ROOT))
        raw = cases(ROOT)
        spec = folder / "cases.json"
        spec.write_text(json.dumps(raw))
        common = ["--hashes", "--cases", str(spec), "--reps", str(args.reps), "--seeds", *map(str, args.seeds)]
        runs = {}
        for side, py, extra in (("this", sys.executable, ["--path", str(ROOT)]), ("other", str(python), [])):
            done = subprocess.run([py, "-I", str(HERE), *common, *extra], capture_output=True, text=True,
                                  cwd=tempfile.gettempdir())
            if done.returncode:
                sys.exit(f"identical.py: the {side} tree failed: {done.stderr.strip().splitlines()[-1:]}")
            runs[side] = json.loads(done.stdout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    differ, skipped = differences(runs["this"], runs["other"])
    compared = sum(isinstance(runs["this"].get(k), dict) and isinstance(runs["other"].get(k), dict) for k in runs["this"])
    for line in skipped:
        print(f"  not compared  {line}")
    for line in differ:
        print(f"  DIFFERS       {line}")
    print(f"{compared} cases ({len(raw)} scenarios x {len(args.seeds)} seeds, {args.reps} replications), "
          f"{len(differ)} differ from {args.against}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
