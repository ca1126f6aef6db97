"""Run a scenario: replications, each with its own streams, reduced to arrays and tables.

A run is build -> simulate -> collect: :func:`run` loops over replications,
simulates each (:func:`sim.model.replication.simulate`), turns its trace into
daily series (:func:`sim.coverage.evaluate`) and keeps only those series and
a compact timeline; the trace itself is dropped before the next replication.
Saving to files is :mod:`sim.results`; plotting is :mod:`sim.plots`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from . import sustain
from .coverage import CAUSES, evaluate_batch
from .interrupt import check as check_interrupt
from .outcomes import base_values
from .model.replication import Plan, simulate
from .pipeline import trained
from .scenario import Scenario

TIMELINE_COLUMNS = (
    "rep", "country", "component", "amount", "approved", "arrival_day", "departure_day", "hub", "hub_wait_days",
    "reinforcement_day",
)
"""``reinforcement_day``: empty for a country's pledge, the ``reinforce`` event's day for a reinforcement."""


@dataclass
class RunResult:
    """Everything a run produced, with what made it."""

    scenario: Scenario
    seed: int
    reps: tuple[int, ...]
    coverage: np.ndarray  # (R, C, H)
    shortfall: np.ndarray  # (C, K, H) mean over replications
    phase_open: np.ndarray  # (R, C) day each component opened, NaN if never
    timeline: dict[str, list] = field(default_factory=dict)
    trained: np.ndarray | None = None  # (R, H) cumulative graduates, where regeneration is simulated
    hub_queue: dict[str, np.ndarray] = field(default_factory=dict)  # per hub, mean queue per replication
    hub_waits: dict[str, list] = field(default_factory=dict)  # per hub, every contingent's wait
    withdrawals: list[tuple[int, str, float]] = field(default_factory=list)  # (rep, country, day)
    sustainable: np.ndarray | None = None  # (R, C) long-run coverage of what each replication deployed
    runtime_s: float = 0.0

    @property
    def components(self) -> tuple[str, ...]:
        return self.scenario.components

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.scenario.horizon_days)

    def metrics(self) -> dict[str, dict[str, np.ndarray]]:
        """Per component, per replication: the :data:`sim.outcomes.BASE` outcomes and ``sustainable_coverage``."""
        return rep_metrics(self.scenario, self.coverage, self.sustainable)


def rep_metrics(scenario: Scenario, coverage: np.ndarray,
                sustainable: np.ndarray | None = None) -> dict[str, dict[str, np.ndarray]]:
    """Per-replication scalar outcomes of a (R, C, H) coverage array (:data:`sim.outcomes.BASE`).

    With ``sustainable`` (R, C), each component also gets the outcome read from the traces,
    ``sustainable_coverage`` (:data:`sim.outcomes.FROM_TRACE`).
    """
    cov = scenario.parameters.coverage
    out = {comp: base_values(coverage[:, i, :], cov.ioc, cov.foc) for i, comp in enumerate(scenario.components)}
    if sustainable is not None:
        for i, comp in enumerate(scenario.components):
            out[comp]["sustainable_coverage"] = sustainable[:, i]
    return out


BATCH = 32
"""Replications simulated before their daily series are built together (memory vs numpy overhead)."""


def batches(scenario: Scenario, seed: int, indices: Sequence[int], split_shortfall: bool = True,
            totals: np.ndarray | None = None):
    """Simulate replications ``indices`` in batches of :data:`BATCH`; yield (positions, traces, daily series).

    ``split_shortfall=False`` leaves the shortfall out (coverage alone). With ``totals`` (C, K, H), each
    batch's shortfall summed over its replications is added there instead (see :func:`evaluate_batch`).
    """
    plan = Plan.of(scenario)
    for first in range(0, len(indices), BATCH):
        batch = range(first, min(len(indices), first + BATCH))
        traces = []
        for j in batch:
            check_interrupt()  # a Ctrl-C that landed in a finalizer is raised here, between replications
            traces.append(simulate(scenario, seed, indices[j], plan))
        yield batch, traces, evaluate_batch(scenario, traces, split_shortfall, totals)


def record(j, rep, trace, phase_open, hub_queue, hub_waits, withdrawals, timeline, comps) -> None:
    """Keep what a replication's trace says beyond its daily series: openings, hubs, the timeline."""
    for i, comp in enumerate(comps):
        opened = trace.phase_open.get(comp)
        phase_open[j, i] = np.nan if opened is None else opened
    for name, q in trace.hub_queue.items():
        hub_queue[name][j] = q
        hub_waits[name].extend(trace.hub_waits[name])
    withdrawals.extend((rep, country, day) for country, day in trace.withdrawals)
    for c in trace.contingents:
        timeline["rep"].append(rep)
        timeline["country"].append(c.country)
        timeline["component"].append(c.target)
        timeline["amount"].append(c.amount)
        timeline["approved"].append(c.approved)
        timeline["arrival_day"].append(c.arrival_day)
        timeline["departure_day"].append(c.departure_day)
        timeline["hub"].append(c.hub)
        timeline["hub_wait_days"].append(c.hub_wait_days)
        timeline["reinforcement_day"].append(c.reinforcement_day)


def run(
    scenario: Scenario,
    reps: int | Sequence[int] | None = None,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Simulate ``reps`` replications (default: the scenario's) with ``seed`` (default: the scenario's).

    ``progress(done, total)`` is called after each batch of replications.
    """
    started = time.perf_counter()
    seed = scenario.seed if seed is None else int(seed)
    indices = tuple(range(scenario.replications if reps is None else reps)) if not isinstance(reps, Sequence) else tuple(reps)
    comps = scenario.components
    R, C, H = len(indices), len(comps), scenario.horizon_days
    coverage = np.empty((R, C, H))
    shortfall = np.zeros((C, len(CAUSES), H))
    phase_open = np.full((R, C), np.nan)
    timeline: dict[str, list] = {k: [] for k in TIMELINE_COLUMNS}
    regen = comps.index("regeneration") if "regeneration" in comps else None
    capacity = np.zeros((R, H)) if regen is not None else None
    hubs = scenario.transit.hubs if scenario.transit else []
    hub_queue = {h.name: np.zeros(R) for h in hubs}
    hub_waits: dict[str, list] = {h.name: [] for h in hubs}
    withdrawals = []
    sustainable = np.zeros((R, C))
    long_run = sustain.Memo(scenario)
    for batch, traces, daily in batches(scenario, seed, indices, totals=shortfall):  # each batch's sum added in
        coverage[batch.start : batch.stop] = daily.coverage
        if regen is not None:
            capacity[batch.start : batch.stop] = daily.capability[:, regen]
        for j, trace in zip(batch, traces):
            record(j, indices[j], trace, phase_open, hub_queue, hub_waits, withdrawals, timeline, comps)
            sustainable[j] = long_run(trace)
        if progress is not None:
            progress(batch.stop, R)
    if R:
        shortfall /= R
    graduates = None
    if regen is not None:
        graduates = trained(capacity, scenario.requirements.amount("regeneration"), scenario.parameters.regeneration.course_days)
    return RunResult(
        scenario=scenario,
        seed=seed,
        reps=indices,
        coverage=coverage,
        shortfall=shortfall,
        phase_open=phase_open,
        timeline=timeline,
        trained=graduates,
        hub_queue=hub_queue,
        hub_waits=hub_waits,
        withdrawals=withdrawals,
        sustainable=sustainable,
        runtime_s=time.perf_counter() - started,
    )


def run_reps(scenario: Scenario, seed: int, reps: Sequence[int]) -> dict[str, dict[str, np.ndarray]]:
    """Per-replication outcomes only (for sweeps): ``{component: {metric: array over reps}}``.

    Each replication depends only on ``(seed, rep)``, so any batching of ``reps`` gives the same values.
    """
    coverage = np.empty((len(reps), len(scenario.components), scenario.horizon_days))
    sustainable = np.zeros((len(reps), len(scenario.components)))
    long_run = sustain.Memo(scenario)
    for batch, traces, daily in batches(scenario, seed, reps, split_shortfall=False):
        coverage[batch.start : batch.stop] = daily.coverage
        for j, trace in zip(batch, traces):
            sustainable[j] = long_run(trace)
    return rep_metrics(scenario, coverage, sustainable)
