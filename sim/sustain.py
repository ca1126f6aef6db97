"""What the pledged pools can hold in the long run, beside what a finite horizon shows.

A two-year run can hide a rotation that cannot last: a pool of 4 with a dwell
ratio of 5 fills the first tours of every slot and covers the whole horizon,
but in the long run it can keep a unit in place only ``4 / (1 + 5) = 0.667``
of the time. This module states the long-run figures in closed form, as pure
functions of the scenario and of who actually deployed.

Long-run share of one slot that a rotation keeps filled (``d`` the
``parameters.rotation.min_dwell_ratio``, ``r`` the pool ratio)::

    rotation_share = min(1, r x (T - 2t) / ((1 + d) x T))

Each unit of the pool serves a tour ``T``, of which it spends ``2t`` sailing
between home and station (``parameters.sea.home_transit_days`` for ships of
outside navies, else 0), and then needs ``d x T`` at home, so the ``r`` units
of a slot can fill ``r x (T - 2t)`` days of every ``(1 + d) x T``. A
country with ``rotation: none`` keeps its units in place without relief: the
scenario asserts it, and its share is 1.

Long-run share of time a ship of a non-littoral navy is on station under
Montreux (straits open)::

    montreux_share = (max_stay_days - 2 x transit_days) / (max_stay_days + port_days)

(0 with the straits closed). Staggered stays turn this share into a steady
presence; ships in step reach the same mean only on average.

Long-run capability of a component, for the contingents a replication
approved and did not withdraw::

    sum over contingents of  units x rotation_share x montreux_share x availability x unit_value
    x enabler factor (the US level at the horizon; countries' enablers at their own long-run share)

and ``sustainable_coverage = min(1, capability / base requirement)`` (surges
left out). ``availability`` is the machine-repair availability of the
detachment where maintenance is modelled, else the fixed factor. The
summary reports the mean over replications.

The force a requirement needs with rotation (``required_with_rotation``) is
``requirement / (unit_value x availability) x (1 + d)``: the units in place
it takes with every enabler provided, times the pool at which the rotation
rule leaves no gap. For the sea it is given for ships not bound by Montreux
and, as ``required_with_rotation_montreux``, for ships of outside navies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import effects
from .model.maintenance import machine_repair_availability
from .model.rotation import home_transit_days, policy, tour_in_place

if TYPE_CHECKING:
    from .scenario import Country, Scenario


def rotation_share(scenario: "Scenario", country: "Country", target: str) -> float:
    """Long-run share of time ``country``'s rotation keeps a slot of ``target`` filled."""
    rot = policy(scenario, country, target)
    if rot is None:
        return 1.0
    transit = home_transit_days(scenario.parameters, country, target)
    served, away = tour_in_place(rot.tour_days, transit, scenario.parameters.rotation.min_dwell_ratio)
    return min(1.0, rot.ratio * served / (served + away)) if served > 0 else 0.0


def montreux_share(scenario: "Scenario") -> float:
    """Long-run share of time a non-littoral warship is on station under the Montreux rules."""
    m = scenario.parameters.montreux
    if m.straits_closed:
        return 0.0
    return max(0.0, m.max_stay_days - 2.0 * m.transit_days) / (m.max_stay_days + m.port_days)


def bound_by_montreux(scenario: "Scenario", country: "Country", target: str) -> bool:
    """Whether ``country``'s units of ``target`` are warships the Montreux rules bind."""
    return target == "sea" and scenario.parameters.montreux.enabled and not country.littoral


def unit_availability(scenario: "Scenario", target: str, units: float) -> float:
    """Long-run share of a detachment of ``units`` in place that is available."""
    from .model.maintenance import crews_for

    if target not in scenario.components:
        return 1.0  # enablers count whole
    if target in scenario.maintenance:
        n = int(round(units))
        if n <= 0:
            return 0.0
        mtbf, mttr, crews, size = maintenance_spec(scenario, target)
        return machine_repair_availability(n, crews_for(n, crews, size), mtbf, mttr)
    return effects.availability(target, scenario.parameters)


def maintenance_spec(scenario: "Scenario", comp: str) -> tuple[float, float, int, int]:
    """``(mtbf, mttr, crews_per_detachment, detachment_size)`` of a component's maintenance, scenario over parameters."""
    spec, d = scenario.maintenance[comp], getattr(scenario.parameters, comp)
    return (
        spec.mtbf_days or d.mtbf_days,
        spec.mttr_days or d.mttr_days,
        spec.crews_per_detachment or d.crews_per_detachment,
        spec.detachment_size or d.detachment_size,
    )


def long_run_units(scenario: "Scenario", country: "Country", target: str, units: float) -> float:
    """Units of ``target`` ``country`` keeps available in the long run out of ``units`` deployed."""
    share = rotation_share(scenario, country, target)
    if bound_by_montreux(scenario, country, target):
        share *= montreux_share(scenario)
    return units * share * unit_availability(scenario, target, units)


def sustainable_coverage(scenario: "Scenario", deployed: dict[tuple[str, str], float], level: str,
                         units_held=None) -> dict[str, float]:
    """Long-run coverage of each component from ``deployed`` units per (country, target) at US ``level``.

    ``units_held(name, target, units)`` (default :func:`long_run_units` of the country named) gives
    the units a contingent keeps available in the long run; :class:`Memo` passes a cached one.
    """
    if units_held is None:
        def units_held(name, target, units):
            return long_run_units(scenario, scenario.country(name), target, units)
    held: dict[str, float] = {}
    for (name, target), units in deployed.items():
        held[target] = held.get(target, 0.0) + units_held(name, target, units)
    return coverage_held(Constants(scenario), held, level)


class Constants:
    """What :func:`coverage_held` reads of a scenario, looked up once.

    ``effects[comp]`` lists ``(enabler, missing-effect)`` for the enablers that act on ``comp``, in
    the order :func:`sim.effects.component_factor` multiplies them in.
    """

    def __init__(self, scenario: "Scenario"):
        params = scenario.parameters
        self.params = params
        self.ladder = scenario.us_backstop.ladder
        self.needs = tuple((e, en.need) for e, en in params.enablers.items())
        self.components = tuple((c, effects.unit_value(c, params), scenario.requirements.amount(c))
                                for c in scenario.components)
        self.effects = {c: tuple((e, en.effects[c]) for e, en in params.enablers.items() if en.effects.get(c) is not None)
                        for c in scenario.components}
        self._by_us: dict[str, frozenset[str]] = {}

    def by_us(self, level: str) -> frozenset[str]:
        """The enablers the US provides at ``level`` (:meth:`Ladder.enablers_at`, looked up once per level)."""
        got = self._by_us.get(level)
        if got is None:
            got = self._by_us[level] = self.ladder.enablers_at(level)
        return got


def coverage_held(k: Constants, held: dict[str, float], level: str) -> dict[str, float]:
    """Long-run coverage of each component from the long-run units ``held`` per target at US ``level``.

    The enabler factor is :func:`sim.effects.component_factor`'s product, taken in the same order.
    """
    by_us = k.by_us(level)
    provided = {e: 1.0 if e in by_us else min(1.0, held.get(e, 0.0) / need) for e, need in k.needs}
    out = {}
    for comp, value, amount in k.components:
        factor = 1.0
        for name, missing in k.effects[comp]:
            factor = factor * (1.0 - (1.0 - missing) * (1.0 - provided[name]))
        cap = held.get(comp, 0.0) * value * factor
        out[comp] = min(1.0, cap / amount)
    return out


def deployed_of(trace) -> dict[tuple[str, str], float]:
    """Units per (country, target) that one replication approved and kept (withdrawn countries: none)."""
    withdrawn = {name for name, _ in trace.withdrawals}
    deployed: dict[tuple[str, str], float] = {}
    for c in trace.contingents:
        if c.approved and c.country not in withdrawn:
            deployed[(c.country, c.target)] = deployed.get((c.country, c.target), 0.0) + c.amount
    return deployed


class Memo:
    """Long-run coverage per replication trace, each contingent's long-run units worked out once per run.

    (Replications rarely deploy the very same set, so whole answers are not kept: 127 of 128 baseline
    replications differ.)
    """

    def __init__(self, scenario: "Scenario"):
        self.scenario = scenario
        self.constants = Constants(scenario)
        self.units: dict = {}  # (country, target, units) -> long-run units (replications share most contingents)

    def units_held(self, name: str, target: str, units: float) -> float:
        """:func:`long_run_units` of one contingent, worked out once per (country, target, units)."""
        key = (name, target, units)
        held = self.units.get(key)
        if held is None:
            held = self.units[key] = long_run_units(self.scenario, self.scenario.country(name), target, units)
        return held

    def __call__(self, trace) -> list[float]:
        """Long-run coverage of each component (scenario order) for one replication's trace."""
        held: dict[str, float] = {}
        units, units_held = self.units, self.units_held
        for (name, target), n in deployed_of(trace).items():
            got = units.get((name, target, n))
            held[target] = held.get(target, 0.0) + (units_held(name, target, n) if got is None else got)
        return list(coverage_held(self.constants, held, trace.level_changes[-1][1]).values())


def required_with_rotation(scenario: "Scenario") -> dict[str, dict[str, float]]:
    """Per component: units needed in place for the requirement, and the pool that keeps them there."""
    params = scenario.parameters
    pool = 1.0 + params.rotation.min_dwell_ratio
    out = {}
    for comp in scenario.components:
        avail = effects.availability(comp, params)
        in_place = scenario.requirements.amount(comp) / (effects.unit_value(comp, params) * avail)
        row = {"required_in_place": round(in_place, 1), "required_with_rotation": round(in_place * pool, 1)}
        if comp == "sea" and params.montreux.enabled:
            share = montreux_share(scenario)
            row["required_with_rotation_montreux"] = round(in_place * pool / share, 1) if share > 0 else None
        out[comp] = row
    return out
