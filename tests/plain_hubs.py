"""Plain references: a contingent's way through the hubs as simpy generators.

The model runs it as steps of the contingent's life (:class:`sim.model.transit.Passage`); these are
the generators those steps stand for, kept to test them against byte for byte, and
:class:`Passing`, a group that only passes the hubs, for the mechanism tests of the hubs.
"""

from __future__ import annotations

from sim.model.callbacks import Chain, urgent
from sim.model.transit import Hub, Passage


def pass_through(hub: Hub, world, c, since: float):
    """Queue, wait out any closure, and pass; ``since`` is when the contingent reached the hubs."""
    env = hub.env
    joined = env.now
    hub.queue_log.append((joined, 1))
    left_queue = False
    try:
        with hub.server.request() as req:
            yield req
            while hub.closed:
                yield hub.reopened
            hub.queue_log.append((env.now, -1))
            left_queue = True
            hub.waits.append(env.now - joined)
            c.hub, c.hub_wait_days = hub.name, env.now - since
            yield env.timeout(c.amount / (hub.throughput * world.hub_factor_now()))
    finally:
        if not left_queue:
            hub.queue_log.append((env.now, -1))


def route(world, c, hubs: dict[str, Hub], via: str | list[str]):
    """Take the first open hub in order of preference; while none is open, wait for one to open."""
    names = [via] if isinstance(via, str) else list(via)
    since = world.env.now
    while True:
        hub = next((hubs[n] for n in names if not hubs[n].closed), None)
        if hub is not None:
            break
        yield world.env.any_of([hubs[n].reopened for n in names])
    yield from pass_through(hub, world, c, since)


class Passing(Chain):
    """A group that only passes the hubs, as a contingent's life does, started where a process would be."""

    def __init__(self, world, c, hubs: dict[str, Hub], via: str | list[str]):
        super().__init__(world.env)
        self.passage = Passage(world, c, hubs, via, self, self.end)
        urgent(world.env, lambda _event: self.passage.begin())

    def on_interrupt(self) -> None:
        self.passage.abort()
