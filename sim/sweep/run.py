"""The sweep driver: plan tasks, merge replications per point, journal each point, resume.

:func:`run_sweep` takes a loaded :class:`~sim.sweep.spec.Sweep` and an
executor. Every point uses the same replication indices ``0 .. n-1`` and the
sweep seed, so replication ``r`` of every point draws from the stream spawned
from the sweep seed at index ``r`` (common random numbers: points differ by
their parameters, not by luck). Replications are cut into tasks of about
``target_task_s`` seconds of work, timed on a short pilot; since a
replication depends only on ``(seed, r)``, the cut never changes a number.
"""

from __future__ import annotations

import hashlib
import math
import platform
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Callable, Iterator, Optional

import numpy as np

from ..errors import ScenarioError
from ..runner import run_reps
from . import store
from .ranking import write_ranking
from .spec import Sweep
from .worker import METRICS, Chunk, ChunkResult, run_task

Progress = Callable[[int, int, int, float], None]
"""``(points_done, points_total, reps_done_this_run, elapsed_s)``."""

Summarise = Callable[[np.ndarray], dict]
"""Extra statistics of one component of one point from its (metrics, reps) array, kept in the journal."""


@dataclass
class SweepOutcome:
    """How a sweep went: what ran, how fast, and which points failed."""

    folder: Path
    points_total: int
    points_run: int
    points_resumed: int
    reps_run: int
    run_s: float
    first_task_reps: int
    failures: list[tuple[int, str]] = field(default_factory=list)

    @property
    def reps_per_s(self) -> float:
        """Replications run per second of this run."""
        return self.reps_run / self.run_s if self.run_s > 0 else 0.0


def package_version() -> str:
    """The installed coalition-sim version."""
    try:
        return version("coalition-sim")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "unknown"


def code_digest() -> str:
    """A digest of the package version and the source of every module that can change a number.

    Figures, progress and command-line modules are left out: redrawing or a new option
    does not stop a sweep from resuming; a change to the model does.
    """
    import sim

    root = Path(sim.__file__).resolve().parent
    skip = ("plots", "cli.py", "provenance.py", "sweep/plots.py", "sweep/progress.py", "sweep/cli.py")
    digest = hashlib.sha256(package_version().encode())
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if not rel.startswith(skip):
            digest.update(rel.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def seconds_per_rep(sweep: Sweep, point: int) -> float:
    """A pilot: seconds one replication of ``point`` takes here (best of two, after a warm-up)."""
    scn = sweep.scenarios[point]
    try:
        run_reps(scn, sweep.seed, [0])
        best = math.inf
        for rep in (1, 2):
            t = time.perf_counter()
            run_reps(scn, sweep.seed, [rep])
            best = min(best, time.perf_counter() - t)
        return max(best, 1e-5)
    except Exception:  # noqa: BLE001 - a failing point is reported by the sweep itself
        return 0.01


def guided(
    seconds_per_rep: float, workers: int, target_task_s: float = 1.0, least_share: float = 0.1
) -> Callable[[int], int]:
    """Task size from the replications still unplanned (guided self-scheduling).

    Tasks carry about ``target_task_s`` of work while plenty remains, then shrink
    to ``remaining / (2 * workers)`` (but not below ``least_share`` of the target),
    so all workers finish at nearly the same time instead of one waiting on a last
    big task. An executor with a dearer task (Dask) asks for a larger floor.
    """
    most = max(1, round(target_task_s / seconds_per_rep))
    least = max(1, min(most, round(least_share * target_task_s / seconds_per_rep)))
    return lambda remaining: max(least, min(most, math.ceil(remaining / (2 * max(1, workers)))))


def plan_tasks(sweep: Sweep, points: list[int], size: Callable[[int], int]) -> Iterator[list[Chunk]]:
    """Tasks of ``size(replications not yet planned)`` replications, in point order.

    A task may span the end of one point and the start of the next; it is built
    only when the executor asks for it, so sizes follow what is left.
    """
    remaining = len(points) * sweep.replications
    task: list[Chunk] = []
    want = size(remaining)
    for p in points:
        start = 0
        while start < sweep.replications:
            stop = min(sweep.replications, start + want - sum(c.stop - c.start for c in task))
            task.append(Chunk(p, sweep.scenarios[p], sweep.seed, start, stop))
            remaining -= stop - start
            start = stop
            if sum(c.stop - c.start for c in task) >= want:
                yield task
                task = []
                want = size(remaining) if remaining else 0
    if task:
        yield task


class _Merger:
    """Collects chunks into whole points; hands back a journal record when a point is complete."""

    def __init__(self, sweep: Sweep, summarise: Optional[Summarise] = None):
        self.sweep = sweep
        self.summarise = summarise
        self.partial: dict[int, dict[str, np.ndarray]] = {}
        self.filled: dict[int, int] = {}
        self.closed: set[int] = set()

    def add(self, res: ChunkResult) -> Optional[dict]:
        p = res.point
        if p in self.closed:
            return None
        comps = list(self.sweep.scenarios[p].components)
        if res.error is not None:
            self._close(p)
            return {"point": p, "components": comps, "stats": None, "error": res.error}
        arrays = self.partial.setdefault(
            p, {c: np.full((len(METRICS), self.sweep.replications), np.nan) for c in comps}
        )
        for comp, values in res.values.items():
            arrays[comp][:, res.start : res.stop] = values
        self.filled[p] = self.filled.get(p, 0) + (res.stop - res.start)
        if self.filled[p] < self.sweep.replications:
            return None
        self._close(p)
        days = self.sweep.deadlines
        stats = {c: store.point_stats(arrays[c], days) | (self.summarise(arrays[c]) if self.summarise else {}) for c in comps}
        # each replication's mean coverage, for differences paired with the base point's
        reps = {c: [round(float(x), 6) for x in arrays[c][METRICS.index("mean_coverage")]] for c in comps}
        return {"point": p, "components": comps, "stats": stats, "reps": reps, "error": None}

    def _close(self, p: int) -> None:
        self.closed.add(p)
        self.partial.pop(p, None)
        self.filled.pop(p, None)


def sweep_document(sweep: Sweep, executor, status: str, fingerprint: str, **extra) -> dict:
    """The contents of ``sweep.json``."""
    first = sweep.scenarios[0]
    return {
        "kind": "sweep",
        "status": status,
        "sweep": sweep.resolved(),
        "seed": sweep.seed,
        "replications": sweep.replications,
        "version": package_version(),
        "fingerprint": fingerprint,
        "executor": executor.describe(),
        "components": list(first.components),
        "horizon_days": first.horizon_days,
        "python": platform.python_version(),
        "files": {"results": store.RESULTS, "journal": store.JOURNAL},
        **extra,
    }


def check_resumable(folder: Path, fingerprint: str) -> None:
    """Refuse to resume into a folder that holds a different sweep (or another version's)."""
    doc = store.read_json(Path(folder) / store.SWEEP_JSON)
    if doc is None:
        return
    if doc.get("fingerprint") != fingerprint:
        raise ScenarioError.at(
            str(Path(folder) / store.SWEEP_JSON),
            "fingerprint",
            "expected the same sweep, scenarios and model code to resume; this folder holds another "
            "(run without --resume to start again, or choose another --out)",
        )


def run_sweep(
    sweep: Sweep,
    folder: Path,
    executor,
    *,
    resume: bool = False,
    progress: Optional[Progress] = None,
    target_task_s: float = 1.0,
    batch_reps: Optional[int] = None,
    timings: Optional[dict] = None,
    summarise: Optional[Summarise] = None,
) -> SweepOutcome:
    """Run every point not yet in ``folder``'s journal; write the journal, ``results.csv``, ``sweep.json``.

    ``summarise`` adds statistics of its own to each point's journal record (an audit's metric).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fingerprint = sweep.fingerprint(code_digest())
    if resume:
        check_resumable(folder, fingerprint)
    journal = store.Journal(folder)
    journal.start(resume)
    records = journal.read() if resume else {}
    finished = {p for p, rec in records.items() if rec.get("error") is None}
    pending = [pt.index for pt in sweep.points if pt.index not in finished]
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    timings = dict(timings or {})
    params = [p.path for p in sweep.parameters]
    loo = bool(sweep.leave_one_out)
    head = store.header(params, loo, sweep.deadlines)

    def rebuild() -> None:
        body = store.rows(sweep.points, records, params, loo, sweep.deadlines, sweep.base_point)
        store.write_results(folder, head, body)
        if loo:
            comps = list(sweep.scenarios[0].components) if sweep.scenarios else []
            write_ranking(folder, [dict(zip(head, row)) for row in body], comps)

    store.write_json(folder / store.SWEEP_JSON, sweep_document(sweep, executor, "running", fingerprint, timings=timings))
    rebuild()
    t0 = time.perf_counter()
    per_rep = seconds_per_rep(sweep, pending[0]) if pending and batch_reps is None else 0.01
    size = (lambda _: batch_reps) if batch_reps else guided(per_rep, executor.workers, target_task_s, executor.least_task_share)
    batch = batch_reps or size(len(pending) * sweep.replications)
    timings["pilot_s"] = round(time.perf_counter() - t0, 3)
    merger = _Merger(sweep, summarise)
    reps_done, status = 0, "interrupted"
    last_write, write_cost = 0.0, 0.0
    t_run = time.perf_counter()
    try:
        done = len(finished)
        if progress:
            progress(done, len(sweep.points), 0, 0.0)
        for results in executor.run(run_task, plan_tasks(sweep, pending, size)):
            for res in results:
                reps_done += res.stop - res.start
                rec = merger.add(res)
                if rec is None:
                    continue
                journal.append(rec)
                records[rec["point"]] = rec
                done += 1
                now = time.perf_counter()
                if now - last_write >= max(0.1, 20 * write_cost):  # keep rewriting under ~5% of the time
                    rebuild()
                    last_write, write_cost = time.perf_counter(), time.perf_counter() - now
            if progress:
                progress(done, len(sweep.points), reps_done, time.perf_counter() - t_run)
        failures = sorted((p, r["error"]) for p, r in records.items() if r.get("error"))
        status = "complete" if not failures else "failed points"
    finally:
        run_s = time.perf_counter() - t_run
        rebuild()
        failures = sorted((p, r["error"]) for p, r in records.items() if r.get("error"))
        timings.update(
            started=started_at,
            finished=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            run_s=round(run_s, 3),
            reps_run=reps_done,
            reps_per_s=round(reps_done / run_s, 1) if run_s > 0 else None,
        )
        doc = sweep_document(
            sweep,
            executor,
            status,
            fingerprint,
            first_task_reps=batch,
            points_resumed=len(finished),
            timings=timings,
            failures=[{"point": p, "error": e} for p, e in failures],
        )
        store.write_json(folder / store.SWEEP_JSON, doc)
    return SweepOutcome(
        folder=folder,
        points_total=len(sweep.points),
        points_run=len(pending),
        points_resumed=len(finished),
        reps_run=reps_done,
        run_s=run_s,
        first_task_reps=batch,
        failures=failures,
    )
