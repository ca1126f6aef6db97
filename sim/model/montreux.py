"""The Black Sea under the Montreux Convention: each outside navy's ships as a squadron.

Three rules for warships of non-Black-Sea (non-littoral) states, each a parameter under
``parameters.montreux`` with its source:

* a ship stays at most ``max_stay_days`` (21) in the Black Sea, ``transit_days`` each way between
  the straits and station counting inside, then waits ``port_days`` outside before re-entering;
* the aggregate tonnage of outside warships inside is capped (``tonnage_cap``): a
  :class:`simpy.Container` holds the free tonnage and a ship enters only when its tonnage fits (it
  is left out where everything the scenario could send fits under the cap);
* the straits can be closed to warships (``straits_closed``, as under Article 19 since 2022).

**Staggered stays** (``montreux.stagger``, on by default): the coalition keeps a presence rather
than a pulse. Time runs on a common clock of ``P`` days (``max_stay_days + port_days``). The ``j``-th
outside navy to arrive takes the phase ``frac(j x 0.618...) x P`` (golden-ratio turns, so however
many navies come their phases spread evenly), and its ``n`` ships the turns ``phase + i x P / n``:
each ship waits for its turn to come round before its first entry. A navy's own ships thus overlap
evenly (about ``n x on_station / P`` of them on station at any time) and navies fill each other's
gaps. Without staggering every ship enters on arrival and a navy's ships cycle in step: all inside,
then all outside.

**Failures.** Where the scenario models sea maintenance, a ship on station fails after an
exponential time (mean ``mtbf_days``); it leaves station (``maintenance``), passes the straits out,
and waits for one of the squadron's crews (``crews_per_detachment`` per ``detachment_size`` ships),
which repairs it in an exponential time (mean ``mttr_days``). Repaired, it waits what is left of
its port call and re-enters.

The squadron moves its units between ``straits`` (outside the Black Sea, or repaired and waiting),
``in_place`` (on station) and ``maintenance`` through a ``mover(src, dst, n)`` callback, so it runs
on a bare :class:`simpy.Environment`. Like a detachment it can be stopped (a rotation gap, a
withdrawal: every ship counts as ``in_place`` again for its owner to move), started again (the
relief arrives at the straits) and relieved (ships under repair swapped for serviceable ones).

**Two ways to play the same ships.** Where a phase gate reads the Black Sea live, or the tonnage cap
binds (ships of all navies then wait on one :class:`simpy.Container`), every ship is a simpy process.
Elsewhere nothing reads the ships' states while they sail, so a squadron given ``mover_at(t, src,
dst, n)`` keeps its ships' next steps on a heap of its own, in the order simpy would take them (each
step carries its time and a sequence number in scheduling order, a crew handed over is a step of
its own at that instant), and plays them only when someone must know: when it is stopped or
relieved, and at the horizon (:meth:`Squadron.advance`). The same draws come out of the same
stream in the same order and the ledger gets the same moves at the same times, written later
(tested byte for byte against the processes).
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from typing import Callable, Optional

import simpy

from .maintenance import crews_for

Mover = Callable[[str, str, float], None]
MoverAt = Callable[[float, str, str, float], None]


class Squadron:
    """The ships of one outside navy's contingent, each cycling through the straits."""

    def __init__(
        self,
        env: simpy.Environment,
        rules,
        name: str,
        ships: int,
        tonnage: float,
        mover: Mover,
        *,
        tonnage_pool: Optional[simpy.Container] = None,
        log: Optional[list] = None,
        failures: Optional[tuple[float, float, int, int]] = None,
        streams: Optional[Callable[[int], object]] = None,
        phase: Optional[float] = None,
        mover_at: Optional[MoverAt] = None,
        watched: Callable[[], bool] = lambda: False,
    ):
        self.env = env
        self.rules = rules
        self.name = name
        self.ships = ships
        self.tonnage = tonnage
        self.mover = mover
        self.pool = tonnage_pool
        self.log = log if log is not None else []
        self.failures = failures
        self.streams = streams
        self.phase = phase
        self.generation = 0
        self.state: list[str] = []
        self.procs: list[simpy.Process] = []
        self.crews: Optional[simpy.Resource] = None
        self.mover_at = mover_at
        self.watched = watched
        self._heap: Optional[list] = None  # pending (time, seq, ticket, action, ship, failed) when played lazily
        self._seq = itertools.count()

    @property
    def on_station_days(self) -> float:
        """Days on station per stay: the longest stay less the passage in and out."""
        return max(0.0, self.rules.max_stay_days - 2.0 * self.rules.transit_days)

    @property
    def period(self) -> float:
        """Days of one cycle: a stay and a port call."""
        return self.rules.max_stay_days + self.rules.port_days

    def can_enter(self) -> bool:
        """Whether these ships may ever enter (straits open, one ship fits under the cap)."""
        return not self.rules.straits_closed and self.tonnage <= self.rules.tonnage_cap

    def offset(self, i: int) -> float:
        """Days ship ``i`` waits before its first entry (staggered, or all at once).

        Staggered, ship ``i`` takes the turn ``phase + i x P / n`` of the common ``P``-day clock (with
        no ``phase``, counted from now): it waits for the next time that turn comes round.
        """
        if not self.rules.stagger or not self.ships:
            return 0.0
        turn = i * self.period / self.ships
        if self.phase is None:
            return turn
        return (self.phase + turn - self.env.now) % self.period

    def start(self) -> None:
        """The ships (fresh, serviceable) reach the straits: every unit moves from in_place to straits."""
        self.generation += 1
        self.mover("in_place", "straits", float(self.ships))
        self.state = ["straits"] * self.ships
        self.stream = self.streams(self.generation) if self.streams and self.failures else None
        lazy = self.mover_at is not None and self.pool is None and not self.watched()
        self._heap = [] if lazy else None
        if self.failures:
            mtbf, mttr, per, size = self.failures
            crews = crews_for(self.ships, per, size)
            self.crews = None if lazy else simpy.Resource(self.env, capacity=crews)
            self._free, self._waiting = crews, deque()
        if lazy:
            rules = self.rules
            self._stay, self._transit, self._port = self.on_station_days, rules.transit_days, rules.port_days
            self._mtbf = self.failures[0] if self.stream is not None else None
            self.procs = []
            n = self.ships if self.can_enter() else 0
            self._ticket = [0] * self.ships
            self._entered: list[Optional[float]] = [None] * self.ships
            self._left = [0.0] * self.ships
            self._cycle: list[Optional[list]] = [None] * self.ships  # a full stay's steps not yet written
            now = self.env.now
            for i in range(n):
                wait = self.offset(i)
                self._at(now + wait if wait > 0 else now, self._enter, i)
            return
        self.procs = [self.env.process(self._ship(i, self.offset(i))) for i in range(self.ships)] if self.can_enter() else []

    def stop(self) -> None:
        """Stop every ship; each counts as in_place again (its owner moves it on)."""
        if self._heap is not None:
            now = self.env.now
            self.advance(now)
            for i, st in enumerate(self.state):
                if st != "in_place":
                    self.mover_at(now, st, "in_place", 1.0)
            for entered in self._entered:
                if entered is not None:
                    self.log.append((self.name, entered, now, self.tonnage))
            self.state, self._heap, self._entered, self._cycle = [], [], [], []
            return
        for p in self.procs:
            if p.is_alive:
                p.interrupt()
        for i, st in enumerate(self.state):
            if st != "in_place":
                self.mover(st, "in_place", 1.0)
        self.state, self.procs = [], []

    def advance(self, until: float) -> None:
        """Play the ships' steps pending before ``until`` (lazy mode; as processes they move as they go)."""
        heap = self._heap
        if heap is None:
            return
        if heap and heap[0][0] < until:
            pop, tickets = heapq.heappop, self._ticket
            while heap and heap[0][0] < until:
                t, _, ticket, action, i, failed = pop(heap)
                if ticket == tickets[i]:
                    action(t, i, failed)
        play = self._play_cycle
        for i, cycle in enumerate(self._cycle):
            if cycle is not None:
                play(i, cycle, until)

    def relieve(self) -> None:
        """A relief without a gap: ships under repair are swapped for serviceable ones at the straits."""
        if self._heap is not None:
            now = self.env.now
            self.advance(now)
            for i, st in enumerate(self.state):
                if st == "maintenance":
                    self._ticket[i] += 1  # its pending step, crew request or repair no longer counts
                    if self._entered[i] is not None:
                        self.log.append((self.name, self._entered[i], now, self.tonnage))
                        self._entered[i] = None
                    self.mover_at(now, "maintenance", "straits", 1.0)
                    self.state[i] = "straits"
                    self._at(now, self._enter, i)
            if self.failures:  # every ship holding or awaiting a crew was under repair: all crews are free
                self._free, self._waiting = self.crews_total, deque()
            return
        for i, st in enumerate(self.state):
            if st == "maintenance":
                self.procs[i].interrupt()
                self.mover("maintenance", "straits", 1.0)
                self.state[i] = "straits"
                self.procs[i] = self.env.process(self._ship(i, 0.0))

    @property
    def crews_total(self) -> int:
        """Crews of this squadron (``crews_per_detachment`` per ``detachment_size`` ships)."""
        _, _, per, size = self.failures
        return crews_for(self.ships, per, size)

    # --- lazy mode: each ship's next step on the squadron's heap ---------------------------------
    def _at(self, t: float, action, i: int, failed: bool = False) -> None:
        """Ship ``i`` takes ``action(t, i, failed)`` at ``t``, after every step already due then."""
        heapq.heappush(self._heap, (t, next(self._seq), self._ticket[i], action, i, failed))

    def _step(self, t: float, i: int, dst: str) -> None:
        self.mover_at(t, self.state[i], dst, 1.0)
        self.state[i] = dst

    def _enter(self, t: float, i: int, _failed: bool = False) -> None:
        """Ship ``i`` passes the straits in (its stay counts from now)."""
        self._entered[i] = t
        if self.rules.transit_days:
            self._at(t + self.rules.transit_days, self._on_station, i)
        else:
            self._on_station(t, i)

    def _on_station(self, t: float, i: int, _failed: bool = False) -> None:
        cycle = self._cycle[i]
        if cycle is not None:  # every step of the last stay comes before this arrival
            self._play_cycle(i, cycle, float("inf"))
        self.mover_at(t, self.state[i], "in_place", 1.0)
        self.state[i] = "in_place"
        stay = self._stay
        if self._mtbf is not None:
            fail_in = self.stream.exponential(self._mtbf)
            if fail_in < stay:
                self._at(t + fail_in, self._off_station, i, True)
                return
        # a full stay: off station, out, the port call and in again follow with no draw and no crew, so
        # they wait as one cycle of times (:meth:`_play_cycle`) and the heap holds the next arrival only
        transit, off = self._transit, t + stay
        out = off + transit if transit else off
        rest = out + self._port - out
        enter = out + rest if rest > 0 else out
        self._cycle[i] = [off, out, enter, 0]
        self._at(enter + transit if transit else enter, self._on_station, i)

    def _play_cycle(self, i: int, cycle: list, until: float) -> None:
        """Write the steps of ship ``i``'s full stay that come before ``until``: off station, out, in again.

        The steps at and after ``until`` wait (a stop or relief at ``until`` comes before them, as it
        would before a step pending on the heap then); the ship's next arrival is on the heap.
        """
        off, out, enter, done = cycle
        if done == 0 and off < until:
            self._step(off, i, "straits")
            done = 1
        if done == 1 and out < until:
            self.log.append((self.name, self._entered[i], out, self.tonnage))
            self._entered[i] = None
            done = 2
        if done == 2 and enter < until:
            self._entered[i] = enter
            self._cycle[i] = None
            return
        cycle[3] = done

    def _off_station(self, t: float, i: int, failed: bool) -> None:
        self._step(t, i, "maintenance" if failed else "straits")
        if self.rules.transit_days:
            self._at(t + self.rules.transit_days, self._out, i, failed)
        else:
            self._out(t, i, failed)

    def _out(self, t: float, i: int, failed: bool) -> None:
        """Ship ``i`` is out of the Black Sea: its stay is logged; a failed ship asks for a crew."""
        self._left[i] = t
        self.log.append((self.name, self._entered[i], t, self.tonnage))
        self._entered[i] = None
        if not failed:
            self._rest(t, i)
        elif self._free:
            self._free -= 1
            self._granted(t, i)
        else:
            self._waiting.append(i)

    def _granted(self, t: float, i: int, _failed: bool = False) -> None:
        self._at(t + self.stream.exponential(self.failures[1]), self._repaired, i)

    def _repaired(self, t: float, i: int, _failed: bool = False) -> None:
        if self._waiting:  # the crew passes to the first ship waiting, which takes it on at this instant
            self._at(t, self._granted, self._waiting.popleft())
        else:
            self._free += 1
        self._step(t, i, "straits")
        self._rest(t, i)

    def _rest(self, t: float, i: int) -> None:
        """What is left of the port call, then in again."""
        rest = self._left[i] + self.rules.port_days - t
        if rest > 0:
            self._at(t + rest, self._enter, i)
        else:
            self._enter(t, i)

    # --- process mode ----------------------------------------------------------------------------
    def _go(self, i: int, dst: str) -> None:
        self.mover(self.state[i], dst, 1.0)
        self.state[i] = dst

    def _ship(self, i: int, wait: float):
        env, rules = self.env, self.rules
        held = False
        entered = None
        try:
            if wait > 0:
                yield env.timeout(wait)
            while True:
                if self.pool is not None:
                    request = self.pool.get(self.tonnage)
                    try:
                        yield request
                    except simpy.Interrupt:
                        request.cancel()
                        raise
                    held = True
                entered = env.now
                if rules.transit_days:
                    yield env.timeout(rules.transit_days)
                self._go(i, "in_place")
                stay = self.on_station_days
                fail_in = self.stream.exponential(self.failures[0]) if self.stream is not None else float("inf")
                yield env.timeout(min(stay, fail_in))
                failed = fail_in < stay
                self._go(i, "maintenance" if failed else "straits")
                if rules.transit_days:
                    yield env.timeout(rules.transit_days)
                left = env.now
                self._leave(held, entered, left)
                held, entered = False, None
                if failed:
                    with self.crews.request() as req:
                        if not req.triggered:
                            yield req
                        yield env.timeout(self.stream.exponential(self.failures[1]))
                    self._go(i, "straits")
                rest = left + rules.port_days - env.now
                if rest > 0:
                    yield env.timeout(rest)
        except simpy.Interrupt:
            if entered is not None:
                self._leave(held, entered, env.now)
            return

    def _leave(self, held: bool, entered: float, left: float) -> None:
        if held:
            self.pool.put(self.tonnage)
        self.log.append((self.name, entered, left, self.tonnage))
