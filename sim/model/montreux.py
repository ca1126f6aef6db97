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
"""

from __future__ import annotations

from typing import Callable, Optional

import simpy

from .maintenance import crews_for

Mover = Callable[[str, str, float], None]


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
        if self.failures:
            mtbf, mttr, per, size = self.failures
            self.crews = simpy.Resource(self.env, capacity=crews_for(self.ships, per, size))
        self.procs = [self.env.process(self._ship(i, self.offset(i))) for i in range(self.ships)] if self.can_enter() else []

    def stop(self) -> None:
        """Stop every ship; each counts as in_place again (its owner moves it on)."""
        for p in self.procs:
            if p.is_alive:
                p.interrupt()
        for i, st in enumerate(self.state):
            if st != "in_place":
                self.mover(st, "in_place", 1.0)
        self.state, self.procs = [], []

    def advance(self, until: float) -> None:
        """Nothing to catch up: a squadron's ships move as they go (the detachment interface)."""

    def relieve(self) -> None:
        """A relief without a gap: ships under repair are swapped for serviceable ones at the straits."""
        for i, st in enumerate(self.state):
            if st == "maintenance":
                self.procs[i].interrupt()
                self.mover("maintenance", "straits", 1.0)
                self.state[i] = "straits"
                self.procs[i] = self.env.process(self._ship(i, 0.0))

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
