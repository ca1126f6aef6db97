"""Transit hubs: capacity-limited points that contingents carrying people must pass.

A hub serves one contingent at a time, first come first served (a
:class:`simpy.Resource` of capacity 1): a contingent of ``n`` people holds it
for ``n / (throughput_per_day x hub factor)`` days, where US logistics raise
the hub factor (``enablers.logistics.hub_throughput_factor``). Big pledges
therefore queue. A hub can be closed for a period (a ``hub_closure`` event):
a contingent whose first choice is closed when it reaches the hubs takes the
next open hub in its ``via`` list, or waits for its first choice to reopen.
The days each contingent waits (queue and closure) go to ``timeline.csv``;
the queue length over time gives the hub's mean queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from .contingent import Contingent
    from .replication import World


class Hub:
    """One transit hub."""

    def __init__(self, env: simpy.Environment, name: str, throughput_per_day: float):
        self.env = env
        self.name = name
        self.throughput = throughput_per_day
        self.server = simpy.Resource(env, capacity=1)
        self.closed = False
        self.reopened = env.event()
        self.queue_log: list[tuple[float, int]] = []  # (time, +1 joins / -1 leaves the queue)
        self.waits: list[float] = []

    def closure(self, start: float, days: float):
        """A process: close the hub on ``start`` for ``days``."""
        yield self.env.timeout(start)
        self.closed = True
        yield self.env.timeout(days)
        self.closed = False
        reopened, self.reopened = self.reopened, self.env.event()
        reopened.succeed()

    def pass_through(self, world: "World", c: "Contingent"):
        """Queue, wait out any closure, and pass; record the wait on the contingent."""
        env = self.env
        arrived = env.now
        self.queue_log.append((arrived, 1))
        left_queue = False
        try:
            with self.server.request() as req:
                yield req
                while self.closed:
                    yield self.reopened
                self.queue_log.append((env.now, -1))
                left_queue = True
                c.hub, c.hub_wait_days = self.name, env.now - arrived
                self.waits.append(env.now - arrived)
                yield env.timeout(c.amount / (self.throughput * world.hub_factor_now()))
        finally:
            if not left_queue:
                self.queue_log.append((env.now, -1))


def choose(hubs: dict[str, Hub], via: str | list[str]) -> Hub:
    """The first open hub in order of preference, else the first choice (to wait for it)."""
    route = [via] if isinstance(via, str) else list(via)
    for name in route:
        if not hubs[name].closed:
            return hubs[name]
    return hubs[route[0]]


def mean_queue(queue_log: list[tuple[float, int]], horizon: float) -> float:
    """Time-average number of contingents waiting at a hub over ``[0, horizon]``."""
    area, length, last = 0.0, 0, 0.0
    for t, step in sorted(queue_log):
        t = min(t, horizon)
        area += length * (t - last)
        length += step
        last = t
    area += length * (horizon - last)
    return area / horizon
