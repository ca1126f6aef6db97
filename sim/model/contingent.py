"""A country's decision and the life of each of its contingents.

A country decides after its approval delay: it sends its contingents with its
approval probability (one uniform draw against ``p``). If the US backstop then
falls short of its ``requires_backstop`` level, that is its only reason to stay
out: it reconsiders when the US level rises to meet the condition, its approval
delay running again from then, with the same draw. A "no" to the draw stands.
A US guarantee at the moment of the decision raises the probability and the
numbers sent (:class:`sim.backstop.Willingness`).

Each approved contingent (one per component or enabler the country pledges)
then waits for its component to open, moves (readiness plus movement,
shortened by enablers), passes its transit hub if it carries people (land,
regeneration), and stays in place. Non-littoral ships then follow the
Montreux rules (:mod:`sim.model.montreux`); everything else rotates.

Rotation: a unit serves ``tour_days``; the relief comes from a pool of
``ratio`` units, each of which needs ``min_dwell_ratio x tour_days`` (and at
least the two moves) away from theatre between tours. Relief overlaps the
outgoing unit, so a pool with ``ratio >= 1 + min_dwell_ratio`` leaves no
gap; a smaller pool leaves gaps of ``dwell - (ratio - 1) x tour_days``.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

import simpy
from simpy.core import NORMAL

from .decisions import Decision
from .rotation import home_transit_days, policy, relief_times, tour_in_place

if TYPE_CHECKING:
    from ..scenario import Country
    from .replication import World

PEOPLE = ("land", "regeneration")
"""Targets whose units move through transit hubs (aircraft fly in, ships sail)."""


@dataclass(eq=False)
class Contingent:
    """One country's pledge to one target (a component or an enabler), in one replication."""

    country: str
    target: str
    amount: float
    approved: bool = False
    arrival_day: Optional[float] = None
    departure_day: Optional[float] = None
    hub: Optional[str] = None
    hub_wait_days: Optional[float] = None
    reinforcement_day: Optional[float] = None  # the reinforce event's day; None for the pledge itself
    where: dict[str, float] = field(default_factory=dict)
    process: Optional[simpy.Process] = None
    detachment: Optional[object] = None  # a Detachment or a Squadron: start(), stop(), relieve()

    def move(self, world: "World", src: str, dst: str, amount: float | None = None) -> None:
        """Move ``amount`` (default: all) of this contingent's units from ``src`` to ``dst``."""
        n = self.where.get(src, 0.0) if amount is None else amount
        if n == 0:
            return
        world.ledger.move(world.env.now, self.target, src, dst, n)
        self.where[src] = self.where.get(src, 0.0) - n
        self.where[dst] = self.where.get(dst, 0.0) + n

    def pledge(self, world: "World", state: str, amount: float) -> None:
        """Add ``amount`` new units in ``state``."""
        world.ledger.add(world.env.now, self.target, state, amount)
        self.where[state] = self.where.get(state, 0.0) + amount
        self.amount = sum(self.where.values())


def country_process(world: "World", country: "Country", pledges: dict[str, int]):
    """Register the country's contingents, let its government decide, then send them."""
    streams = world.streams
    delay = country.approval.delay_days.draw(streams.rng(country.name, "approval_delay"))
    draw = streams.rng(country.name, "approval").random()
    contingents = []
    for target, n in pledges.items():
        c = Contingent(country.name, target, 0.0)
        c.pledge(world, "not_approved", float(n))
        contingents.append(c)
    world.coalition.register(country.name, contingents)
    decision = Decision(world.env, world.backstop, country.approval.probability, country.requires_backstop, delay, draw)
    world.coalition.deciding[country.name] = decision
    factor = yield decision.outcome
    send(world, country, contingents, factor)


def send(world: "World", country: "Country", contingents: list[Contingent], factor: float | None) -> None:
    """Act on a decision: a hub the country hosts opens or stays shut; approved contingents set off."""
    world.coalition.decided(country.name, factor is not None)
    if factor is None:
        return
    streams = world.streams
    for c in contingents:
        if factor != 1.0:
            c.pledge(world, "not_approved", float(round(c.amount * factor)) - c.amount)
        c.approved = True
        c.move(world, "not_approved", "phase_wait")
        move = country.deploy_days.draw(streams.rng(country.name, "deploy", c.target))
        world.set_off(country, c, move)


def reconsider(world: "World", country: "Country", day: float, key: str):
    """A process: on ``day`` a government that said no decides again, with a fresh draw keyed by the event."""
    yield world.env.timeout(day)
    decision = world.coalition.deciding.get(country.name)
    if decision is None or country.name in world.coalition.withdrawn:
        return
    outcome = decision.reconsider(world.streams.rng(country.name, "reconsider", key).random())
    if outcome is None:
        return
    factor = yield outcome
    contingents = [c for c in world.coalition.by_country.get(country.name, [])
                   if not c.approved and c.where.get("not_approved")]
    send(world, country, contingents, factor)


def contingent_process(world: "World", country: "Country", c: Contingent, move_days: float):
    """Wait for the phase, move, pass the hub, arrive; then Montreux or rotation. Ends on withdrawal."""
    env = world.env
    try:
        gate = world.gates.get(c.target)
        if gate is not None and gate.opened_at is None:
            yield gate.opened
        c.move(world, "phase_wait", "moving")
        move = move_days * world.deploy_factor_now()
        if move > 0:
            yield env.timeout(move)
        if c.target in PEOPLE and world.hubs and country.via:
            yield from world.pass_hub(c, country.via)
        c.move(world, "moving", "in_place")
        c.arrival_day = env.now
        spec = world.maintenance.get(c.target)
        if c.target == "sea" and world.montreux_applies(country):
            c.detachment = world.squadron(c, country, spec)
            c.detachment.start()
        elif spec is not None:
            c.detachment = world.detachment(c, spec)
            c.detachment.start()
        rot = policy(world.scenario, country, c.target)
        if rot is not None:
            transit = home_transit_days(world.params, country, c.target)
            yield from rotate(world, c, rot.tour_days, rot.ratio, move, transit)
    except simpy.Interrupt:
        return


def rotate(world: "World", c: Contingent, tour: float, ratio: int, move: float, transit: float = 0.0):
    """Relieve the unit in place every tour from a pool of ``ratio`` units (:mod:`sim.model.rotation`).

    A unit ``transit`` days from home serves ``tour - 2 x transit`` of its tour in place and is away
    ``min_dwell_ratio x tour + 2 x transit`` (at least its two moves) before it is back.

    A relief that leaves no gap and has no aircraft or ships to swap changes nothing, so the
    process does not wake for it; it wakes for the next one at the very instant it would have
    reached by waking at each (:func:`timeout_until`).
    """
    env = world.env
    served, dwell = tour_in_place(tour, transit, world.params.rotation.min_dwell_ratio, move)
    now = env.now  # where the process stands had it woken at every tour's end
    for end, relief in relief_times(served, ratio, dwell, env.now, world.horizon):
        now += end - now
        if relief <= end and c.detachment is None:
            continue
        yield timeout_until(env, now)
        if relief > end:
            if c.detachment is not None:
                c.detachment.stop()
            c.move(world, "in_place", "rotation_gap")
            yield env.timeout(relief - end)
            now = env.now
            c.move(world, "rotation_gap", "in_place")
            if c.detachment is not None:
                c.detachment.start()  # the relief brings its own serviceable aircraft or ships
        elif c.detachment is not None:
            c.detachment.relieve()


def timeout_until(env: simpy.Environment, t: float) -> simpy.Event:
    """An event that fires at exactly ``t``.

    ``env.timeout(t - env.now)`` fires at ``env.now + (t - env.now)``, which rounding can put a
    hair off ``t`` (and no delay may reach ``t`` by addition); then the event is put on simpy's
    queue at ``t`` itself, as :meth:`simpy.Environment.schedule` would with a zero delay.
    """
    delay = t - env.now
    if env.now + delay == t:
        return env.timeout(delay)
    event = env.event()
    event._ok, event._value = True, None
    heapq.heappush(env._queue, (t, NORMAL, next(env._eid), event))
    return event
