"""Failures and repairs: availability that emerges instead of a fixed factor.

A detachment is the aircraft (or ships) one country keeps in place for one
component. Each unit fails after an exponential time in service (mean
``mtbf_days``) and then waits for one of the detachment's
crews (``crews_per_detachment`` for every ``detachment_size`` units, rounded up:
:func:`crews_for`), which repairs it in an exponential time (mean ``mttr_days``). This is the
finite-source queue (the machine-repair model, N machines and c repairers):
its long-run availability has a closed form (see
:func:`machine_repair_availability`) that the tests check the simulation
against.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from math import factorial
from typing import Callable

import simpy


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
    """The units of one contingent in place, failing and waiting for crews.

    Each unit is in service (a failure pending), waiting for a crew (in a first-come queue) or
    under repair (a repair pending). The draws are those of one process per unit holding a
    :class:`simpy.Resource` of crews, taken in the same order from the same stream (tested byte
    for byte against it): a unit draws its time to failure when it enters service and its repair
    time when a crew takes it on; a crew that finishes hands over to the first unit waiting,
    after the unit it repaired has drawn its next failure.

    Where a phase gate still watches the component's live coverage, a pending failure or repair
    is a simpy timeout whose callback moves the unit on (two events per failure). Elsewhere no
    process reads these units' state while they serve, so the detachment keeps its pending
    failures and repairs on a heap of its own and plays them, in time order, only when someone
    must know: when it is stopped or relieved, and at the horizon (:meth:`advance`). The ledger
    gets the same moves at the same times, written later; the daily series add them up the same.

    It runs on a bare :class:`simpy.Environment`: ``move(t, src, dst, n)`` moves ``n`` units at time
    ``t`` between the owner's ``in_place`` and ``maintenance`` states, ``streams(generation)`` gives
    the random stream of each fresh detachment (each relief after a gap brings a new one) and
    ``watched()`` says whether a phase gate still reads the component live (default: no).
    """

    def __init__(self, env: simpy.Environment, units: int, move: Callable[[float, str, str, float], None], spec,
                 streams: Callable[[int], object], watched: Callable[[], bool] = lambda: False):
        self.env = env
        self.n = int(units)
        self.move = move
        self.streams = streams
        self.watched = watched
        self.mtbf, self.mttr, self.crews_per_detachment, self.detachment_size = spec
        self.crews = crews_for(self.n, self.crews_per_detachment, self.detachment_size)
        self.generation = 0
        self.down: list[bool] = []
        self._pending: list[int] = []  # per unit: the ticket its pending event must carry to count
        self._tickets = itertools.count()
        self._waiting: deque[int] = deque()
        self._free = 0
        self._heap: list | None = None  # pending (time, ticket, repaired, unit) when played lazily

    def start(self) -> None:
        """Put every unit in place into service (a fresh detachment)."""
        self.generation += 1
        self.stream = self.streams(self.generation)
        n = self.n
        self._free, self._waiting = self.crews, deque()
        self._heap = None if self.watched() else []
        self.down = [False] * n
        self._pending = [-1] * n
        now = self.env.now
        for i in range(n):
            self._serve(now, i)

    def advance(self, until: float) -> None:
        """Play the failures and repairs pending before ``until`` (lazy mode; nothing to do otherwise).

        One loop does what :meth:`_fails` and :meth:`_repaired` do for a timeout's callback, with
        the same draws in the same order (tested byte for byte against them): this is where a
        replication spends most of its failures and repairs, so nothing in it is looked up twice.
        """
        heap = self._heap
        if not heap or heap[0][0] >= until:
            return
        pop, push = heapq.heappop, heapq.heappush
        pending, down, waiting, move = self._pending, self.down, self._waiting, self.move
        draw, tickets, mtbf, mttr = self.stream.exponential, self._tickets, self.mtbf, self.mttr
        n, free = len(pending), self._free
        while heap and heap[0][0] < until:
            t, ticket, repaired, i = pop(heap)
            if i >= n or pending[i] != ticket:
                continue  # stopped or relieved since
            if repaired:
                down[i] = False
                move(t, "maintenance", "in_place", 1.0)
                pending[i] = ticket = next(tickets)  # back in service: its next failure is pending
                push(heap, (t + draw(mtbf), ticket, False, i))
                if waiting:  # the crew takes the first unit waiting on at once
                    j = waiting.popleft()
                    pending[j] = ticket = next(tickets)
                    push(heap, (t + draw(mttr), ticket, True, j))
                else:
                    free += 1
            else:
                down[i] = True
                move(t, "in_place", "maintenance", 1.0)
                if free:
                    free -= 1
                    pending[i] = ticket = next(tickets)
                    push(heap, (t + draw(mttr), ticket, True, i))
                else:
                    waiting.append(i)
        self._free = free

    def stop(self) -> None:
        """Stop every unit (a gap or a withdrawal); units under repair count as in place again."""
        now = self.env.now
        self.advance(now)
        down = sum(self.down)
        self.down, self._pending, self._waiting = [], [], deque()
        if self._heap:
            self._heap = []
        if down:
            self.move(now, "maintenance", "in_place", float(down))

    def relieve(self) -> None:
        """A relief without a gap: units under repair are swapped for serviceable ones.

        Units in service carry on: their failure times are exponential, so a unit that has
        served for a while fails no sooner than a fresh one would (no memory).
        """
        now = self.env.now
        self.advance(now)
        swapped = 0
        for i, down in enumerate(self.down):
            if down:
                self.down[i] = False
                swapped += 1
                self._serve(now, i)
        self._free, self._waiting = self.crews, deque()
        if swapped:
            self.move(now, "maintenance", "in_place", float(swapped))

    def _after(self, now: float, delay: float, action, i: int) -> None:
        """Run ``action(time, i, ticket)`` ``delay`` days after ``now``, unless unit ``i`` is moved on before.

        Played lazily, the heap holds ``(time, ticket, repaired, unit)``: :meth:`advance` knows the two actions.
        """
        self._pending[i] = ticket = next(self._tickets)
        if self._heap is not None:
            heapq.heappush(self._heap, (now + delay, ticket, action == self._repaired, i))
        else:
            env = self.env
            env.timeout(delay).callbacks.append(lambda _ev: action(env.now, i, ticket))

    def _serve(self, now: float, i: int) -> None:
        """Unit ``i`` enters service: its failure is pending."""
        self._after(now, self.stream.exponential(self.mtbf), self._fails, i)

    def _repair(self, now: float, i: int) -> None:
        """A crew takes unit ``i`` on: its repair is pending."""
        self._after(now, self.stream.exponential(self.mttr), self._repaired, i)

    def _fails(self, t: float, i: int, ticket: int) -> None:
        if i >= len(self._pending) or self._pending[i] != ticket:
            return  # stopped or relieved since
        self.down[i] = True
        self.move(t, "in_place", "maintenance", 1.0)
        if self._free:
            self._free -= 1
            self._repair(t, i)
        else:
            self._waiting.append(i)

    def _repaired(self, t: float, i: int, ticket: int) -> None:
        if i >= len(self._pending) or self._pending[i] != ticket:
            return
        self.down[i] = False
        self.move(t, "maintenance", "in_place", 1.0)
        self._serve(t, i)
        if self._waiting:
            self._repair(t, self._waiting.popleft())
        else:
            self._free += 1
