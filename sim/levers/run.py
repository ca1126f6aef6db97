"""Levers from start to end: edits -> points of the sweep engine -> paired gains -> Shapley values.

:func:`run_levers` is the library entry point behind ``coalition-sim levers``.
Every lever that can change the scenario becomes a point of one sweep, beside
the unedited scenario; all points use the same seed and replication indices
(common random numbers), so replication ``r`` of a lever differs from
replication ``r`` of the baseline by the lever alone. The workers return
per-replication outcomes; each point's journal record keeps them, so
``--resume`` continues where a run stopped and the gains are paired
differences. With ``shapley``, a second sweep runs every combination of up to
six levers, and each lever's exact Shapley value is computed per replication
from those ``2^k`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ScenarioError
from ..scenario import Scenario
from ..shapley import shapley
from ..sweep import store
from ..sweep.run import Progress, SweepOutcome, run_sweep
from ..sweep.spec import Parameter, Point, Sweep, SweepSpec
from ..sweep.worker import METRICS
from . import edits
from .estimate import Gain, Metric, gain, mean_gain, per_rep

POINTS = "points"
SHAPLEY_POINTS = "shapley"
BASELINE = "baseline"
MAX_SHAPLEY = 6
PER_REP_KEY = "per_rep"


@dataclass
class LeverTable:
    """What the levers did: per lever and component its gain (None where the lever does not apply)."""

    scenario: str
    metric: Metric
    reps: int
    seed: int
    components: tuple[str, ...]
    levers: list[str]
    gains: dict[str, dict[str, Optional[Gain]]]  # lever -> component -> gain
    baseline: dict[str, float]  # component -> baseline mean of the metric
    extra: dict[str, dict[str, dict[str, Gain]]] = field(default_factory=dict)  # lever -> comp -> metric -> gain
    shapley: Optional[dict[str, dict[str, tuple[Gain, float]]]] = None  # lever -> comp -> (Shapley value, share)
    shapley_levers: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def applies(self, lever: str) -> bool:
        """Whether ``lever`` could change the scenario (and so was run)."""
        return any(g is not None for g in self.gains[lever].values())


def plan(scn: Scenario, names: Sequence[str]) -> tuple[list[tuple[str, Scenario]], list[str]]:
    """The edited scenario of each lever that can change ``scn``, and the levers that cannot."""
    runs, idle = [], []
    for name in names:
        edited = edits.lever(name, scn)(scn)
        (idle.append(name) if edited is None else runs.append((name, edited)))
    return runs, idle


def as_sweep(scenario_file: Path, labelled: list[tuple[str, Scenario]], reps: int, seed: int) -> Sweep:
    """A sweep whose points are the given scenarios, named by ``lever`` (the first is the baseline)."""
    labels = tuple(label for label, _ in labelled)
    param = Parameter("lever", (), "category", values=labels)
    spec = SweepSpec(base=str(scenario_file), replications=reps, seed=seed, design="grid",
                     parameters={"lever": list(labels)})
    return Sweep(
        file=Path(scenario_file),
        spec=spec,
        base_file=Path(scenario_file).resolve(),
        base_raw={},
        replications=reps,
        seed=seed,
        parameters=[param],
        leave_one_out=[],
        points=[Point(i, {"lever": label}) for i, label in enumerate(labels)],
        scenarios=[s for _, s in labelled],
    )


def _keep_per_rep(values: np.ndarray) -> dict:
    """Sweep hook: each point's journal record keeps its per-replication outcomes (NaN as null)."""
    return {PER_REP_KEY: {m: [None if np.isnan(x) else float(x) for x in row] for m, row in zip(METRICS, values)}}


def run_points(sweep: Sweep, folder: Path, executor, *, resume: bool, progress: Optional[Progress]):
    """Run every point; per point label and component, the (metrics, reps) array of outcomes."""
    outcome: SweepOutcome = run_sweep(sweep, folder, executor, resume=resume, progress=progress, summarise=_keep_per_rep)
    if outcome.failures:
        point, error = outcome.failures[0]
        raise RuntimeError(f"{len(outcome.failures)} lever runs failed; {sweep.points[point].values['lever']}: {error}")
    records = store.Journal(folder).read()
    out: dict[str, dict[str, np.ndarray]] = {}
    for point in sweep.points:
        rec = records[point.index]
        n = sweep.replications  # a record from before an outcome was added holds none of it: NaN
        out[point.values["lever"]] = {
            comp: np.array([[np.nan if x is None else x for x in stats[PER_REP_KEY].get(m, [None] * n)] for m in METRICS])
            for comp, stats in rec["stats"].items()
        }
    return out, outcome


def run_levers(
    scenario_file: Path,
    scn: Scenario,
    folder: Path,
    executor,
    *,
    reps: Optional[int] = None,
    seed: Optional[int] = None,
    metric: str = "mean_coverage",
    deadlines: Sequence[int] = (),
    levers: Optional[Sequence[str]] = None,
    shapley_levers: Optional[Sequence[str]] = None,
    resume: bool = False,
    progress: Optional[Progress] = None,
) -> LeverTable:
    """Re-simulate ``scn`` with each lever and measure its gain in ``metric``.

    Args:
        scenario_file: where ``scn`` came from (recorded).
        scn: the scenario.
        folder: where the sweep engine keeps its points (``points/``, ``shapley/``).
        executor: a sweep executor (:func:`sim.sweep.executors.make_executor`).
        reps: replications (default: the scenario's); the same indices for every lever.
        seed: the seed (default: the scenario's).
        metric: a metric name (:mod:`sim.levers.estimate`).
        deadlines: days D at which ``p_ioc_by_D`` and ``p_foc_by_D`` gains are also computed.
        levers: the levers to run (default: all of :func:`sim.levers.edits.lever_names`).
        shapley_levers: with a value, also the exact Shapley values across these levers (at most six;
            an empty list: the six with the largest gains).
        resume: keep the points already in ``folder``.
        progress: a sweep progress callback.
    """
    m = Metric(metric)
    reps = scn.replications if reps is None else reps
    seed = scn.seed if seed is None else seed
    names = list(levers) if levers else edits.lever_names(scn)
    runs, idle = plan(scn, names)
    sweep = as_sweep(scenario_file, [(BASELINE, scn)] + runs, reps, seed)
    values, outcome = run_points(sweep, Path(folder) / POINTS, executor, resume=resume, progress=progress)
    comps = scn.components
    base = {c: per_rep(m, values[BASELINE][c]) for c in comps}
    gains = {name: {c: (gain(m, base[c], per_rep(m, values[name][c])) if name in values else None) for c in comps}
             for name in names}
    extras = [Metric(f"p_{kind}_by_{d}") for d in deadlines for kind in ("ioc", "foc")]
    extra = {name: {c: {e.name: gain(e, per_rep(e, values[BASELINE][c]), per_rep(e, values[name][c])) for e in extras}
                    for c in comps} for name, _ in runs}
    table = LeverTable(
        scenario=scn.name, metric=m, reps=reps, seed=seed, components=comps, levers=names, gains=gains,
        baseline={c: gain(m, base[c], base[c]).baseline for c in comps}, extra=extra,
        timings={"levers_s": round(outcome.run_s, 2), "levers_run": len(runs), "levers_idle": len(idle),
                 "replications_run": outcome.reps_run, "executor": executor.describe()},
    )
    if shapley_levers is not None:
        chosen = list(shapley_levers) or top_levers(table, MAX_SHAPLEY)
        table.shapley_levers = chosen
        table.shapley, timing = shapley_split(scenario_file, scn, chosen, m, reps, seed, Path(folder) / SHAPLEY_POINTS,
                                              executor, resume=resume, progress=progress)
        table.timings.update(timing)
    return table


def top_levers(table: LeverTable, k: int) -> list[str]:
    """The ``k`` cause levers with the largest gain (in the better direction) on any component.

    Per-country levers are left to ``--levers``: each is a part of ``all_approve``, and a split
    between a whole and its part says little.
    """
    sign = 1.0 if table.metric.higher_is_better else -1.0
    best = {name: max(sign * g.gain for g in comps.values()) for name, comps in table.gains.items()
            if name in edits.CAUSE_LEVERS and all(g is not None for g in comps.values())}
    return [name for name, _ in sorted(best.items(), key=lambda kv: -kv[1])[:k]]


def coalitions(names: Sequence[str]) -> list[tuple[str, ...]]:
    """Every subset of ``names`` in bitmask order (lever ``i`` is bit ``i``)."""
    return [tuple(n for j, n in enumerate(names) if mask >> j & 1) for mask in range(1 << len(names))]


def shapley_split(scenario_file, scn, names, m: Metric, reps, seed, folder, executor, *, resume, progress):
    """Exact Shapley values of ``names`` for each component, from the ``2^k`` combinations, run once each.

    Returns ``({lever: {component: (Gain, share)}}, timings)``. The Shapley value is computed per
    replication (it is linear in the runs' values), so it has a paired interval like a gain;
    ``share`` is its part of the gain of all levers together (the shares add up to 1).
    """
    if not 1 <= len(names) <= MAX_SHAPLEY:
        raise ScenarioError([f"--levers: expected 1 to {MAX_SHAPLEY} levers for --shapley, got {len(names)}"])
    if not m.linear:
        raise ScenarioError([f"--metric: {m.name} is a median; --shapley needs a mean or a probability"])
    subsets = coalitions(names)
    distinct: dict[str, int] = {}
    labelled: list[tuple[str, Scenario]] = []
    which = []
    for subset in subsets:
        edited = edits.apply(subset, scn) if subset else None
        target = scn if edited is None else edited
        key = target.model_dump_json()
        if key not in distinct:
            distinct[key] = len(labelled)
            labelled.append(("+".join(subset) or BASELINE, target))
        which.append(distinct[key])
    sweep = as_sweep(scenario_file, labelled, reps, seed)
    values, outcome = run_points(sweep, folder, executor, resume=resume, progress=progress)
    out: dict[str, dict[str, tuple[Gain, float]]] = {n: {} for n in names}
    for comp in scn.components:
        v = np.stack([per_rep(m, values[labelled[i][0]][comp]) for i in which])  # (2^k, reps)
        phi = shapley(v)  # (k, reps)
        total = float((v[-1] - v[0]).mean())
        for j, name in enumerate(names):
            g = mean_gain(phi[j])
            share = g.gain / total if total != 0 else float("nan")
            out[name][comp] = (Gain(float(v[0].mean()), float(v[-1].mean()), g.gain, g.low, g.high), share)
    return out, {"shapley_s": round(outcome.run_s, 2), "shapley_runs": len(labelled)}
