"""One replication: build the simpy world, run it to the horizon, hand back its trace.

This is the thin simpy core. It knows the scenario and a set of random
streams, composes the mechanisms (each an object with its own state and
processes, buildable on a bare :class:`simpy.Environment`) and returns a
:class:`Trace`: the ledger's event log, the contingents, the backstop level
changes and the phase openings. Turning the trace into daily series and
coverage is done by pure functions elsewhere (:mod:`sim.series`,
:mod:`sim.coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy

from .. import effects
from ..scenario import Scenario
from ..streams import Streams
from ..vocabulary import ENABLERS
from .black_sea import BlackSea
from .coalition import Coalition
from .contingent import Contingent, reconsider, set_off, start_countries
from .decisions import Backstop
from .enablers import Enablers
from .event_keys import keyed_events
from .gc_pause import collector_paused
from .ledger import Ledger, spell_out
from .live import LiveCoverage
from .maintenance import Detachment
from .montreux import Squadron
from .phasing import Phasing
from .reinforcements import Reinforcements
from .shocks import violation_times, withdrawal_day
from .transit import Hub, Passage, mean_queue


@dataclass
class Trace:
    """What happened in one replication, as raw events."""

    targets: tuple[str, ...]
    rows: dict[tuple[str, str], int]
    log: np.ndarray  # the ledger's changes, (changes, 4): time, from_row (-1: added), to_row, amount
    level_changes: list[tuple[float, str]]
    contingents: list[Contingent]
    phase_open: dict[str, float | None]
    surges: list[tuple[str, float, float, float]]
    hub_queue: dict[str, float]
    hub_waits: dict[str, list[float]]
    black_sea_log: list[tuple[str, float, float, float]]  # (country, entered, left, tonnes) per ship stay
    withdrawals: list[tuple[str, float]]

    @property
    def times(self) -> np.ndarray:
        """Time of each entry of the event log: one per row a change touches (:func:`spell_out`)."""
        return spell_out(self.log)[0]

    @property
    def row_log(self) -> np.ndarray:
        """Row of each entry of the event log."""
        return spell_out(self.log)[1]

    @property
    def deltas(self) -> np.ndarray:
        """Change of each entry of the event log."""
        return spell_out(self.log)[2]


@dataclass(frozen=True)
class Plan:
    """What every replication of a scenario shares, worked out once: pledges, factors, failures, the tonnage cap."""

    pledges: tuple[tuple[object, dict[str, int]], ...]  # (country, {target: units}) for countries that act
    live: dict[str, tuple[float, tuple[tuple[str, float], ...]]]  # component -> (scale, enabler effects)
    maintenance: dict[str, tuple[float, float, int, int]]
    tonnage_cap_binds: bool  # whether non-littoral ships could ever exceed the Montreux tonnage cap
    events: tuple[tuple[str, object], ...] = ()  # the scenario's events keyed by content, in canonical order

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
            live=live,
            maintenance=maintenance,
            tonnage_cap_binds=tonnes > p.montreux.tonnage_cap,
            events=tuple(keyed_events(scenario.events)),
        )


class World:
    """One replication: the mechanisms, composed on one simpy environment and one ledger.

    Each mechanism owns its state and processes and runs on a bare :class:`simpy.Environment`:
    the US level (:class:`Backstop`), the enablers provided (:class:`Enablers`), coverage now and
    the live requirement (:class:`LiveCoverage`), the gates (:class:`Phasing`), the coalition's
    members, decisions and withdrawals (:class:`Coalition`), reinforcements
    (:class:`Reinforcements`), the hubs (:class:`Hub`) and the Black Sea (:class:`BlackSea`).
    The world wires them together, starts the events' and the countries' processes, and hands the
    contingents' processes (:mod:`sim.model.contingent`) what they ask for.
    """

    def __init__(self, scenario: Scenario, streams: Streams, plan: Plan | None = None):
        self.scenario = scenario
        self.plan = plan = plan or Plan.of(scenario)
        self.params = scenario.parameters
        self.horizon = float(scenario.horizon_days)
        self.streams = streams
        self.env = env = simpy.Environment()
        self.components = scenario.components
        self.ledger = Ledger(self.components + ENABLERS)
        self.backstop = Backstop(env, scenario.us_backstop.ladder, scenario.us_backstop.level)
        self.enablers = Enablers(self.params, self.backstop, self.ledger)
        self.live = LiveCoverage(env, self.ledger, self.enablers, plan.live)
        self.phasing = Phasing(env, self.live)
        self.backstop.listeners.append(lambda: self.phasing.notify(env.now, None))
        self.live.listeners.append(lambda t, component: self.phasing.notify(t, component))
        hubs = scenario.transit.hubs if scenario.transit else []
        self.hubs = {h.name: Hub(env, h.name, h.throughput_per_day) for h in hubs}
        self.coalition = Coalition(env, self.ledger, self.hubs)
        self.reinforcements = Reinforcements(env, self.coalition, streams, self.set_off)
        self.black_sea = BlackSea(env, self.params.montreux, plan.tonnage_cap_binds)
        self.maintenance = plan.maintenance

    # --- what the contingents' processes ask for --------------------------------------------
    @property
    def gates(self):
        return self.phasing.gates

    def deploy_factor_now(self) -> float:
        """Multiplier on a move starting now (:meth:`Enablers.deploy_factor`)."""
        return self.enablers.deploy_factor()

    def hub_factor_now(self) -> float:
        """Multiplier on hub throughput now (:meth:`Enablers.hub_factor`)."""
        return self.enablers.hub_factor()

    def montreux_applies(self, country) -> bool:
        return self.params.montreux.enabled and not country.littoral

    def detachment(self, c: Contingent, spec) -> Detachment:
        """The failing aircraft or ships of a contingent in place (:mod:`sim.model.maintenance`)."""
        return Detachment(
            self.env, int(round(c.amount)), self.ledger.mover(c.target, c.where), spec,
            lambda generation: self.streams.rng(c.country, "failures", c.target, str(generation)),
            lambda: self.phasing.watching(c.target),
        )

    def squadron(self, c: Contingent, country, failures) -> Squadron:
        """The ships of an outside navy's contingent under the Montreux rules (:class:`BlackSea`)."""
        return self.black_sea.squadron(
            c.country, int(round(c.amount)), country.sea.tonnage or self.params.sea.ship_tonnage,
            lambda src, dst, n: c.move(self, src, dst, n),
            failures=failures,
            streams=lambda generation: self.streams.rng(c.country, "failures", "sea", str(generation)),
            mover_at=self.ledger.mover(c.target, c.where),
            watched=lambda: self.phasing.watching(c.target),
        )

    def pass_hub(self, c: Contingent, via, life, then) -> Passage:
        """Pass the first open hub on the contingent's route (steps of its ``life``), then ``then()``."""
        passage = Passage(self, c, self.hubs, via, life, then)
        passage.begin()
        return passage

    def set_off(self, country, c: Contingent, move_days: float) -> None:
        """Start an approved contingent's life: phase, move, hub, arrival, rotation."""
        set_off(self, country, [(c, move_days)])

    # --- build ----------------------------------------------------------------------------
    def build(self) -> None:
        scn, env = self.scenario, self.env
        for comp in self.components:
            self.phasing.add(comp, scn.phases.get(comp))
        self.phasing.listen()
        coalition = self.coalition
        for key, event in self.plan.events:  # keyed by content (once per scenario), started in a canonical order
            if event.type == "backstop":
                env.process(self.backstop.change_on(event.day, event.level))
            elif event.type == "hub_closure":
                env.process(self.hubs[event.hub].closure(event.start_day, event.days))
            elif event.type == "withdraw" and event.day is not None:
                env.process(coalition.withdraw_on(event.country, event.day))
            elif event.type == "withdraw":
                names = [event.country] if event.country else sorted(c.name for c in scn.countries)
                for name in names:
                    day = withdrawal_day(self, name, event.yearly_probability, key)
                    if day < self.horizon:
                        env.process(coalition.withdraw_on(name, day))
            elif event.type == "reconsider":
                env.process(reconsider(self, scn.country(event.country), event.day, key))
            elif event.type == "reinforce":
                country = scn.country(event.country)
                env.process(self.reinforcements.on(country, event.day, event.component, event.amount, key))
            elif event.type == "violations":
                live = self.phasing.reads(event.component)  # only a phase gate reads the live requirement
                for t in violation_times(self, key, event.rate_per_year):
                    self.live.add_surge(event.component, t, event.days, event.surge, live)
        for country, pledges in self.plan.pledges:
            if country.name in self.hubs:
                self.hubs[country.name].host_ok = False  # closed until the host approves transit
        start_countries(self, self.plan.pledges)

    def run(self) -> Trace:
        self.build()
        self.phasing.notify(0.0, None)
        self.env.run(until=self.horizon)
        for c in self.coalition.contingents:
            if c.detachment is not None:
                c.detachment.advance(self.horizon)  # failures and repairs played lazily, up to the horizon
            c.process = c.detachment = None  # the trace keeps what happened, not the machinery: the world is garbage now
        ledger = self.ledger
        return Trace(
            targets=ledger.targets,
            rows=ledger.rows,
            log=ledger.log_matrix(),  # spelled out per row for a whole batch at once (sim.coverage)
            level_changes=self.backstop.changes,
            contingents=self.coalition.contingents,
            phase_open=self.phasing.opened(),
            surges=self.live.surges,
            hub_queue={name: mean_queue(h.queue_log, self.horizon) for name, h in self.hubs.items()},
            hub_waits={name: h.waits for name, h in self.hubs.items()},
            black_sea_log=self.black_sea.log,
            withdrawals=self.coalition.withdrawals(),
        )


def simulate(scenario: Scenario, seed: int, rep: int, plan: Plan | None = None) -> Trace:
    """Run replication ``rep`` of ``scenario`` with the streams of ``seed`` (``plan``: see :class:`Plan`).

    The cycle collector is held off while it runs (:mod:`sim.model.gc_pause`).
    """
    with collector_paused():
        return World(scenario, Streams(seed, rep), plan).run()
