"""coalition-sim as an EMA Workbench model: samplers, PRIM scenario discovery and optimisers on the simulator.

The uncertainties are the audit's parameter space (:mod:`sim.audit.space`):
every number of the evidence base the scenario uses, with its range, named by
its sweep path (``countries[France].approval.probability``). The outcomes are
one scalar per component and metric, named ``<component>_<metric>``
(``sky_mean_coverage``, ``land_p_foc_by_180``): the mean over ``reps``
replications, run with the same seed and replication indices for every
experiment (common random numbers).

EMA Workbench is an optional extra: ``pip install 'coalition-sim[ema]'``.
Example -- which combinations of assumptions make sky coverage fail::

    from ema_workbench import Samplers, perform_experiments
    from ema_workbench.analysis import prim
    from sim.ema import coalition_model

    model = coalition_model("scenarios/baseline.yaml", reps=20, only="assumptions")
    experiments, outcomes = perform_experiments(model, scenarios=200, uncertainty_sampling=Samplers.LHS)
    failing = outcomes["sky_mean_coverage"] < 0.5
    x = experiments[[u.name for u in model.uncertainties]].astype(float)  # PRIM wants float columns
    box = prim.Prim(x, failing, threshold=0.6).find_box()
    box.inspect()
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from .audit.metric import Metric
from .audit.space import Factor, evidence_space
from .catalog import Catalog
from .runner import run_reps
from .scenario import load_raw, validate
from .sweep import paths
from .sweep.worker import METRICS

__all__ = ["CoalitionFunction", "coalition_model", "outcome_names"]


@dataclass(frozen=True)
class CoalitionFunction:
    """The model function EMA calls with one experiment's values; picklable for EMA's process pools."""

    raw: dict
    file: str
    factors: tuple[Factor, ...]
    reps: int
    seed: int
    metrics: tuple[str, ...]
    components: tuple[str, ...]
    catalog: Catalog

    def __call__(self, **values) -> dict[str, float]:
        """Run the scenario with ``values`` (by sweep path) and return each outcome's mean over replications."""
        data = copy.deepcopy(self.raw)
        for f in self.factors:
            if f.path in values:
                v = values[f.path]
                paths.assign(data, paths.parse(f.path), int(round(v)) if f.integer else float(v))
        scn = validate(data, self.file, self.catalog)
        per_comp = run_reps(scn, self.seed, range(self.reps))
        out = {}
        for comp in self.components:
            arrays = np.stack([np.asarray(per_comp[comp][k], dtype=float) for k in METRICS])
            for name in self.metrics:
                out[f"{comp}_{name}"] = float(np.mean(Metric(name).per_rep(arrays)))
        return out


def outcome_names(components: Sequence[str], metrics: Sequence[str]) -> list[str]:
    """``<component>_<metric>`` for every pair."""
    return [f"{c}_{m}" for c in components for m in metrics]


def coalition_model(
    scenario: str | Path,
    *,
    reps: int = 20,
    seed: Optional[int] = None,
    only: str = "all",
    metrics: Sequence[str] = ("mean_coverage",),
    name: str = "coalitionsim",
):
    """An ``ema_workbench.Model`` of ``scenario`` (uncertainties from the evidence base, outcomes per component).

    Args:
        scenario: scenario file.
        reps: replications per experiment (the same indices in every experiment).
        seed: seed of the replications (default: the scenario's).
        only: ``all``, ``assumptions`` or ``sourced`` numbers as uncertainties.
        metrics: metric names (``mean_coverage``, ``p_ioc_by_<D>``, ``p_foc_by_<D>``, ``gap_days``).
        name: the model's name in EMA (letters and digits only).

    Raises:
        ImportError: EMA Workbench is not installed (``pip install 'coalition-sim[ema]'``).
    """
    try:
        from ema_workbench import IntegerParameter, Model, RealParameter, ScalarOutcome
    except ImportError as exc:  # pragma: no cover - depends on the extra
        raise ImportError("sim.ema needs EMA Workbench: pip install 'coalition-sim[ema]'") from exc
    for m in metrics:
        Metric(m)  # an unknown name fails here, not in every experiment
    raw = load_raw(scenario)
    catalog = Catalog.load()
    scn = validate(copy.deepcopy(raw), str(scenario), catalog)
    factors = tuple(evidence_space(raw, scn, catalog, only))
    function = CoalitionFunction(
        raw=raw,
        file=str(scenario),
        factors=factors,
        reps=reps,
        seed=scn.seed if seed is None else seed,
        metrics=tuple(metrics),
        components=tuple(scn.components),
        catalog=catalog,
    )
    model = Model(name, function=function)
    model.uncertainties = [
        IntegerParameter(f.path, int(f.low), int(f.high)) if f.integer else RealParameter(f.path, float(f.low), float(f.high))
        for f in factors
    ]
    model.outcomes = [ScalarOutcome(n) for n in outcome_names(scn.components, metrics)]
    return model
