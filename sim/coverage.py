"""Coverage and its shortfall, day by day, from a replication's daily states.

Coverage of a component is ``min(1, capability / requirement)`` (see
:mod:`sim.effects` for the capability formulas). The shortfall,
``max(0, requirement - capability)``, is split into causes that add up to it
exactly. Each cause has a *gross* amount in capability units:

=============  =========================================================
surge          requirement raised above its base by ceasefire violations
unpledged      base requirement beyond everything pledged
not_approved   pledged by a country that has not approved, or declined
withdrawn      pledged by a country that withdrew
phase_wait     approved, waiting for the component to open
moving         readying, moving, or queued at a transit hub
rotation_gap   tour over, relief not yet arrived
straits        kept out of the Black Sea by the Montreux rules
maintenance    in place but not available (failed or under repair)
enabler        available, but less effective for a missing enabler
=============  =========================================================

The gross amounts add up to at least the shortfall (more where pledges
exceed the requirement). Causes are charged in the order above until the
shortfall is used up; what is left over is covered by the surplus of
pledges. Parts are written as fractions of the day's requirement, so for
every day they add up to ``1 - coverage``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import effects
from .scenario import Scenario
from .model.shocks import requirement_series
from .series import DailyStates, daily_levels
from .vocabulary import LEVELS

CAUSES: tuple[str, ...] = (
    "surge",
    "unpledged",
    "not_approved",
    "withdrawn",
    "phase_wait",
    "moving",
    "rotation_gap",
    "straits",
    "maintenance",
    "enabler",
)

_STATE_CAUSES = ("not_approved", "withdrawn", "phase_wait", "moving", "rotation_gap", "straits", "maintenance")


@dataclass
class Daily:
    """Daily series of a batch of replications (components in scenario order)."""

    coverage: np.ndarray  # (R, C, H) in [0, 1]
    shortfall: np.ndarray  # (R, C, K, H) fractions of the requirement, summing to 1 - coverage over K
    in_place: np.ndarray  # (R, C, H) units in place, including those in maintenance
    capability: np.ndarray  # (R, C, H) in the requirement's unit


def charge(gross, shortfall: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Charge ``shortfall`` to causes in order; ``gross`` holds K non-negative arrays shaped like it.

    Each cause takes what it can of what is left, so the parts (K, ...) add up to the shortfall
    wherever the gross amounts cover it.
    """
    left = shortfall.copy()
    out = np.empty((len(gross),) + shortfall.shape) if out is None else out
    for k, g in enumerate(gross):
        np.minimum(g, left, out=out[k])
        left -= out[k]
    return out


def evaluate(scenario: Scenario, trace) -> Daily:
    """Daily coverage and shortfall of one replication's trace (arrays without the leading R axis)."""
    d = evaluate_batch(scenario, [trace])
    return Daily(d.coverage[0], d.shortfall[0], d.in_place[0], d.capability[0])


def evaluate_batch(scenario: Scenario, traces: list) -> Daily:
    """Daily coverage and shortfall of every component for a batch of traces.

    The replications are stacked on a leading axis so each numpy operation runs once per batch,
    not once per replication.
    """
    H = scenario.horizon_days
    params = scenario.parameters
    comps = scenario.components
    R = len(traces)
    rows = traces[0].rows
    S = DailyStates(
        np.concatenate([t.times for t in traces]),
        np.concatenate([t.row_log for t in traces]),
        np.concatenate([t.deltas for t in traces]),
        np.repeat(np.arange(R), [len(t.times) for t in traces]),
        len(rows),
        R,
        H,
    )
    levels = np.stack([daily_levels(t.level_changes, H) for t in traces])
    ladder = scenario.us_backstop.ladder
    by_level = [ladder.enablers_at(lv) for lv in LEVELS]
    provided = {}
    for name in params.enablers:
        by_us = np.array([name in by_level[i] for i in range(len(LEVELS))])[levels]
        provided[name] = effects.provided_share(name, by_us, S[rows[(name, "in_place")]], params)

    base = np.array([scenario.requirements.amount(c) for c in comps])[:, None] * np.ones(H)
    req = np.stack([requirement_series(base, comps, t.surges) for t in traces])  # (R, C, H)
    C, K = len(comps), len(CAUSES)
    coverage = np.empty((R, C, H))
    shortfall = np.empty((R, C, K, H))
    in_place = np.empty((R, C, H))
    capability = np.empty((R, C, H))
    for i, comp in enumerate(comps):
        u = effects.unit_value(comp, params)
        a = effects.availability(comp, params, comp in scenario.maintenance)
        state = {st: S[rows[(comp, st)]] for st in _STATE_CAUSES + ("in_place",)}
        available = state["in_place"] * a
        unavailable = state["maintenance"] + state["in_place"] * (1.0 - a)
        factor = np.broadcast_to(effects.component_factor(comp, provided, params), (R, H))
        cap = available * u * factor
        pledged = sum(state.values()) * u
        gross = (
                req[:, i] - base[i],
                np.maximum(0.0, base[i] - pledged),
                state["not_approved"] * u,
                state["withdrawn"] * u,
                state["phase_wait"] * u,
                state["moving"] * u,
                state["rotation_gap"] * u,
                state["straits"] * u,
                unavailable * u,
                available * u * (1.0 - factor),
        )
        inverse = 1.0 / req[:, i]
        coverage[:, i] = np.minimum(1.0, cap * inverse)
        parts = charge(gross, np.maximum(0.0, req[:, i] - cap))
        parts *= inverse
        shortfall[:, i] = np.moveaxis(parts, 0, 1)
        in_place[:, i] = state["in_place"] + state["maintenance"]
        capability[:, i] = cap
    return Daily(coverage=coverage, shortfall=shortfall, in_place=in_place, capability=capability)
