"""Design points of an audit, run through the sweep engine.

A design (SALib's matrix, one row per point, one column per factor) becomes a
:class:`sim.sweep.spec.Sweep` whose points set each factor's path to the row's
value, rounded as the sweep engine writes values (whole numbers for counts,
6 significant digits otherwise). The engine then gives what every sweep has:
common random numbers (replication ``r`` of every point draws from the same
streams), a journal that ``--resume`` continues, a local pool or Dask, and a
progress bar. Rows that round to the same values run once.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Optional

import numpy as np

from ..catalog import Catalog
from ..errors import ScenarioError
from ..scenario import validate
from ..sweep import paths, store
from ..sweep.run import Progress, SweepOutcome, run_sweep
from ..sweep.spec import Parameter, Point, Range, Sweep, SweepSpec, point_data
from .metric import Metric
from .space import Factor

VALUE_KEY = "audit_value"
METRIC_KEY = "audit_metric"


def point_value(factor: Factor, x: float):
    """The value a design coordinate ``x`` runs at (an integer for a count)."""
    if factor.integer:
        return int(min(max(np.floor(x + 0.5), factor.low), factor.high))
    return float(f"{x:.6g}")


def build_sweep(
    scenario_file: Path,
    raw: dict,
    factors: list[Factor],
    design: np.ndarray,
    reps: int,
    seed: int,
    catalog: Catalog,
) -> tuple[Sweep, np.ndarray]:
    """The sweep of the design's distinct points, and for each design row the index of its point."""
    params = [
        Parameter(f.path, paths.parse(f.path), "int" if f.integer else "float", low=f.low, high=f.high) for f in factors
    ]
    index: dict[tuple, int] = {}
    rows = np.empty(len(design), dtype=int)
    points: list[Point] = []
    for i, row in enumerate(np.asarray(design, dtype=float)):
        values = tuple(point_value(f, x) for f, x in zip(factors, row))
        if values not in index:
            index[values] = len(points)
            points.append(Point(len(points), dict(zip((f.path for f in factors), values))))
        rows[i] = index[values]
    file = str(scenario_file)
    scenarios, problems = [], []
    for point in points:
        try:
            scenarios.append(validate(point_data(raw, params, point), file, catalog))
        except ScenarioError as exc:
            problems.extend(exc.problems)
        except paths.PathError as exc:
            problems.append(f"{file}: {exc}")
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    spec = SweepSpec(
        base=str(scenario_file),
        replications=reps,
        seed=seed,
        design="random",
        samples=len(points),
        parameters={f.path: Range(low=f.low, high=f.high) for f in factors},
    )
    sweep = Sweep(
        file=Path(scenario_file),
        spec=spec,
        base_file=Path(scenario_file).resolve(),
        base_raw=copy.deepcopy(raw),
        replications=reps,
        seed=seed,
        parameters=params,
        leave_one_out=[],
        points=points,
        scenarios=scenarios,
    )
    return sweep, rows


def summariser(metric: Metric):
    """The sweep hook that keeps the metric's mean over replications in each point's journal record."""

    def summarise(values: np.ndarray) -> dict:
        return {METRIC_KEY: metric.name, VALUE_KEY: float(np.mean(metric.per_rep(values)))}

    return summarise


def run_points(
    sweep: Sweep,
    folder: Path,
    executor,
    metric: Metric,
    *,
    resume: bool = False,
    progress: Optional[Progress] = None,
) -> tuple[dict[str, np.ndarray], SweepOutcome]:
    """Run every point; the metric per component and point (``{component: array over points}``)."""
    outcome = run_sweep(sweep, folder, executor, resume=resume, progress=progress, summarise=summariser(metric))
    if outcome.failures:
        point, error = outcome.failures[0]
        raise RuntimeError(f"{len(outcome.failures)} audit points failed; point {point}: {error}")
    records = store.Journal(folder).read()
    comps = list(sweep.scenarios[0].components)
    out = {c: np.full(len(sweep.points), np.nan) for c in comps}
    for p, rec in records.items():
        for c in comps:
            stats = (rec.get("stats") or {}).get(c) or {}
            if stats.get(METRIC_KEY) != metric.name:
                raise ScenarioError.at(
                    str(folder), "points.jsonl", f"expected points of metric {metric.name} to resume (found {stats.get(METRIC_KEY)})"
                )
            out[c][p] = stats[VALUE_KEY]
    return out, outcome
