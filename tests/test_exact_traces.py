"""Mechanisms on a bare simpy environment fed scripted draws, against traces worked out by hand.

Each test hands a mechanism a stream that returns given numbers in order, so every failure, repair,
entry and exit falls on a day that can be written down; the expected trace in each test is worked
out in its comments, not read back from the code. Part of the focused subset the mutation run uses
(``[tool.mutmut]`` in pyproject.toml).
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from sim import effects
from sim.model.ledger import Ledger
from sim.model.maintenance import Detachment
from sim.model.montreux import Squadron
from sim.model.shocks import violation_times
from sim.model.transit import mean_queue
from sim.parameters import MontreuxParameters
from sim.streams import Streams

from .conftest import scenario


class Script:
    """A stream handing out the given draws in order; it records the mean each draw was asked for."""

    def __init__(self, *draws: float):
        self.draws = list(draws)
        self.means: list[float] = []

    def exponential(self, mean: float) -> float:
        self.means.append(mean)
        return self.draws.pop(0)


# --- a detachment, played lazily (heap) or on timeouts ---------------------------------------------

# Two units, one crew (crews_for(2, 1, 2) == 1), mtbf 10, mttr 4.
# Generation 1 (from day 0), draws in order: fail 3, fail 5 | repair 4 | fail 6, repair 2 | fail 10 | repair 1
#   day 3  unit 0 fails, the crew takes it (repair 4: done day 7)
#   day 5  unit 1 fails, waits for the crew
#   day 7  unit 0 repaired (next failure 6: day 13); the crew takes unit 1 (repair 2: day 9)
#   day 9  unit 1 repaired (next failure 10: day 19); the crew is free
#   day 13 unit 0 fails, the crew takes it (repair 1: day 14)
#   day 14 stop, before the repair due that very day: the one unit down counts as in place again
# Generation 2 (a relief after a gap, from day 20): fail 2, fail 8 | repair 5 | fail 4 | repair 3
#   day 22 unit 0 fails, the crew takes it (repair 5: day 27)
#   day 25 relief: unit 0 is swapped for a serviceable one (next failure 4: day 29); the crew is free
#   day 27 the swapped unit's repair is void
#   day 28 unit 1 fails, the crew takes it (repair 3: day 31)
#   day 29 unit 0 fails, waits for the crew
#   horizon 30
FIRST = [(3.0, "in_place", "maintenance", 1.0), (5.0, "in_place", "maintenance", 1.0),
         (7.0, "maintenance", "in_place", 1.0), (9.0, "maintenance", "in_place", 1.0),
         (13.0, "in_place", "maintenance", 1.0), (14.0, "maintenance", "in_place", 1.0)]
SECOND = [(22.0, "in_place", "maintenance", 1.0), (25.0, "maintenance", "in_place", 1.0),
          (28.0, "in_place", "maintenance", 1.0), (29.0, "in_place", "maintenance", 1.0)]


def scripted_detachment(watched: bool):
    env = simpy.Environment()
    moves: list[tuple[float, str, str, float]] = []
    scripts = {1: Script(3, 5, 4, 6, 2, 10, 1), 2: Script(2, 8, 5, 4, 3)}
    asked: list[int] = []

    def streams(generation):
        asked.append(generation)
        return scripts[generation]

    d = Detachment(env, 2, lambda t, src, dst, n: moves.append((t, src, dst, n)), (10.0, 4.0, 1, 2), streams,
                   watched=lambda: watched)
    return env, d, moves, scripts, asked


@pytest.mark.parametrize("watched", [False, True], ids=["heap", "timeouts"])
def test_a_detachment_follows_the_hand_worked_trace(watched):
    env, d, moves, scripts, asked = scripted_detachment(watched)
    d.start()
    assert d.crews == 1 and asked == [1]
    env.run(until=14)
    # lazily, nothing is written until someone must know; on timeouts, each move as it happens
    assert moves == ([] if not watched else FIRST[:5])
    d.stop()
    assert moves == FIRST and d.down == []
    assert scripts[1].draws == [] and scripts[1].means == [10, 10, 4, 10, 4, 10, 4]
    env.run(until=20)
    assert moves == FIRST  # a stopped detachment does not fail
    d.start()
    assert asked == [1, 2]
    env.run(until=25)
    d.relieve()
    assert moves == FIRST + SECOND[:2]
    env.run(until=30)
    d.advance(30)
    assert moves == FIRST + SECOND
    d.advance(30)
    assert moves == FIRST + SECOND  # nothing played twice
    assert d.down == [True, True] and list(d._waiting) == [0] and d._free == 0
    assert scripts[2].draws == [] and scripts[2].means == [10, 10, 4, 10, 4]


@pytest.mark.parametrize("watched", [False, True], ids=["heap", "timeouts"])
def test_two_failures_at_one_instant_come_in_the_order_they_were_drawn(watched):
    # Two units, one crew. Draws: unit 0 fails after 2, unit 1 after 6 | unit 0's repair 1 | its next
    # failure 3 | unit 1's repair 2 | unit 1's next failure 50 | unit 0's repair 1 | unit 0's next failure 100
    #   day 2  unit 0 fails, the crew takes it (done day 3)
    #   day 3  unit 0 repaired; its next failure falls on day 6, the very day unit 1's does
    #   day 6  unit 1 fails first (its failure was drawn first) and takes the crew (done day 8);
    #          unit 0 fails and waits
    #   day 8  unit 1 repaired (next failure day 58); the crew takes unit 0 (done day 9)
    #   day 9  unit 0 repaired (next failure day 109)
    env = simpy.Environment()
    moves: list[tuple[float, str, str, float]] = []
    script = Script(2, 6, 1, 3, 2, 50, 1, 100)
    d = Detachment(env, 2, lambda t, src, dst, n: moves.append((t, src, dst, n)), (10.0, 4.0, 1, 2),
                   lambda generation: script, watched=lambda: watched)
    d.start()
    env.run(until=7)
    d.advance(7)
    assert d.down == [True, True] and list(d._waiting) == [0] and d._free == 0
    env.run(until=10)
    d.advance(10)
    assert moves == [(2.0, "in_place", "maintenance", 1.0), (3.0, "maintenance", "in_place", 1.0),
                     (6.0, "in_place", "maintenance", 1.0), (6.0, "in_place", "maintenance", 1.0),
                     (8.0, "maintenance", "in_place", 1.0), (9.0, "maintenance", "in_place", 1.0)]
    assert d.down == [False, False] and script.draws == [] and script.means == [10, 10, 4, 10, 4, 10, 4, 10]


@pytest.mark.parametrize("watched", [False, True], ids=["heap", "timeouts"])
def test_a_detachment_stopped_before_any_failure_moves_nothing(watched):
    env, d, moves, scripts, asked = scripted_detachment(watched)
    d.start()
    env.run(until=2)
    d.stop()
    env.run(until=100)  # the failures that were due on days 3 and 5 no longer count
    d.advance(100)
    assert moves == [] and scripts[1].draws == [4, 6, 2, 10, 1]


@pytest.mark.parametrize("watched", [False, True], ids=["heap", "timeouts"])
def test_a_unit_swapped_by_a_relief_is_not_down_any_more(watched):
    env, d, moves, scripts, asked = scripted_detachment(watched)
    d.start()
    env.run(until=4)
    d.relieve()  # unit 0 (failed on day 3) swapped: its next failure is drawn (4: day 8)
    d.stop()
    assert moves == [(3.0, "in_place", "maintenance", 1.0), (4.0, "maintenance", "in_place", 1.0)]
    assert d.down == [] and scripts[1].draws == [2, 10, 1]


def test_a_relief_with_nothing_under_repair_moves_nothing_and_keeps_the_pending_failures():
    env, d, moves, scripts, asked = scripted_detachment(False)
    d.start()
    env.run(until=2)
    d.relieve()
    d.advance(6)
    assert moves == FIRST[:2]
    assert scripts[1].draws == [6, 2, 10, 1]  # two failures drawn at the start, one repair begun on day 3


# --- a squadron's ships: crews, a relief, the tonnage cap -----------------------------------------

RULES = dict(enabled=True, max_stay_days=21, tonnage_cap=30000, straits_closed=False, transit_days=2, port_days=4,
             stagger=False)


class Places:
    """A ledger stand-in: ships per place and every move with its day (as it happens, or written later)."""

    def __init__(self, env, ships):
        self.env = env
        self.n = {"in_place": float(ships), "straits": 0.0, "maintenance": 0.0}
        self.moves: list[tuple[float, str, str]] = []

    def __call__(self, src, dst, k):
        self.at(self.env.now, src, dst, k)

    def at(self, t, src, dst, k):
        self.n[src] -= k
        self.n[dst] += k
        self.moves.append((t, src, dst))


def scripted_squadron(ships, script, pool=None, lazy=False, crews=1, **rules):
    env = simpy.Environment()
    places = Places(env, ships)
    asked = []

    def streams(generation):
        asked.append(generation)
        return script

    sq = Squadron(env, MontreuxParameters(**{**RULES, **rules}), "N", ships, 3500.0, places,
                  tonnage_pool=pool(env) if pool else None,
                  failures=(20.0, 6.0, crews, 2) if script else None, streams=streams if script else None,
                  mover_at=places.at if lazy else None)
    sq.start()
    sq.asked = asked
    return env, sq, places


def play(env, sq, until):
    """Run to ``until`` and have the squadron write what it played lazily up to then."""
    env.run(until=until)
    sq.advance(until)


MODES = pytest.mark.parametrize("lazy", [False, True], ids=["processes", "heap"])


@MODES
def test_failed_ships_queue_for_the_one_crew(lazy):
    # Two ships in step, one crew. Both enter on day 0 and reach station on day 2 (transit 2).
    # Draws: ship 0 fails after 5, ship 1 after 6 | ship 0's repair 3.5 | ship 1's repair 3 | 100, 100
    #   day 7    ship 0 fails, sails out: past the straits on day 9, repaired on day 12.5; its port call
    #            runs to day 13 (9 + 4), when it re-enters
    #   day 8    ship 1 fails, past the straits on day 10, waits for the crew until 12.5, repaired on
    #            day 15.5, after its port call (10 + 4): re-enters at once
    #   ship 0:  entered 13, on station 15 to 32 (no failure within 17 days), out on day 34
    #   ship 1:  entered 15.5, on station 17.5 to 34.5, out on day 36.5
    script = Script(5, 6, 3.5, 3, 100, 100)
    env, sq, places = scripted_squadron(2, script, lazy=lazy)
    play(env, sq, 37)
    assert sq.log == [("N", 0, 9, 3500.0), ("N", 0, 10, 3500.0), ("N", 13, 34, 3500.0), ("N", 15.5, 36.5, 3500.0)]
    assert script.means == [20, 20, 6, 6, 20, 20]
    assert (12.5, "maintenance", "straits") in places.moves and (15.5, "maintenance", "straits") in places.moves
    assert sq.asked == [1]


@MODES
def test_two_crews_repair_two_ships_at_once(lazy):
    # As above with two crews: ship 1 is repaired from day 10 to 13, its port call ends on day 14
    script = Script(5, 6, 3.5, 3, 100, 100)
    env, sq, places = scripted_squadron(2, script, lazy=lazy, crews=2)
    play(env, sq, 37)
    assert sq.log == [("N", 0, 9, 3500.0), ("N", 0, 10, 3500.0), ("N", 13, 34, 3500.0), ("N", 14, 35, 3500.0)]
    assert (13, "maintenance", "straits") in places.moves


@MODES
def test_a_relief_sends_ships_under_repair_back_in_at_once(lazy):
    # Repairs of 10: on day 11 ship 0 is under repair (9 to 19), ship 1 waits for the crew. The relief
    # swaps both for serviceable ships at the straits, which enter on day 11 and are on station 13 to
    # 30. Ship 0's next failure falls due on day 30 itself, the end of its stay: it leaves serviceable.
    script = Script(5, 6, 10, 17, 100, 100, 100)
    env, sq, places = scripted_squadron(2, script, lazy=lazy)
    play(env, sq, 11)
    sq.relieve()
    assert sq.state == ["straits", "straits"] and places.n["maintenance"] == 0.0
    play(env, sq, 33)
    assert sq.log == [("N", 0, 9, 3500.0), ("N", 0, 10, 3500.0), ("N", 11, 32, 3500.0), ("N", 11, 32, 3500.0)]
    assert places.moves[-4:] == [(13, "straits", "in_place"), (13, "straits", "in_place"),
                                 (30, "in_place", "straits"), (30, "in_place", "straits")]
    play(env, sq, 40)  # both on station again since day 38 (port call to 36, transit 2)
    assert sq.state == ["in_place", "in_place"]
    moved = len(places.moves)
    sq.stop()
    env.run(until=41)
    assert len(places.moves) == moved  # ships on station are in place already: nothing to move
    assert places.n == {"in_place": 2.0, "straits": 0.0, "maintenance": 0.0}
    sq.start()
    assert sq.asked == [1, 2]  # a relief after a gap draws from a fresh stream


@MODES
@pytest.mark.parametrize("day,moves,log", [
    # on day 1 both ships are passing the straits in (entered on day 0): they count as in place again
    (1, [(1, "straits", "in_place"), (1, "straits", "in_place")], [("N", 0, 1, 3500.0), ("N", 0, 1, 3500.0)]),
    # on day 12 ship 0 is under repair and ship 1 waits for the crew, both past the straits out
    (12, [(12, "maintenance", "in_place"), (12, "maintenance", "in_place")], [("N", 0, 9, 3500.0), ("N", 0, 10, 3500.0)]),
])
def test_a_stop_brings_every_ship_back_to_in_place_wherever_it_is(lazy, day, moves, log):
    script = Script(5, 6, 3.5, 3, 100, 100)
    env, sq, places = scripted_squadron(2, script, lazy=lazy)
    play(env, sq, day)
    before = len(places.moves)
    sq.stop()
    env.run(until=day + 1)  # a process hears its interrupt at once
    assert places.moves[before:] == moves and sorted(sq.log) == log
    assert places.n == {"in_place": 2.0, "straits": 0.0, "maintenance": 0.0}
    play(env, sq, 60)
    assert places.moves[before:] == moves  # stopped ships do not move


@MODES
def test_staggered_ships_enter_on_their_turns(lazy):
    env, sq, places = scripted_squadron(2, None, lazy=lazy, stagger=True)
    play(env, sq, 60)
    assert sorted((e, x) for _, e, x, _ in sq.log) == [(0, 21), (12.5, 33.5), (25, 46), (37.5, 58.5)]


def test_a_squadron_played_late_plays_what_is_due_before_the_instant_and_nothing_at_it():
    # Twenty ships without failures, all entering on day 0 (no stagger): on station days 2 to 19, out
    # on day 21, in again on day 25, on station again on day 27. Played on the heap, the day-27 arrivals
    # carry sequence numbers above 27 (forty steps were scheduled before them): what is due is told by
    # the time alone. A step due at the very instant played to waits (a stop then comes first).
    env, sq, places = scripted_squadron(20, None, lazy=True)
    play(env, sq, 20)
    assert places.n == {"in_place": 0.0, "straits": 20.0, "maintenance": 0.0}  # off station on day 19
    play(env, sq, 27)
    assert places.n["in_place"] == 0.0 and len(sq.log) == 20  # out on day 21; the day-27 arrivals wait
    play(env, sq, 30)
    assert places.n["in_place"] == 20.0
    assert sorted({t for t, src, dst in places.moves if dst == "in_place"}) == [2.0, 27.0]
    # Two staggered ships, played in one go up to day 14.5: ship 0 enters on day 0 and is on station
    # on day 2; ship 1 enters on its turn, day 12.5, and reaches station on day 14.5 itself: it waits.
    env, sq, places = scripted_squadron(2, None, lazy=True, stagger=True)
    play(env, sq, 14.5)
    assert places.n["in_place"] == 1.0
    play(env, sq, 15)
    assert places.n["in_place"] == 2.0


def tonnage_pool(tonnes: float):
    """A full Black Sea tonnage container for a squadron to build on, kept in ``pool["c"]`` to read after."""
    pool = {}

    def make(env):
        pool["c"] = simpy.Container(env, capacity=tonnes, init=tonnes)
        return pool["c"]

    return pool, make


def test_the_tonnage_cap_lets_one_ship_in_at_a_time():
    # A cap of 5000 t and ships of 3500 t: one ship inside at a time. Ship 0 enters on day 0 and
    # leaves on day 21; ship 1, waiting for tonnage, enters then; ship 0 is back at the straits on
    # day 25 and waits for ship 1 to leave on day 42; and so on.
    pool, make = tonnage_pool(5000)
    env, sq, places = scripted_squadron(2, None, pool=make)
    env.run(until=30)
    assert sq.log == [("N", 0, 21, 3500.0)]
    assert pool["c"].level == 1500
    # stopped with ship 1 inside (since day 21) and ship 0 waiting for tonnage: the tonnage comes back
    # (when the interrupt reaches it, that same day) and the waiting request is withdrawn
    sq.stop()
    env.run(until=100)
    assert sq.log == [("N", 0, 21, 3500.0), ("N", 21, 30, 3500.0)]
    assert pool["c"].level == 5000 and places.n["in_place"] == 2.0


def test_the_tonnage_cap_alternates_the_stays():
    pool, make = tonnage_pool(5000)
    env, sq, places = scripted_squadron(2, None, pool=make)
    env.run(until=85)
    assert [(e, x) for _, e, x, _ in sq.log] == [(0, 21), (21, 42), (42, 63), (63, 84)]
    assert pool["c"].level == 1500  # one ship inside
    exact = Squadron(env, MontreuxParameters(**{**RULES, "tonnage_cap": 3500}), "M", 1, 3500.0, places)
    assert exact.can_enter()  # a ship of exactly the cap fits


# --- the deployment factor, violations, the ledger, the hub queue --------------------------------


def test_enablers_shorten_moves_by_their_deploy_factors_in_proportion_to_what_is_provided():
    p = scenario(parameters={"enablers": {"airlift": {"deploy_factor": 0.7}, "logistics": {"deploy_factor": 0.85}}}).parameters
    assert effects.deploy_factor({"airlift": 0.0, "logistics": 0.0}, p) == pytest.approx(1.0)
    assert effects.deploy_factor({"airlift": 1.0, "logistics": 0.0}, p) == pytest.approx(0.7)
    assert effects.deploy_factor({"airlift": 0.5, "logistics": 0.0}, p) == pytest.approx(0.85)
    assert effects.deploy_factor({"airlift": 0.5, "logistics": 0.5}, p) == pytest.approx(0.85 * 0.925)
    assert effects.deploy_factor({"airlift": 1.0, "logistics": 1.0}, p) == pytest.approx(0.7 * 0.85)


def test_violations_are_the_cumulated_draws_of_their_own_keyed_stream():
    class W:
        horizon = 400.0
        streams = Streams(5, 0)

    stream = Streams(5, 0).rng("violations", "v")
    expected, t = [], 0.0
    while True:
        t += stream.exponential(365.0 / 6.0)
        if t >= 400.0:
            break
        expected.append(t)
    assert len(expected) >= 3
    assert violation_times(W, "v", 6.0) == expected
    assert violation_times(W, "w", 6.0) != expected  # another event's content, another stream
    W.horizon = expected[2]  # an arrival on the horizon itself is not counted
    assert violation_times(W, "v", 6.0) == expected[:2]
    W.horizon = 1e6
    slow = violation_times(W, "v", 1.0)  # one a year: the same draws, six times as far apart
    assert slow[:len(expected)] == pytest.approx([6.0 * x for x in expected])


def test_a_ledger_mover_moves_one_targets_units_keeps_its_owners_count_and_tells_of_changes_in_place():
    ledger = Ledger(("sky", "sea"))
    heard, where = [], {"in_place": 3.0}
    ledger.listeners.append(lambda t, target: heard.append((t, target)))
    ledger.add(0.0, "sea", "in_place", 3.0)
    move = ledger.mover("sea", where)
    move(1.0, "in_place", "maintenance", 1.0)
    assert ledger.amount("sea", "in_place") == 2.0 and where["in_place"] == 2.0
    move(2.0, "in_place", "maintenance", 1.0)
    move(3.0, "maintenance", "straits", 1.0)
    move(4.0, "straits", "maintenance", 0.0)
    assert [ledger.amount("sea", s) for s in ("in_place", "maintenance", "straits")] == [1.0, 1.0, 1.0]
    assert where == {"in_place": 1.0, "maintenance": 1.0, "straits": 1.0}
    assert heard == [(0.0, "sea"), (1.0, "sea"), (2.0, "sea")]  # the move between maintenance and straits is not read live
    r = ledger.rows
    assert ledger.entries()[1:] == [(1.0, r["sea", "in_place"], r["sea", "maintenance"], 1.0),
                              (2.0, r["sea", "in_place"], r["sea", "maintenance"], 1.0),
                              (3.0, r["sea", "maintenance"], r["sea", "straits"], 1.0)]
    fresh: dict[str, float] = {}
    bare = ledger.mover("sky", fresh)
    bare(5.0, "not_approved", "in_place", 2.0)
    assert ledger.amount("sky", "in_place") == 2.0 and heard[-1] == (5.0, "sky")
    assert fresh == {"not_approved": -2.0, "in_place": 2.0}  # states it had no count for start at 0


def test_the_ledger_adds_and_tells_its_listeners_when_and_what_changed_in_place():
    ledger = Ledger(("sky", "tanker"))
    heard = []
    ledger.listeners.append(lambda t, target: heard.append((t, target)))
    ledger.add(1.0, "sky", "not_approved", 1.0)
    ledger.add(2.0, "sky", "not_approved", 1.0)
    ledger.move(3.0, "sky", "not_approved", "in_place", 1.0)
    ledger.move(4.0, "sky", "not_approved", "in_place", 1.0)
    ledger.add(5.0, "tanker", "in_place", 1.0)
    ledger.move(6.0, "sky", "in_place", "maintenance", 1.0)
    ledger.move(7.0, "sky", "maintenance", "rotation_gap", 1.0)
    assert ledger.amount("sky", "not_approved") == 0.0 and ledger.amount("sky", "in_place") == 1.0
    assert heard == [(3.0, "sky"), (4.0, "sky"), (5.0, "tanker"), (6.0, "sky")]  # only what is in place is read live
    empty = Ledger(("sky",)).log_arrays()
    assert [a.shape for a in empty] == [(0,), (0,), (0,)] and empty[1].dtype == "int64"


def test_a_queue_still_waiting_at_the_horizon_counts_to_the_horizon():
    assert mean_queue([(2.0, 1)], 10.0) == pytest.approx(0.8)
    assert mean_queue([(2.0, 1), (4.0, 1), (6.0, -1)], 10.0) == pytest.approx((2 * 1 + 2 * 2 + 4 * 1) / 10)


# --- hubs, gates, decisions: boundaries ------------------------------------------------------------


class _Via:
    """What a hub asks of the world: the hub factor now."""

    def __init__(self, env, factor):
        self.env, self.factor = env, factor

    def hub_factor_now(self):
        return self.factor


class _Group:
    def __init__(self, amount):
        self.amount, self.hub, self.hub_wait_days = amount, None, None


def test_a_hub_serves_one_group_at_a_time_at_its_raised_throughput():
    from sim.model.transit import Hub

    from .plain_hubs import Passing

    env = simpy.Environment()
    hub = Hub(env, "Hub", 10.0)
    world = _Via(env, 2.0)
    first, second, third = _Group(20.0), _Group(40.0), _Group(10.0)
    Passing(world, first, {"Hub": hub}, "Hub")  # a hub named alone, not in a list
    Passing(world, second, {"Hub": hub}, "Hub")
    waiting = Passing(world, third, {"Hub": hub}, "Hub")

    def give_up():
        yield env.timeout(0.5)
        waiting.interrupt()

    env.process(give_up())
    env.run(until=10)
    # 20 people at 10 x 2 a day: one day; then 40: two days. The third group leaves the queue on day 0.5
    assert hub.waits == [0.0, 1.0] and second.hub_wait_days == 1.0
    assert sorted(hub.queue_log) == [(0, -1), (0, 1), (0, 1), (0, 1), (0.5, -1), (1.0, -1)]


def test_a_gate_opens_on_a_fractional_day():
    from sim.model.phases import Gate

    env = simpy.Environment()
    gate = Gate(env, "land")
    env.process(gate.at(0.5))
    env.run(until=0.25)
    assert gate.opened_at is None and gate.component == "land"
    env.run(until=1)
    assert gate.opened_at == 0.5


def test_a_watch_counts_coverage_a_rounding_error_below_the_threshold_as_held():
    from sim.model.phases import Gate, Watch

    env = simpy.Environment()
    gate = Gate(env, "land")
    watch = Watch(gate, lambda: 0.5 - 1e-12, 0.5, 0)
    watch.update()
    assert gate.opened_at == 0.0


def test_a_decision_waits_a_fractional_delay_and_a_withdrawn_country_does_not_reconsider():
    from sim.model.decisions import Backstop, Decision

    env = simpy.Environment()
    backstop = Backstop(env, scenario().us_backstop.ladder, "none")
    d = Decision(env, backstop, 0.5, None, 0.5, 0.9)
    env.run(until=0.25)
    assert d.decided_at is None
    env.run(until=1)
    assert d.decided_at == 0.5 and d.approved is False and not d.withdrawn
    d.withdraw()
    assert d.withdrawn and d.reconsider(0.1) is None and d.approved is False


# --- milestones, gaps and their spread over replications --------------------------------------------


def test_milestones_and_gaps_on_any_number_of_axes_with_the_threshold_itself_counting_as_reached():
    from sim.metrics import first_day, gaps, spread

    one = np.array([0.2, 0.5, 0.4, 0.4, 0.6, 0.3, 0.5])
    assert first_day(one[None], 0.5).tolist() == [1.0]  # exactly at the threshold counts as reached
    total, longest = gaps(one[None], 0.5)
    assert (total.tolist(), longest.tolist()) == ([3.0], [2.0])  # days 2, 3 and 5 below after reaching it
    never = np.array([0.1, 0.2, 0.3])
    assert np.isnan(first_day(never[None], 0.5)).all() and [a.tolist() for a in gaps(never[None], 0.5)] == [[0.0], [0.0]]
    cube = np.stack([np.stack([one, np.r_[one[::-1]]]), np.stack([np.r_[never, never, [0.9]], one])])  # (2, 2, 7)
    days = first_day(cube, 0.5)
    assert days.shape == (2, 2) and days.tolist() == [[1.0, 0.0], [6.0, 1.0]]
    t, l = gaps(cube, 0.5)
    assert t.tolist() == [[3.0, 4.0], [0.0, 3.0]] and l.tolist() == [[2.0, 2.0], [0.0, 2.0]]
    assert t.dtype == float and l.dtype == float and days.dtype == float


def test_spread_reports_median_and_tails_and_counts_never_as_infinitely_late():
    from sim.metrics import spread

    values = np.arange(1.0, 21.0)  # 1 .. 20
    assert spread(values) == {"median": 10.0, "p05": 1.0, "p95": 19.0, "reached": 1.0}  # inverted CDF
    values[-2:] = np.nan
    # 18 reached and two never: the 19th of 20 is a never
    assert spread(values) == {"median": 10.0, "p05": 1.0, "p95": None, "reached": 0.9}
    assert spread(np.array([1.23456])) == {"median": 1.235, "p05": 1.235, "p95": 1.235, "reached": 1.0}
    assert spread(np.array([])) == {"median": None, "p05": None, "p95": None, "reached": 0.0}
