"""Coverage formulas and enabler effects, as pure functions.

Each function works on plain floats (for live decisions inside the
simulation) and on numpy arrays of days (for the daily series after it):
the same formula serves both, so the two can never disagree.

Capability of a component from its *available* units in place::

    sky           aircraft x sorties_per_aircraft_day x on_station_hours
                  / (24 x aircraft_per_orbit)                    [orbits]
    sea           ships                                          [ships]
    land          troops                                         [troops]
    regeneration  trainers x trainees_per_trainer_month          [trainees / month]

each multiplied by the enabler factor of the component: for every enabler
``e`` with a missing-effect ``m`` on the component and a provided share ``p``
(1 when the US provides it, else countries' units in place / ``need``,
capped at 1), the factor is ``1 - (1 - m) * (1 - p)``. Coverage is
``min(1, capability / requirement)``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from .parameters import Parameters


def availability(component: str, params: Parameters, failures_modelled: bool = False) -> float:
    """Share of units in place that count as available.

    The simple option is a fixed factor (``parameters.<component>.availability``). Where the
    scenario models failures and repairs for the component, units under repair are already
    out of ``in_place`` and the factor is 1.
    """
    if component == "regeneration" or failures_modelled:
        return 1.0
    return getattr(params, component).availability


def unit_value(component: str, params: Parameters) -> float:
    """Capability of one available unit with every enabler provided."""
    if component == "sky":
        s = params.sky
        return s.sorties_per_aircraft_day * s.on_station_hours / (24.0 * s.aircraft_per_orbit)
    if component == "regeneration":
        return params.regeneration.trainees_per_trainer_month
    return 1.0


def provided_share(enabler: str, by_us, in_place, params: Parameters):
    """Share of ``enabler`` provided: 1 where the US provides it, else countries' units / need."""
    need = params.enablers[enabler].need
    own = np.minimum(1.0, np.asarray(in_place, dtype=float) / need)
    return np.where(by_us, 1.0, own)


def component_factor(component: str, provided: Mapping[str, object], params: Parameters):
    """Effectiveness multiplier of ``component`` given each enabler's provided share."""
    factor = 1.0
    for name, enabler in params.enablers.items():
        missing = enabler.effects.get(component)
        if missing is not None:
            factor = factor * (1.0 - (1.0 - missing) * (1.0 - provided[name]))
    return factor


def deploy_factor(provided: Mapping[str, object], params: Parameters):
    """Multiplier on deployment durations from the enablers provided (1 with none)."""
    factor = 1.0
    for name, enabler in params.enablers.items():
        if enabler.deploy_factor != 1.0:
            factor = factor * (1.0 - (1.0 - enabler.deploy_factor) * provided[name])
    return factor


def hub_factor(provided: Mapping[str, object], params: Parameters):
    """Multiplier on transit hub throughput from the enablers provided (1 with none)."""
    factor = 1.0
    for name, enabler in params.enablers.items():
        if enabler.hub_throughput_factor != 1.0:
            factor = factor * (1.0 + (enabler.hub_throughput_factor - 1.0) * provided[name])
    return factor
