"""An audit from start to end: space -> design -> points -> analysis -> files.

:func:`run_audit` is the library entry point behind ``coalition-sim audit``.
It runs the points in ``folder/points/`` (the sweep engine's journal, results
and ``sweep.json``, which ``--resume`` continues), then writes ``audit.csv``,
``audit.json`` and, unless told not to, ``audit.png`` into a folder aside,
moves the points beside them and puts the whole folder in place
(:mod:`sim.output`): a stopped audit leaves only its points, and a folder that
is not an earlier audit's is never touched.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from ..catalog import Catalog
from ..errors import ScenarioError
from ..output import check_target, write_aside
from ..scenario import load_raw, validate
from ..sweep import store
from ..sweep.run import Progress
from . import analysis, report
from .metric import Metric
from .points import METRIC_KEY, build_sweep, run_points
from .space import Factor, evidence_space

POINTS = "points"
CSV = "audit.csv"
JSON = "audit.json"


@dataclass
class Audit:
    """What an audit found: per component, each factor's statistics."""

    scenario: str
    method: analysis.Method
    metric: Metric
    factors: list[Factor]
    results: dict[str, dict[str, np.ndarray]]
    points: int
    design_rows: int
    reps: int
    seed: int
    timings: dict = field(default_factory=dict)

    def words(self) -> dict[str, str]:
        """The metric of each component in words."""
        return {c: self.metric.describe(c) for c in self.results}


MARKERS = (JSON, f"{POINTS}/sweep.json")
"""Files that make a folder an earlier audit's output (finished, or stopped with its points kept)."""


def check_folder(folder: Path) -> None:
    """Refuse a folder that holds anything but an earlier audit (never overwrite a user's files)."""
    check_target(folder, replaces=MARKERS)


def _check_resume_metric(folder: Path, metric: Metric) -> None:
    records = store.Journal(folder).read()
    for rec in records.values():
        for stats in (rec.get("stats") or {}).values():
            found = (stats or {}).get(METRIC_KEY)
            if found is not None and found != metric.name:
                raise ScenarioError.at(
                    str(folder / store.JOURNAL), "", f"expected points of metric {metric.name} to resume (found {found}; run without --resume)"
                )


def prepare(
    scenario_file: Path, method: analysis.Method, size: int, reps: int, seed: Optional[int], only: str
):
    """Load the scenario, read its space and draw the design (raises :class:`ScenarioError`)."""
    raw = load_raw(scenario_file)
    catalog = Catalog.load()
    scn = validate(dict(raw), str(scenario_file), catalog)
    factors = evidence_space(raw, scn, catalog, only)
    if not factors:
        raise ScenarioError([f"{scenario_file}: expected at least one number of the evidence base to vary (--only {only} leaves none)"])
    seed = scn.seed if seed is None else seed
    X = analysis.design(method, factors, size, seed)
    sweep, rows = build_sweep(scenario_file, raw, factors, X, reps, seed, catalog)
    return scn, factors, X, sweep, rows, seed


def run_audit(
    scenario_file: Path,
    folder: Path,
    executor,
    *,
    method: analysis.Method = "morris",
    size: int = 10,
    reps: int = 50,
    seed: Optional[int] = None,
    metric: str = "mean_coverage",
    only: str = "all",
    resume: bool = False,
    plots: bool = True,
    progress: Optional[Progress] = None,
    prepared=None,
) -> Audit:
    """Audit ``scenario_file``: which numbers of the evidence base move ``metric``.

    Args:
        scenario_file: the scenario.
        folder: output folder (``points/``, ``audit.csv``, ``audit.json``, ``audit.png``).
        executor: a sweep executor (:func:`sim.sweep.executors.make_executor`).
        method: ``morris`` or ``sobol``.
        size: Morris trajectories, or Sobol base samples.
        reps: replications per point (the same indices at every point).
        seed: the audit's seed (default: the scenario's).
        metric: a metric name (:mod:`sim.audit.metric`).
        only: ``all``, ``assumptions`` or ``sourced`` factors.
        resume: keep the points already in ``folder/points``.
        plots: draw ``audit.png``.
        progress: a sweep progress callback.
        prepared: the result of :func:`prepare` for these arguments, if already computed.
    """
    t0 = time.perf_counter()
    m = Metric(metric)
    folder = Path(folder)
    check_folder(folder)
    scn, factors, X, sweep, rows, seed = prepared or prepare(scenario_file, method, size, reps, seed, only)
    t_prep = time.perf_counter() - t0
    points_dir = folder / POINTS
    if resume:
        _check_resume_metric(points_dir, m)
    values, outcome = run_points(sweep, points_dir, executor, m, resume=resume, progress=progress)
    t_run = time.perf_counter()
    results = {comp: analysis.analyse(method, factors, X, y[rows], seed) for comp, y in values.items()}
    audit = Audit(
        scenario=scn.name,
        method=method,
        metric=m,
        factors=factors,
        results=results,
        points=len(sweep.points),
        design_rows=len(X),
        reps=reps,
        seed=seed,
        timings={
            "prepare_s": round(t_prep, 2),
            "simulate_s": round(outcome.run_s, 2),
            "analyse_s": round(time.perf_counter() - t_run, 2),
            "replications_run": outcome.reps_run,
            "points_resumed": outcome.points_resumed,
            "executor": executor.describe(),
        },
    )
    with write_aside(folder, replaces=MARKERS) as tmp:
        (tmp / CSV).write_text(report.csv_text(method, factors, results), encoding="utf-8")
        if plots:
            report.draw(tmp, method, factors, results, audit.words())
        audit.timings["total_s"] = round(time.perf_counter() - t0, 2)
        (tmp / JSON).write_text(json.dumps(document(audit, scenario_file), indent=2) + "\n", encoding="utf-8")
        os.replace(points_dir, tmp / POINTS)  # last: the journal moves only with a complete audit
    return audit


def document(audit: Audit, scenario_file: Path) -> dict:
    """The contents of ``audit.json``: what ran, the space with notes, timings."""
    return {
        "kind": "audit",
        "scenario": audit.scenario,
        "scenario_file": str(scenario_file),
        "method": audit.method,
        "metric": audit.metric.name,
        "design_rows": audit.design_rows,
        "points": audit.points,
        "replications": audit.reps,
        "seed": audit.seed,
        "components": list(audit.results),
        "factors": [f.describe() for f in audit.factors],
        "files": {"table": CSV, "figure": "audit.png", "points": POINTS},
        "timings": audit.timings,
    }
