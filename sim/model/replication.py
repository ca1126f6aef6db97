"""One replication: build the simpy world, run it to the horizon, hand back its trace.

This is the thin simpy core. It knows the scenario and a set of random
streams, and returns a :class:`Trace`: the ledger's event log, the
contingents, the backstop level changes and the phase openings. Turning the
trace into daily series and coverage is done by pure functions elsewhere
(:mod:`sim.series`, :mod:`sim.coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from .. import effects
from ..scenario import Scenario
from ..streams import Streams
from ..vocabulary import ENABLERS, LEVELS
from .contingent import Contingent, contingent_process, country_process, reconsider
from .decisions import Backstop, Decision
from .event_keys import keyed_events
from .ledger import STATES, Ledger
from .maintenance import Detachment
from .montreux import Squadron
from .phases import Gate, Watch
from .shocks import surge_days, violation_times, withdraw_on, withdrawal_day
from .transit import Hub, mean_queue, route


GOLDEN = (5 ** 0.5 - 1) / 2
"""Successive multiples of this fraction spread evenly over a cycle (the golden-ratio sequence)."""


@dataclass
class Trace:
    """What happened in one replication, as raw events."""

    targets: tuple[str, ...]
    rows: dict[tuple[str, str], int]
    times: np.ndarray
    row_log: np.ndarray
    deltas: np.ndarray
    level_changes: list[tuple[float, str]]
    contingents: list[Contingent]
    phase_open: dict[str, float | None]
    surges: list[tuple[str, float, float, float]]
    hub_queue: dict[str, float]
    hub_waits: dict[str, list[float]]
    black_sea_log: list[tuple[str, float, float, float]]  # (country, entered, left, tonnes) per ship stay
    withdrawals: list[tuple[str, float]]


@dataclass(frozen=True)
class Plan:
    """What every replication of a scenario shares, worked out once: pledges, factors, ladder."""

    pledges: tuple[tuple[object, dict[str, int]], ...]  # (country, {target: units}) for countries that act
    enablers_at: dict[str, frozenset[str]]
    live: dict[str, tuple[float, tuple[tuple[str, float], ...]]]  # component -> (scale, enabler effects)
    deploy_factors: tuple[tuple[str, float], ...]
    maintenance: dict[str, tuple[float, float, int, int]]
    tonnage_cap_binds: bool  # whether non-littoral ships could ever exceed the Montreux tonnage cap

    @classmethod
    def of(cls, scenario: Scenario) -> "Plan":
        p = scenario.parameters
        comps = scenario.components
        hubs = {h.name for h in scenario.transit.hubs} if scenario.transit else set()
        pledges = []
        for country in sorted(scenario.countries, key=lambda c: c.name):  # processes start in name order
            units = {c: country.pledge(c) for c in comps if country.pledge(c) > 0}
            units.update({e: n for e, n in sorted(country.enablers.items()) if n > 0})
            if units or country.name in hubs:
                pledges.append((country, units))
        maintenance = {}
        for comp, spec in scenario.maintenance.items():
            d = getattr(p, comp)
            maintenance[comp] = (
                spec.mtbf_days or d.mtbf_days,
                spec.mttr_days or d.mttr_days,
                spec.crews_per_detachment or d.crews_per_detachment,
                spec.detachment_size or d.detachment_size,
            )
        live = {}
        for comp in comps:
            scale = effects.availability(comp, p, comp in maintenance) * effects.unit_value(comp, p)
            scale /= scenario.requirements.amount(comp)
            live[comp] = (scale, tuple((e, en.effects[comp]) for e, en in p.enablers.items() if comp in en.effects))
        ladder = scenario.us_backstop.ladder
        growth = max(1.0, ladder.willingness.contingent_factor)
        tonnes = sum(
            round(c.sea.ships * growth) * (c.sea.tonnage or p.sea.ship_tonnage)
            for c in scenario.countries
            if not c.littoral
        )
        tonnes += sum(
            e.amount * (scenario.country(e.country).sea.tonnage or p.sea.ship_tonnage)
            for e in scenario.events
            if e.type == "reinforce" and e.component == "sea" and not scenario.country(e.country).littoral
        )
        return cls(
            pledges=tuple(pledges),
            enablers_at={lv: ladder.enablers_at(lv) for lv in LEVELS},
            live=live,
            deploy_factors=tuple((e, en.deploy_factor) for e, en in p.enablers.items() if en.deploy_factor != 1.0),
            maintenance=maintenance,
            tonnage_cap_binds=tonnes > p.montreux.tonnage_cap,
        )


class World:
    """The live state one replication's processes share."""

    def __init__(self, scenario: Scenario, streams: Streams, plan: Plan | None = None):
        self.scenario = scenario
        self.plan = plan = plan or Plan.of(scenario)
        self.params = scenario.parameters
        self.ladder = scenario.us_backstop.ladder
        self.horizon = float(scenario.horizon_days)
        self.streams = streams
        self.env = simpy.Environment()
        self.components = scenario.components
        self.ledger = Ledger(self.components + ENABLERS)
        self.backstop = Backstop(self.env, self.ladder, scenario.us_backstop.level)
        self.backstop.listeners.append(lambda: self._notify(self.env.now, None))
        self.contingents: list[Contingent] = []
        self.by_country: dict[str, list[Contingent]] = {}
        self.deciding: dict[str, Decision] = {}
        self.approved: set[str] = set()
        self.withdrawn: dict[str, float] = {}
        self.surges: list[tuple[str, float, float, float]] = []
        hubs = scenario.transit.hubs if scenario.transit else []
        self.hubs = {h.name: Hub(self.env, h.name, h.throughput_per_day) for h in hubs}
        self.maintenance = plan.maintenance
        self._live, self._deploy_factors = plan.live, plan.deploy_factors
        cap = self.params.montreux.tonnage_cap
        self.black_sea_tonnage = simpy.Container(self.env, capacity=cap, init=cap)
        self.black_sea_log: list[tuple[str, float, float, float]] = []
        self.squadrons = 0  # outside navies arrived so far (each takes its turn on the Montreux clock)
        self.gates: dict[str, Gate] = {}
        self.watches: list[tuple[Watch, set[str]]] = []
        self.surge_now: dict[str, float] = {}  # requirement raised by surges in force, as a fraction of the base

    # --- live effects ---------------------------------------------------------------------
    @property
    def level(self) -> str:
        """The US backstop level now."""
        return self.backstop.level

    def _share(self, enabler: str) -> float:
        if enabler in self.backstop.enablers:
            return 1.0
        return min(1.0, self.ledger.amount(enabler, "in_place") / self.params.enablers[enabler].need)

    def provided_now(self) -> dict[str, float]:
        """Share of each enabler provided now (US level and countries' units in place)."""
        return {name: self._share(name) for name in self.params.enablers}

    def deploy_factor_now(self) -> float:
        """Multiplier on a move starting now (:func:`sim.effects.deploy_factor`)."""
        return effects.deploy_factor({name: self._share(name) for name, _ in self._deploy_factors}, self.params)

    def hub_factor_now(self) -> float:
        return float(effects.hub_factor(self.provided_now(), self.params))

    def montreux_applies(self, country) -> bool:
        return self.params.montreux.enabled and not country.littoral

    def detachment(self, c: Contingent, spec) -> Detachment:
        """The failing aircraft or ships of a contingent in place (:mod:`sim.model.maintenance`)."""
        return Detachment(
            self.env, int(round(c.amount)), self.ledger.mover(c.target, c.where), spec,
            lambda generation: self.streams.rng(c.country, "failures", c.target, str(generation)),
            lambda: any(not watch.done and c.target in relevant for watch, relevant in self.watches),
        )

    def move_at(self, c: Contingent, t: float, src: str, dst: str, n: float) -> None:
        """Move ``n`` of ``c``'s units at time ``t`` (a detachment may write its moves after the fact)."""
        self.ledger.move(t, c.target, src, dst, n)
        c.where[src] = c.where.get(src, 0.0) - n
        c.where[dst] = c.where.get(dst, 0.0) + n

    def squadron(self, c: Contingent, country, failures) -> Squadron:
        """The ships of an outside navy's contingent under the Montreux rules (:mod:`sim.model.montreux`).

        The ``j``-th squadron to arrive takes the golden-ratio phase ``frac(j x 0.618) x P`` of the
        common Montreux clock, so the stays of all outside navies spread over the cycle.
        """
        rules = self.params.montreux
        j = self.squadrons
        self.squadrons += 1
        return Squadron(
            self.env, self.params.montreux, c.country, int(round(c.amount)),
            country.sea.tonnage or self.params.sea.ship_tonnage,
            lambda src, dst, n: c.move(self, src, dst, n),
            tonnage_pool=self.black_sea_tonnage if self.plan.tonnage_cap_binds else None,
            log=self.black_sea_log,
            failures=failures,
            streams=lambda generation: self.streams.rng(c.country, "failures", "sea", str(generation)),
            phase=(j * GOLDEN % 1.0) * (rules.max_stay_days + rules.port_days),
            mover_at=self.ledger.mover(c.target, c.where),
            watched=lambda: any(not watch.done and c.target in relevant for watch, relevant in self.watches),
        )

    # --- contingents and shocks -----------------------------------------------------------
    def register(self, country: str, contingents: list[Contingent]) -> None:
        self.contingents.extend(contingents)
        self.by_country.setdefault(country, []).extend(contingents)

    def pass_hub(self, c: Contingent, via):
        """Pass the first open hub on the contingent's route (a sub-process of its life)."""
        yield from route(self, c, self.hubs, via)

    def decided(self, country: str, approved: bool) -> None:
        """A country's decision: a hub it hosts opens if it approved."""
        if approved and country not in self.withdrawn:
            self.approved.add(country)
        hub = self.hubs.get(country)
        if hub is not None:
            hub.host_decides(approved and country not in self.withdrawn)

    def withdraw(self, country: str) -> None:
        """Take every unit of ``country`` out, wherever it is, now (and close a hub it hosts)."""
        if country in self.withdrawn:
            return
        self.withdrawn[country] = self.env.now
        if country in self.hubs:
            self.hubs[country].host_decides(False)
        deciding = self.deciding.get(country)
        if deciding is not None:
            deciding.withdraw()
        for c in self.by_country.get(country, []):
            if c.process is not None and c.process.is_alive:
                c.process.interrupt()
            if c.detachment is not None:
                c.detachment.stop()
            if any(c.where.get(state, 0) > 0 for state in ("in_place", "maintenance", "straits", "rotation_gap")):
                c.departure_day = self.env.now  # it had arrived: it leaves now
            for state in STATES:
                if state != "withdrawn":
                    c.move(self, state, "withdrawn")

    def reinforce(self, country, day: float, component: str, amount: int, key: str):
        yield self.env.timeout(day)
        if country.name not in self.approved or country.name in self.withdrawn:
            return
        c = Contingent(country.name, component, 0.0, approved=True, reinforcement_day=day)
        c.pledge(self, "phase_wait", float(amount))
        self.register(country.name, [c])
        move = country.deploy_days.draw(self.streams.rng(country.name, "reinforce", key))
        c.process = self.env.process(contingent_process(self, country, c, move))

    def coverage_now(self, component: str) -> float:
        """Coverage of ``component`` at this instant: the reported series' formula, surges included."""
        scale, missing = self._live[component]
        shares = {enabler: self._share(enabler) for enabler, _ in missing}
        factor = effects.component_factor(component, shares, self.params)
        surge = 1.0 + self.surge_now.get(component, 0.0)
        return min(1.0, self.ledger.amount(component, "in_place") * scale * factor / surge)

    def surge(self, component: str, start: float, days: float, size: float):
        """A process: raise ``component``'s live requirement while a surge is in force.

        The daily series raises it on days ``ceil(start)`` to ``ceil(start + days) - 1``
        (:func:`sim.model.shocks.requirement_series`); the live requirement follows the same days.
        """
        on, off = surge_days(start, days)
        yield self.env.timeout(on)
        self.surge_now[component] = self.surge_now.get(component, 0.0) + size
        self._notify(self.env.now, component)
        yield self.env.timeout(off - on)
        self.surge_now[component] -= size
        self._notify(self.env.now, component)

    def set_level(self, level: str) -> None:
        """Change the US level now (enablers switch at once; pending decisions may go ahead)."""
        self.backstop.set(level)

    def _notify(self, t: float, target: str | None) -> None:
        opened = False
        for watch, relevant in self.watches:
            if watch.done:
                opened = True
            elif target is None or target in relevant:
                watch.update()
        if opened:  # stop watching gates that opened; with none left, stop listening to the ledger
            self.watches = [(w, r) for w, r in self.watches if not w.done]
            if not self.watches:
                self.ledger.listeners = [f for f in self.ledger.listeners if f != self._notify]

    # --- build ----------------------------------------------------------------------------
    def build(self) -> None:
        scn, env = self.scenario, self.env
        for comp in self.components:
            phase = scn.phases.get(comp)
            gate = self.gates[comp] = Gate(env, comp)
            if phase is None:
                gate.open()
            elif phase.start_day is not None:
                env.process(gate.at(phase.start_day))
            else:
                a = phase.after
                watch = Watch(gate, lambda c=a.component: self.coverage_now(c), a.coverage, a.for_days)
                relevant = {a.component} | {e for e, _ in self._live[a.component][1]}
                self.watches.append((watch, relevant))
        if self.watches:
            self.ledger.listeners.append(self._notify)
        for key, event in keyed_events(scn.events):  # keyed by content, started in a canonical order
            if event.type == "backstop":
                env.process(self.backstop.change_on(event.day, event.level))
            elif event.type == "hub_closure":
                env.process(self.hubs[event.hub].closure(event.start_day, event.days))
            elif event.type == "withdraw" and event.day is not None:
                env.process(withdraw_on(self, event.country, event.day))
            elif event.type == "withdraw":
                names = [event.country] if event.country else sorted(c.name for c in scn.countries)
                for name in names:
                    day = withdrawal_day(self, name, event.yearly_probability, key)
                    if day < self.horizon:
                        env.process(withdraw_on(self, name, day))
            elif event.type == "reconsider":
                env.process(reconsider(self, scn.country(event.country), event.day, key))
            elif event.type == "reinforce":
                env.process(self.reinforce(scn.country(event.country), event.day, event.component, event.amount, key))
            elif event.type == "violations":
                watched = any(event.component in relevant for _, relevant in self.watches)
                for t in violation_times(self, key, event.rate_per_year):
                    self.surges.append((event.component, t, event.days, event.surge))
                    if watched:  # only a phase gate reads the live requirement
                        env.process(self.surge(event.component, t, event.days, event.surge))
        for country, pledges in self.plan.pledges:
            if country.name in self.hubs:
                self.hubs[country.name].host_ok = False  # closed until the host approves transit
            env.process(country_process(self, country, pledges))

    def run(self) -> Trace:
        self.build()
        self._notify(0.0, None)
        self.env.run(until=self.horizon)
        for c in self.contingents:
            if c.detachment is not None:
                c.detachment.advance(self.horizon)  # failures and repairs played lazily, up to the horizon
        ledger = self.ledger
        times, row_log, deltas = ledger.log_arrays()
        return Trace(
            targets=ledger.targets,
            rows=ledger.rows,
            times=times,
            row_log=row_log,
            deltas=deltas,
            level_changes=self.backstop.changes,
            contingents=self.contingents,
            phase_open={c: g.opened_at for c, g in self.gates.items()},
            surges=self.surges,
            hub_queue={name: mean_queue(h.queue_log, self.horizon) for name, h in self.hubs.items()},
            hub_waits={name: h.waits for name, h in self.hubs.items()},
            black_sea_log=self.black_sea_log,
            withdrawals=sorted(self.withdrawn.items(), key=lambda kv: kv[1]),
        )


def simulate(scenario: Scenario, seed: int, rep: int, plan: Plan | None = None) -> Trace:
    """Run replication ``rep`` of ``scenario`` with the streams of ``seed`` (``plan``: see :class:`Plan`)."""
    return World(scenario, Streams(seed, rep), plan).run()
