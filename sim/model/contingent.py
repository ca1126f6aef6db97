"""A country's decision and the life of each of its contingents.

A country decides once, after its approval delay: it sends its contingents
with its approval probability, provided the US backstop then meets its
``requires_backstop`` condition. A US guarantee at that moment raises the
probability and the numbers sent (:class:`sim.backstop.Willingness`).

Each approved contingent (one per component or enabler the country pledges)
then waits for its component to open, moves (readiness plus movement,
shortened by enablers), and stays in place. With a rotation it serves
``tour_days``; the relief comes from a pool of ``ratio`` units, each of which
needs ``min_dwell_ratio x tour_days`` (and at least the two moves) away from
theatre between tours. Relief overlaps the outgoing unit, so a pool with
``ratio >= 1 + min_dwell_ratio`` leaves no gap; a smaller pool leaves gaps of
``dwell - (ratio - 1) x tour_days`` at each relief.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..backstop import at_least

if TYPE_CHECKING:
    from ..scenario import Country
    from .replication import World


@dataclass
class Contingent:
    """One country's pledge to one target (a component or an enabler), in one replication."""

    country: str
    target: str
    amount: float
    approved: bool = False
    arrival_day: float | None = None
    departure_day: float | None = None
    peak: float = 0.0


def country_process(world: "World", country: "Country", pledges: dict[str, int]):
    """Decide, then start one process per approved contingent."""
    env, streams = world.env, world.streams
    delay = country.approval.delay_days.draw(streams.rng(country.name, "approval_delay"))
    draw = streams.rng(country.name, "approval").random()
    moves = {t: country.deploy_days.draw(streams.rng(country.name, "deploy", t)) for t in pledges}
    contingents = {t: Contingent(country.name, t, float(n)) for t, n in pledges.items()}
    world.contingents.extend(contingents.values())
    if delay > 0:
        yield env.timeout(delay)
    level = world.level
    p, factor = country.approval.probability, 1.0
    if level == "guarantee":
        w = world.ladder.willingness
        p, factor = p + (1.0 - p) * w.approval_uplift, w.contingent_factor
    if not (draw < p and at_least(level, country.requires_backstop)):
        return
    for target, c in contingents.items():
        if factor != 1.0:
            scaled = float(round(c.amount * factor))
            world.ledger.add(env.now, target, "not_approved", scaled - c.amount)
            c.amount = scaled
        c.approved = True
        env.process(contingent_process(world, country, c, moves[target]))


def contingent_process(world: "World", country: "Country", c: Contingent, move_days: float):
    """Wait for the phase, move, arrive, and rotate."""
    env, ledger = world.env, world.ledger
    ledger.move(env.now, c.target, "not_approved", "phase_wait", c.amount)
    gate = world.gates.get(c.target)
    if gate is not None and gate.opened_at is None:
        yield gate.opened
    ledger.move(env.now, c.target, "phase_wait", "moving", c.amount)
    move = move_days * world.deploy_factor_now()
    if move > 0:
        yield env.timeout(move)
    ledger.move(env.now, c.target, "moving", "in_place", c.amount)
    c.arrival_day = env.now
    c.peak = max(c.peak, c.amount)
    if country.rotation is not None:
        yield from rotate(world, c, country.rotation.tour_days, country.rotation.ratio, move)


def rotate(world: "World", c: Contingent, tour: float, ratio: int, move: float):
    """Relieve the unit in place every ``tour`` days from a pool of ``ratio`` units."""
    env, ledger = world.env, world.ledger
    dwell = max(world.params.rotation.min_dwell_ratio * tour, 2.0 * move)
    ready = deque([float("-inf")] * (ratio - 1))  # when each unit at home can be back in theatre
    end = env.now + tour
    horizon = world.horizon
    while end < horizon:
        yield env.timeout(end - env.now)
        ready.append(end + dwell)
        relief = ready.popleft()
        if relief > end:
            ledger.move(env.now, c.target, "in_place", "rotation_gap", c.amount)
            yield env.timeout(relief - end)
            ledger.move(env.now, c.target, "rotation_gap", "in_place", c.amount)
        end = max(relief, end) + tour
