"""Transit hubs: capacity-limited points that contingents carrying people must pass.

A hub serves one contingent at a time, first come first served (a
:class:`simpy.Resource` of capacity 1): a contingent of ``n`` people holds it
for ``n / (throughput_per_day x hub factor)`` days, where US logistics raise
the hub factor (``enablers.logistics.hub_throughput_factor``). Big pledges
therefore queue. A hub can be closed for a period (a ``hub_closure`` event),
and a hub named after a country of the scenario opens only once that country
approves the transit (its approval decision, like a contingent's) and closes
for good if it declines or withdraws. A contingent whose first choice is
closed when it reaches the hubs takes the next open hub in its ``via`` list,
or waits until one of them opens. The days a contingent waits (for a hub to
open, in its queue, and through closures) go to ``timeline.csv``; the queue
at each hub over time gives its mean queue, which with the waits in that
queue obeys Little's law.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import simpy

if TYPE_CHECKING:
    from .callbacks import Chain
    from .contingent import Contingent
    from .replication import World


class Hub:
    """One transit hub."""

    def __init__(self, env: simpy.Environment, name: str, throughput_per_day: float):
        self.env = env
        self.name = name
        self.throughput = throughput_per_day
        self.server = simpy.Resource(env, capacity=1)
        self.closures = 0  # closure events in force
        self.host_ok = True  # the host country allows transit (set False until it decides)
        self.reopened = env.event()
        self.queue_log: list[tuple[float, int]] = []  # (time, +1 joins / -1 leaves the queue)
        self.waits: list[float] = []

    @property
    def closed(self) -> bool:
        return self.closures > 0 or not self.host_ok

    def _changed(self) -> None:
        if not self.closed:
            reopened, self.reopened = self.reopened, self.env.event()
            reopened.succeed()

    def host_decides(self, allows: bool) -> None:
        """The host country allows transit (or refuses, or withdraws its permission)."""
        self.host_ok = allows
        self._changed()

    def closure(self, start: float, days: float):
        """A process: close the hub on ``start`` for ``days``."""
        yield self.env.timeout(start)
        self.closures += 1
        yield self.env.timeout(days)
        self.closures -= 1
        self._changed()


class Passage:
    """A contingent's way through the hubs as steps of its life (:class:`~sim.model.callbacks.Chain`).

    Steps of its life (tested byte for byte against the plain generators they stand for, kept in
    ``tests/plain_hubs.py``): take the first open hub in order of preference or wait for one to open,
    queue, wait out any closure, pass, and leave the hub to the next in line; then ``then()``. An
    interrupt (a withdrawal) does what leaving the generators' ``with`` and ``finally`` would: the
    place in the queue or at the hub is given up, and a group still queueing leaves the queue.
    """

    def __init__(self, world: "World", c: "Contingent", hubs: dict[str, Hub], via: str | list[str],
                 life: "Chain", then: Callable[[], None]):
        self.world = world
        self.c = c
        self.hubs = hubs
        self.names = [via] if isinstance(via, str) else list(via)
        self.life = life
        self.then = then
        self.since = world.env.now
        self.hub: Hub | None = None
        self.req = None
        self.joined = 0.0
        self.left_queue = False

    def begin(self) -> None:
        self._choose(None)

    def _choose(self, _event) -> None:
        hubs = self.hubs
        hub = next((hubs[n] for n in self.names if not hubs[n].closed), None)
        if hub is None:
            self.life.wait(self.world.env.any_of([hubs[n].reopened for n in self.names]), self._choose)
            return
        self.hub = hub
        self.joined = hub.env.now
        hub.queue_log.append((self.joined, 1))
        self.req = hub.server.request()
        self.life.wait(self.req, self._served)

    def _served(self, _event) -> None:
        hub, env = self.hub, self.hub.env
        if hub.closed:
            self.life.wait(hub.reopened, self._served)
            return
        hub.queue_log.append((env.now, -1))
        self.left_queue = True
        hub.waits.append(env.now - self.joined)
        c = self.c
        c.hub, c.hub_wait_days = hub.name, env.now - self.since
        self.life.wait(env.timeout(c.amount / (hub.throughput * self.world.hub_factor_now())), self._through)

    def _leave(self) -> None:
        req, self.req = self.req, None
        req.cancel()
        self.hub.server.release(req)

    def _through(self, _event) -> None:
        self._leave()
        self.then()

    def abort(self) -> None:
        """The contingent is interrupted on its way: it gives up its place, and leaves the queue if still in it."""
        if self.req is None:
            return
        self._leave()
        if not self.left_queue:
            self.hub.queue_log.append((self.hub.env.now, -1))


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
