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

Countries, their decisions and contingents' lives are processes written as callbacks on the
events they wait for (:mod:`sim.model.callbacks`): the same steps in the order simpy would take
them as generators, without an event to start and one to end each (tested byte for byte against
the generators in ``tests/test_speed_identical.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .callbacks import Chain, timeout_until, urgent
from .decisions import Decision
from .rotation import gapless, home_transit_days, policy, relief_times, tour_in_place

if TYPE_CHECKING:
    from ..scenario import Country
    from .replication import World
    from .transit import Passage

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
    process: Optional[object] = None  # its life (or a process): is_alive, interrupt()
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


def start_countries(world: "World", pledges) -> None:
    """Start every country: register its contingents, let its government decide, then send them.

    Each country is a process written as callbacks (:mod:`sim.model.callbacks`): started together
    in one ``URGENT`` event where their processes' ``Initialize`` events would have come one after
    another, and their decisions started after them, as those processes would have started them.
    """
    if pledges:
        urgent(world.env, lambda _event: _start_countries(world, pledges))


def _start_countries(world: "World", pledges) -> None:
    decisions = [_country(world, country, units) for country, units in pledges]
    for decision in decisions:
        decision.begin()


def _country(world: "World", country: "Country", pledges: dict[str, int]) -> Decision:
    """Register the country's contingents and its decision; the contingents are sent once it decides."""
    streams = world.streams
    delay = country.approval.delay_days.draw(streams.rng(country.name, "approval_delay"))
    draw = streams.rng(country.name, "approval").random()
    contingents = []
    for target, n in pledges.items():
        c = Contingent(country.name, target, 0.0)
        c.pledge(world, "not_approved", float(n))
        contingents.append(c)
    world.coalition.register(country.name, contingents)
    decision = Decision(world.env, world.backstop, country.approval.probability, country.requires_backstop, delay, draw,
                        start=False)
    world.coalition.deciding[country.name] = decision
    decision.outcome.callbacks.append(lambda event: send(world, country, contingents, event.value))
    return decision


def send(world: "World", country: "Country", contingents: list[Contingent], factor: float | None) -> None:
    """Act on a decision: a hub the country hosts opens or stays shut; approved contingents set off."""
    world.coalition.decided(country.name, factor is not None)
    if factor is None:
        return
    streams = world.streams
    moves = []
    for c in contingents:
        if factor != 1.0:
            c.pledge(world, "not_approved", float(round(c.amount * factor)) - c.amount)
        c.approved = True
        c.move(world, "not_approved", "phase_wait")
        moves.append((c, country.deploy_days.draw(streams.rng(country.name, "deploy", c.target))))
    set_off(world, country, moves)


def set_off(world: "World", country: "Country", moves: list[tuple[Contingent, float]]) -> None:
    """Start the lives of contingents that set off together, in one ``URGENT`` event now (:class:`Life`)."""
    lives = []
    for c, move_days in moves:
        c.process = life = Life(world, country, c, move_days)
        lives.append(life)
    if lives:
        urgent(world.env, lambda _event: _begin(lives))


def _begin(lives: list["Life"]) -> None:
    for life in lives:
        life.begin()


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


class Life(Chain):
    """A contingent's life: wait for the phase, move, pass the hub, arrive; then Montreux or rotation.

    A process written as callbacks (:class:`~sim.model.callbacks.Chain`), taking the steps of the
    generator it stands for in the same order (tested byte for byte against it). A withdrawal
    interrupts it; on its way through a hub it then gives up its place (:class:`Passage`).
    """

    def __init__(self, world: "World", country: "Country", c: Contingent, move_days: float):
        super().__init__(world.env)
        self.world = world
        self.country = country
        self.c = c
        self.move_days = move_days
        self.move = 0.0  # days the move took (the deployment factor applied)
        self.passage: Optional[Passage] = None  # while it passes the hubs
        self.reliefs = iter(())  # the (end, relief) of its tours still ahead (relief_times)
        self.now = self.end_at = self.relief_at = 0.0  # where the walk through the tours stands

    def begin(self) -> None:
        gate = self.world.gates.get(self.c.target)
        if gate is not None and gate.opened_at is None:
            self.wait(gate.opened, self._set_out)
        else:
            self._set_out(None)

    def _set_out(self, _event) -> None:
        world = self.world
        self.c.move(world, "phase_wait", "moving")
        self.move = move = self.move_days * world.deploy_factor_now()
        if move > 0:
            self.wait(world.env.timeout(move), self._reach_hubs)
        else:
            self._reach_hubs(None)

    def _reach_hubs(self, _event) -> None:
        world, c = self.world, self.c
        if c.target in PEOPLE and world.hubs and self.country.via:
            self.passage = world.pass_hub(c, self.country.via, self, self._arrive)
        else:
            self._arrive()

    def _arrive(self) -> None:
        world, c, country = self.world, self.c, self.country
        self.passage = None
        c.move(world, "moving", "in_place")
        c.arrival_day = world.env.now
        spec = world.maintenance.get(c.target)
        if c.target == "sea" and world.montreux_applies(country):
            c.detachment = world.squadron(c, country, spec)
            c.detachment.start()
        elif spec is not None:
            c.detachment = world.detachment(c, spec)
            c.detachment.start()
        rot = policy(world.scenario, country, c.target)
        if rot is None:
            self.end()
            return
        transit = home_transit_days(world.params, country, c.target)
        self._rotate(rot.tour_days, rot.ratio, transit)

    def on_interrupt(self) -> None:
        if self.passage is not None:
            self.passage.abort()

    # --- rotation -----------------------------------------------------------------------------
    def _rotate(self, tour: float, ratio: int, transit: float) -> None:
        """Relieve the unit in place every tour from a pool of ``ratio`` units (:mod:`sim.model.rotation`).

        A unit ``transit`` days from home serves ``tour - 2 x transit`` of its tour in place and is away
        ``min_dwell_ratio x tour + 2 x transit`` (at least its two moves) before it is back.

        A relief that leaves no gap and has no aircraft or ships to swap changes nothing, so the
        life does not wake for it; it wakes for the next one at the very instant it would have
        reached by waking at each (:func:`timeout_until`).
        """
        env = self.world.env
        served, dwell = tour_in_place(tour, transit, self.world.params.rotation.min_dwell_ratio, self.move)
        if self.c.detachment is None and gapless(served, ratio, dwell, env.now, self.world.horizon):
            self.end()  # no relief would change anything: walking through them would wake for none
            return
        self.now = env.now  # where the life stands had it woken at every tour's end
        self.reliefs = relief_times(served, ratio, dwell, env.now, self.world.horizon)
        self._next_relief(None)

    def _next_relief(self, _event) -> None:
        detachment = self.c.detachment
        for end, relief in self.reliefs:
            self.now += end - self.now
            if relief <= end and detachment is None:
                continue
            self.end_at, self.relief_at = end, relief
            self.wait(timeout_until(self.world.env, self.now), self._tour_ends)
            return
        self.end()

    def _tour_ends(self, _event) -> None:
        c, world = self.c, self.world
        end, relief = self.end_at, self.relief_at
        if relief > end:
            if c.detachment is not None:
                c.detachment.stop()
            c.move(world, "in_place", "rotation_gap")
            self.wait(world.env.timeout(relief - end), self._relief_in)
            return
        if c.detachment is not None:
            c.detachment.relieve()
        self._next_relief(None)

    def _relief_in(self, _event) -> None:
        c, world = self.c, self.world
        self.now = world.env.now
        c.move(world, "rotation_gap", "in_place")
        if c.detachment is not None:
            c.detachment.start()  # the relief brings its own serviceable aircraft or ships
        self._next_relief(None)
