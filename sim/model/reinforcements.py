"""Reinforcements: units a country sends later (``reinforce`` events).

On the event's day a country that approved and is still present pledges ``amount`` more units of
one component; they wait for the component's phase, move (their own deployment draw, keyed by the
event's content) and arrive like any other contingent. A country that never approved, or has
withdrawn, sends nothing.

It runs on a bare :class:`simpy.Environment` with a :class:`~sim.model.coalition.Coalition`, the
replication's streams and a ``send(country, contingent, move_days)`` callback that sets the new
contingent off (in a replication: its :class:`sim.model.contingent.Life`).
"""

from __future__ import annotations

from typing import Callable

import simpy

from .coalition import Coalition
from .contingent import Contingent


class Reinforcements:
    """The reinforcements of one replication, and the contingents they brought."""

    def __init__(self, env: simpy.Environment, coalition: Coalition, streams,
                 send: Callable[[object, Contingent, float], None]):
        self.env = env
        self.coalition = coalition
        self.streams = streams
        self.send = send
        self.sent: list[Contingent] = []

    def on(self, country, day: float, component: str, amount: int, key: str):
        """A process: on ``day`` ``country`` sends ``amount`` more units of ``component`` (event keyed ``key``)."""
        yield self.env.timeout(day)
        if not self.coalition.present(country.name):
            return
        c = Contingent(country.name, component, 0.0, approved=True, reinforcement_day=day)
        c.pledge(self.coalition, "phase_wait", float(amount))
        self.coalition.register(country.name, [c])
        move = country.deploy_days.draw(self.streams.rng(country.name, "reinforce", key))
        self.sent.append(c)
        self.send(country, c, move)
