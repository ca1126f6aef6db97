"""Failures and repairs: availability that emerges instead of a fixed factor.

A detachment is the aircraft (or ships) one country keeps in place for one
component. Each unit fails after an exponential time in service (mean
``mtbf_days``) and then waits for one of the detachment's
crews (``crews_per_detachment`` for every ``detachment_size`` units, rounded up:
:func:`crews_for`), a :class:`simpy.Resource`, which
repairs it in an exponential time (mean ``mttr_days``). This is the
finite-source queue (the machine-repair model, N machines and c repairers):
its long-run availability has a closed form (see
:func:`machine_repair_availability`) that the tests check the simulation
against.
"""

from __future__ import annotations

from math import factorial
from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from .contingent import Contingent
    from .replication import World


def crews_for(units: int, crews_per_detachment: int, detachment_size: int) -> int:
    """Crews a contingent of ``units`` brings: ``crews_per_detachment`` for every ``detachment_size`` units.

    A contingent counts as ``ceil(units / detachment_size)`` detachments (at least one), so crews grow
    with the force and splitting one force among more countries does not add crews.
    """
    return crews_per_detachment * max(1, -(-int(units) // int(detachment_size)))


def machine_repair_availability(n: int, crews: int, mtbf: float, mttr: float) -> float:
    """Expected share of ``n`` units up in the machine-repair model with ``crews`` repairers.

    With failure rate ``l = 1/mtbf`` per working unit and repair rate ``m = 1/mttr`` per busy
    crew, the number down ``k`` has stationary probabilities
    ``p_k ~ n! / (n-k)! / k! * r^k`` for ``k <= c`` and ``n! / (n-k)! / (c! c^(k-c)) * r^k``
    above, with ``r = l / m``.
    """
    r = mttr / mtbf
    weights = []
    for k in range(n + 1):
        ways = factorial(n) / factorial(n - k)
        denom = factorial(k) if k <= crews else factorial(crews) * crews ** (k - crews)
        weights.append(ways / denom * r**k)
    total = sum(weights)
    return sum((n - k) * w for k, w in enumerate(weights)) / total / n


class Detachment:
    """The units of one contingent in place, failing and waiting for crews."""

    def __init__(self, world: "World", contingent: "Contingent", spec):
        self.world = world
        self.c = contingent
        self.mtbf, self.mttr, self.crews_per_detachment, self.detachment_size = spec
        self.crews = self.crews_per_detachment
        self.generation = 0
        self.units: list[simpy.Process] = []
        self.down: list[bool] = []

    def start(self) -> None:
        """Start the failure processes of every unit in place (a fresh detachment)."""
        env = self.world.env
        self.generation += 1
        self.stream = self.world.streams.rng(self.c.country, "failures", self.c.target, str(self.generation))
        n = int(round(self.c.where.get("in_place", 0.0)))
        self.crews = crews_for(n, self.crews_per_detachment, self.detachment_size)
        self.crew_pool = simpy.Resource(env, capacity=self.crews)
        self.down = [False] * n
        self.units = [env.process(self._unit(i)) for i in range(n)]

    def stop(self) -> None:
        """Stop every unit (a gap or a withdrawal); units under repair count as in place again."""
        for p in self.units:
            if p.is_alive:
                p.interrupt()
        self.units, self.down = [], []
        self.c.move(self.world, "maintenance", "in_place")

    def relieve(self) -> None:
        """A relief without a gap: units under repair are swapped for serviceable ones.

        Units in service carry on: their failure times are exponential, so a unit that has
        served for a while fails no sooner than a fresh one would (no memory).
        """
        env = self.world.env
        for i, p in enumerate(self.units):
            if self.down[i]:
                p.interrupt()
                self.down[i] = False
                self.units[i] = env.process(self._unit(i))
        self.c.move(self.world, "maintenance", "in_place")

    def _unit(self, i: int):
        env, c, world, stream = self.world.env, self.c, self.world, self.stream
        try:
            while True:
                yield env.timeout(stream.exponential(self.mtbf))
                self.down[i] = True
                c.move(world, "in_place", "maintenance", 1.0)
                with self.crew_pool.request() as req:
                    if not req.triggered:  # a crew is free: the request is granted at once
                        yield req
                    yield env.timeout(stream.exponential(self.mttr))
                self.down[i] = False
                c.move(world, "maintenance", "in_place", 1.0)
        except simpy.Interrupt:
            return
