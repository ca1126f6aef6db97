"""Time this tree's baseline replication against the project at another git revision, in one run.

:func:`prepare` extracts revision ``REV`` (``git archive``) into a temporary folder and installs it
(``pip install -e``) into a virtualenv of its own. By default that virtualenv sees this interpreter's
installed packages through a ``.pth`` file and the revision is installed with ``--no-deps``: both
sides then run on the very same simpy and numpy, so the ratio is the project's code alone, and
preparing takes seconds (``fresh_deps=True`` installs the revision's own dependencies instead,
from pip's cache where it can).

Each side runs in a worker process of its own (``python -I against.py --serve TREE``) that loads
its tree's ``scenarios/baseline.yaml`` once and then, on each request, runs ``sim.run`` on it and
answers with the wall and CPU seconds it took. :func:`compare` alternates the two workers, reversing
the order every round, so a slow spell of a shared machine hits both alike; each round gives one
ratio, and the median ratio is reported with its spread.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve()


class PrepareError(RuntimeError):
    """The revision could not be extracted or installed."""


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise PrepareError(f"{' '.join(map(str, cmd[:4]))} ... failed: " + " | ".join(tail))
    return done


def resolve(root: Path, rev: str) -> str:
    """The full commit id of ``rev`` in the repository at ``root``."""
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                          capture_output=True, text=True)
    if done.returncode:
        raise PrepareError(f"not a commit of the repository at {root}")
    return done.stdout.strip()


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def prepare(root: Path, rev: str, folder: Path, fresh_deps: bool = False) -> tuple[Path, Path, str]:
    """Extract ``rev`` into ``folder/src`` and install it into ``folder/venv``; return (tree, python, commit).

    The install is editable, so a revision whose library reads files next to its package (as
    older ones did) finds them.
    """
    commit = resolve(root, rev)
    tree, venv = folder / "src", folder / "venv"
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", commit], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    _run([sys.executable, "-m", "venv", str(venv)])
    python = _python(venv)
    if not fresh_deps:  # share this interpreter's packages: same simpy and numpy on both sides
        site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
        shared = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
        (site / "_bench_shared_packages.pth").write_text("\n".join(shared) + "\n")
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run(pip + ([] if fresh_deps else ["--no-deps"]) + ["-e", str(tree)])
    check = [str(python), "-I", "-c", "import sim, sim.runner, simpy, numpy; print(sim.__file__)"]
    where = subprocess.run(check, capture_output=True, text=True, cwd=folder)
    if where.returncode and not fresh_deps:  # the revision needs packages this interpreter lacks
        _run(pip + ["-e", str(tree)])
        where = subprocess.run(check, capture_output=True, text=True, cwd=folder)
    if where.returncode or not Path(where.stdout.strip()).resolve().is_relative_to(tree.resolve()):
        raise PrepareError(f"revision {rev} does not import from its own tree: {where.stderr.strip()[-300:]}")
    return tree, python, commit


def baseline_of(tree: Path) -> Path:
    """The tree's own baseline scenario (``scenarios/baseline.yaml``, wherever the tree keeps it)."""
    direct = tree / "scenarios" / "baseline.yaml"
    if direct.exists():
        return direct
    found = sorted(tree.glob("**/scenarios/baseline.yaml"))
    if not found:
        raise PrepareError(f"no scenarios/baseline.yaml in {tree}")
    return found[0]


class Worker:
    """A process that times ``sim.run`` of one tree's baseline on request."""

    def __init__(self, python: Path | str, tree: Path, on_path: bool):
        cmd = [str(python), "-I", str(HERE), "--serve", str(baseline_of(tree))]
        if on_path:  # a tree that is not installed in ``python``'s environment
            cmd += ["--path", str(tree)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
        self.info = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise PrepareError(f"a timing worker stopped (exit {self.proc.wait()})")
        return json.loads(line)

    def time(self, reps: int, seed: int) -> dict:
        """Wall and CPU seconds of ``sim.run(baseline, reps, seed)`` in the worker."""
        self.proc.stdin.write(f"{reps} {seed}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@dataclass
class Comparison:
    rev: str
    commit: str
    reps: int
    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]

    def ratios(self, kind: str = "cpu") -> list[float]:
        t = self.cpu if kind == "cpu" else self.wall
        return [old / new for old, new in zip(t["against"], t["this"])]


def compare(root: Path, rev: str, reps: int, rounds: int, seed: int = 1, fresh_deps: bool = False,
            log=print) -> Comparison:
    """Prepare ``rev``, then time both trees' baselines, interleaved for ``rounds`` rounds."""
    folder = Path(tempfile.mkdtemp(prefix="bench-against-"))
    workers: dict[str, Worker] = {}
    try:
        t0 = time.perf_counter()
        tree, python, commit = prepare(root, rev, folder, fresh_deps)
        log(f"prepared {rev} ({commit[:10]}) in {time.perf_counter() - t0:.0f} s: {folder}")
        workers["against"] = Worker(python, tree, on_path=False)
        workers["this"] = Worker(sys.executable, root, on_path=True)
        for name, w in workers.items():
            log(f"  {name:<8} sim from {Path(w.info['sim']).parent.parent}, scenario {w.info['baseline']}")
        for w in workers.values():
            w.time(min(reps, 10), seed)  # warm up: imports, caches, first allocations
        wall: dict[str, list[float]] = {k: [] for k in workers}
        cpu: dict[str, list[float]] = {k: [] for k in workers}
        for r in range(rounds):
            order = list(workers) if r % 2 == 0 else list(workers)[::-1]
            for name in order:
                got = workers[name].time(reps, seed)
                wall[name].append(got["wall"])
                cpu[name].append(got["cpu"])
        return Comparison(rev, commit, reps, wall, cpu)
    finally:
        for w in workers.values():
            w.close()
        shutil.rmtree(folder, ignore_errors=True)


def spread(values: list[float]) -> str:
    """Median with the range over rounds."""
    return f"{statistics.median(values):.2f}x (rounds {min(values):.2f}-{max(values):.2f}, n={len(values)})"


def report(c: Comparison, log=print) -> None:
    """Replications per second of both sides and the speed-up; the last line is ``speed-up vs REV: X.XXx``."""
    for name, label in (("against", f"{c.rev} ({c.commit[:10]})"), ("this", "this tree")):
        rate = c.reps / statistics.median(c.cpu[name])
        log(f"  {label:<24} {rate:8.1f} replications per CPU second, "
            f"{c.reps / statistics.median(c.wall[name]):8.1f} per wall second")
    log(f"  speed-up by wall time   {spread(c.ratios('wall'))}")
    log(f"  speed-up by CPU time    {spread(c.ratios('cpu'))}  (the figure below: waits for a busy CPU excluded)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    log(f"  load average {load:.1f} on {os.cpu_count()} cores at the end")
    log(f"speed-up vs {c.rev}: {statistics.median(c.ratios('cpu')):.2f}x")


def serve(baseline: str, path: str | None) -> None:
    """Worker loop: read ``reps seed`` lines, answer with the time of ``sim.run`` as JSON."""
    if path:
        sys.path.insert(0, path)
    import sim

    scenario = sim.load_scenario(baseline)
    out = sys.stdout
    out.write(json.dumps({"sim": sim.__file__, "baseline": baseline}) + "\n")
    out.flush()
    for line in sys.stdin:
        reps, seed = (int(x) for x in line.split())
        w0, c0 = time.perf_counter(), time.process_time()
        sim.run(scenario, reps=reps, seed=seed)
        c1, w1 = time.process_time(), time.perf_counter()
        out.write(json.dumps({"wall": w1 - w0, "cpu": c1 - c0}) + "\n")
        out.flush()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[4] if len(sys.argv) >= 5 and sys.argv[3] == "--path" else None)
    else:
        sys.exit("usage: python -I against.py --serve BASELINE.yaml [--path TREE] (see bench_run.py --against)")
