"""Each mechanism alone, on a bare simpy environment or as a pure function, against exact values.

These are fast on purpose: they are the focused subset the mutation run uses
(``[tool.mutmut]`` in pyproject.toml).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from sim import effects
from sim.metrics import first_day, gaps
from sim.model.ledger import Ledger
from sim.model.maintenance import crews_for, machine_repair_availability
from sim.model.phases import Gate, Watch
from sim.model.rotation import relief_times, tour_in_place
from sim.model.shocks import requirement_series, surge_days
from sim.model.transit import Hub, mean_queue
from sim.pipeline import MONTH_DAYS, trained

from .conftest import scenario
from .plain_hubs import Passing


# --- rotation -------------------------------------------------------------------------------------


def test_relief_times_of_a_sufficient_pool_have_no_gap():
    assert list(relief_times(30, 3, 60, 5, 130)) == [(35, 35), (65, 65), (95, 95), (125, 125)]


def test_relief_times_of_a_small_pool_leave_the_closed_form_gap():
    # pool of 2, tour 30, dwell 60: each second relief comes 30 days late
    assert list(relief_times(30, 2, 60, 0, 200)) == [(30, 30), (60, 90), (120, 120), (150, 180)]


def test_relief_times_of_a_single_unit_wait_out_the_whole_dwell():
    assert list(relief_times(10, 1, 25, 0, 80)) == [(10, 35), (45, 70)]


def test_relief_times_stop_at_the_horizon():
    assert list(relief_times(30, 3, 60, 0, 30)) == []
    assert list(relief_times(30, 3, 60, 0, 30.5)) == [(30, 30)]


def test_tour_in_place_counts_the_passage_both_ways():
    assert tour_in_place(210, 15, 4.0) == (180, 870)
    assert tour_in_place(100, 0, 2.0, move=80) == (100, 200)
    assert tour_in_place(100, 0, 2.0, move=120) == (100, 240)  # two moves longer than the dwell
    assert tour_in_place(20, 15, 1.0) == (0.0, 50)


# --- maintenance ----------------------------------------------------------------------------------


@pytest.mark.parametrize("units,per,size,crews", [(1, 2, 4, 2), (4, 2, 4, 2), (5, 2, 4, 4), (22, 2, 4, 12), (0, 1, 2, 1)])
def test_crews_scale_with_the_detachment(units, per, size, crews):
    assert crews_for(units, per, size) == crews


def test_machine_repair_availability_exact_values():
    # one machine: mtbf / (mtbf + mttr); ample crews: independent machines
    assert machine_repair_availability(1, 1, 3.0, 1.0) == pytest.approx(0.75)
    assert machine_repair_availability(5, 5, 9.0, 1.0) == pytest.approx(0.9)
    # two machines, one crew, r = 1/2: p0 : p1 : p2 = 1 : 2r : 2r^2 = 1 : 1 : 0.5
    assert machine_repair_availability(2, 1, 2.0, 1.0) == pytest.approx((2 * 1 + 1 * 1) / 2.5 / 2)
    # 4 jets, 2 crews, the defaults (150, 30): about 83%, as docs/model.md says
    assert machine_repair_availability(4, 2, 150.0, 30.0) == pytest.approx(0.8276, abs=1e-4)
    assert machine_repair_availability(22, 2, 150.0, 30.0) < 0.5 < machine_repair_availability(22, 12, 150.0, 30.0)


class _Units:
    """A ledger stand-in for one contingent: units per state and the time-weighted mean in place."""

    def __init__(self, env, n):
        self.env, self.n = env, {"in_place": float(n), "maintenance": 0.0}
        self.area, self.last = 0.0, 0.0

    def __call__(self, src, dst, k):
        self.area += self.n["in_place"] * (self.env.now - self.last)
        self.last = self.env.now
        self.n[src] -= k
        self.n[dst] += k


def bare_detachment(n, per, size, mtbf, mttr, seed=1):
    from sim.model.maintenance import Detachment
    from sim.streams import Streams

    env = simpy.Environment()
    units = _Units(env, n)
    d = Detachment(env, n, lambda t, src, dst, k: units(src, dst, k), (mtbf, mttr, per, size),
                   lambda g: Streams(seed, 0).rng("X", str(g)), watched=lambda: True)
    d.start()
    return env, d, units


@pytest.mark.parametrize("n,per,size", [(4, 1, 4), (8, 2, 8), (8, 1, 4)])
def test_a_bare_detachment_is_available_as_the_machine_repair_formula_says(n, per, size):
    env, d, units = bare_detachment(n, per, size, 10.0, 4.0)
    env.run(until=40000)
    units("in_place", "in_place", 0)
    share = units.area / 40000 / n
    assert d.crews == crews_for(n, per, size)
    assert share == pytest.approx(machine_repair_availability(n, d.crews, 10.0, 4.0), abs=0.01)


def test_a_relief_swaps_units_under_repair_and_a_stop_returns_them():
    env, d, units = bare_detachment(6, 1, 6, 2.0, 50.0)
    env.run(until=20)
    down = units.n["maintenance"]
    assert down > 1  # one crew, long repairs: units pile up
    d.relieve()
    assert units.n == {"in_place": 6.0, "maintenance": 0.0}
    env.run(until=40)
    d.stop()
    assert units.n == {"in_place": 6.0, "maintenance": 0.0}
    env.run(until=200)
    assert units.n["maintenance"] == 0.0  # stopped units no longer fail


# --- phase gates ----------------------------------------------------------------------------------


def test_a_gate_opens_on_its_day_once():
    env = simpy.Environment()
    gate = Gate(env, "sea")
    env.process(gate.at(30))
    env.run()
    assert gate.opened_at == 30 and gate.opened.triggered
    gate.open()
    assert gate.opened_at == 30


def test_a_watch_restarts_its_clock_on_a_drop():
    env = simpy.Environment()
    gate = Gate(env, "land")
    level = {"v": 0.0}
    watch = Watch(gate, lambda: level["v"], 0.9, 30)

    def script():
        for day, v in ((10, 0.95), (25, 0.5), (30, 0.9), (59, 0.95)):
            yield env.timeout(day - env.now)
            level["v"] = v
            watch.update()

    env.process(script())
    env.run()
    assert gate.opened_at == 60  # held from 30 (the drop at 25 restarted the clock)


def test_a_watch_without_days_opens_at_once():
    env = simpy.Environment()
    gate = Gate(env, "land")
    watch = Watch(gate, lambda: 0.9, 0.9, 0)
    watch.update()
    assert gate.opened_at == 0


# --- shocks ---------------------------------------------------------------------------------------


def test_surges_raise_the_requirement_on_whole_days():
    assert surge_days(2.3, 10) == (3, 13)
    assert surge_days(4.0, 1.0) == (4, 5)
    base = np.full((2, 10), 100.0)
    req = requirement_series(base, ("sky", "land"), [("land", 2.3, 3, 0.5), ("land", 4.0, 2, 0.25), ("sky", 8.5, 5, 1.0)])
    assert req[1].tolist() == [100, 100, 100, 150, 175, 175, 100, 100, 100, 100]
    assert req[0].tolist() == [100] * 9 + [200]


# --- transit hubs ---------------------------------------------------------------------------------


class _World:
    """What a hub asks of its world: the throughput factor now."""

    def __init__(self, factor=1.0):
        self.factor = factor

    def hub_factor_now(self):
        return self.factor


class _Group:
    def __init__(self, amount):
        self.amount = amount
        self.hub = self.hub_wait_days = None


def test_hub_waits_match_the_pollaczek_khinchine_formula_for_a_fixed_service_time():
    # M/D/1: Poisson arrivals (rate 0.5 a day), each group of 100 people takes 100 / 100 = 1 day:
    # rho = 0.5, mean wait in queue rho x s / (2 (1 - rho)) = 0.5 days
    env = simpy.Environment()
    hub = Hub(env, "H", 100.0)
    world = _World()
    world.env = env
    rng = np.random.default_rng(11)
    gaps_ = rng.exponential(2.0, size=40000)

    def arrivals():
        for g in gaps_:
            yield env.timeout(g)
            Passing(world, _Group(100.0), {"H": hub}, "H")

    env.process(arrivals())
    env.run()
    waits = np.asarray(hub.waits)
    assert len(waits) == 40000
    assert waits.mean() == pytest.approx(0.5, rel=0.05)
    assert (waits == 0).mean() == pytest.approx(0.5, abs=0.02)  # an arrival finds the hub idle w.p. 1 - rho


def test_a_closed_hub_holds_its_queue_until_it_reopens():
    env = simpy.Environment()
    hub = Hub(env, "H", 10.0)
    env.process(hub.closure(0, 5))
    group = _Group(20.0)
    world = _World(2.0)
    world.env = env
    Passing(world, group, {"H": hub}, "H")
    env.run()
    assert hub.waits == [5.0] and group.hub == "H" and group.hub_wait_days == 5.0
    assert mean_queue(hub.queue_log, 10.0) == pytest.approx(0.5)  # one group queued 5 of 10 days


def test_a_host_that_refuses_keeps_its_hub_shut():
    env = simpy.Environment()
    hub = Hub(env, "H", 10.0)
    hub.host_decides(False)
    assert hub.closed
    hub.host_decides(True)
    assert not hub.closed


# --- the ledger --------------------------------------------------------------------------------


def test_the_ledger_moves_and_keeps_every_unit():
    ledger = Ledger(("land",))
    ledger.add(0.0, "land", "not_approved", 100.0)
    ledger.move(5.0, "land", "not_approved", "in_place", 60.0)
    assert ledger.amount("land", "in_place") == 60.0 and ledger.amount("land", "not_approved") == 40.0
    assert sum(ledger.deltas) == 100.0


# --- coverage formulas ----------------------------------------------------------------------------


def test_unit_values_and_factors():
    p = scenario().parameters
    assert effects.unit_value("sky", p) == pytest.approx(1.2 * 2.3 / 48)
    assert effects.unit_value("regeneration", p) == pytest.approx(1.2)
    assert effects.unit_value("land", p) == 1.0
    assert effects.availability("sea", p) == 0.85 and effects.availability("sea", p, True) == 1.0
    assert effects.availability("regeneration", p) == 1.0
    none = {e: 0.0 for e in p.enablers}
    assert effects.component_factor("land", none, p) == pytest.approx(0.85 * 0.85)
    half = {**none, "isr": 0.5}
    assert effects.component_factor("sea", half, p) == pytest.approx(1 - 0.25 * 0.5)
    assert effects.deploy_factor({"airlift": 1.0, "logistics": 0.0}, p) == pytest.approx(1.0)  # tests set both to 1
    assert effects.hub_factor({"logistics": 1.0}, p) == pytest.approx(1.5)
    assert effects.hub_factor({"logistics": 0.5}, p) == pytest.approx(1.25)
    assert effects.provided_share("tanker", False, 2, p).item() == pytest.approx(0.5)
    assert effects.provided_share("tanker", True, 0, p).item() == 1.0
    assert effects.provided_share("tanker", False, 9, p).item() == 1.0


def test_milestones_and_gaps():
    series = np.array([[0.0, 0.6, 0.95, 0.4, 0.3, 0.7, 0.92]])
    assert first_day(series, 0.5).tolist() == [1.0]
    assert first_day(series, 0.9).tolist() == [2.0]
    assert np.isnan(first_day(series, 0.99)[0])
    total, longest = gaps(series, 0.5)
    assert total.tolist() == [2.0] and longest.tolist() == [2.0]


# --- the training pipeline ------------------------------------------------------------------------


def test_a_short_staffed_pipeline_graduates_its_capacity():
    # capacity 50 a month against an intake of 100: after the first course, 50 a month graduate
    H = 400
    grads = trained(np.full((1, H), 50.0), 100.0, 49)[0]
    per_month = (grads[399] - grads[99]) / 300 * MONTH_DAYS
    assert grads[48] == 0.0 and grads[49] > 0
    assert per_month == pytest.approx(50.0, rel=0.03)


def test_a_full_pipeline_graduates_its_intake():
    H = 400
    grads = trained(np.full((1, H), 100.0), 100.0, 49)[0]
    assert (grads[399] - grads[99]) / 300 * MONTH_DAYS == pytest.approx(100.0, rel=0.03)
    assert not math.isnan(grads[-1])


# --- more of each mechanism alone ---------------------------------------------------------------


def test_mean_queue_is_the_time_average_to_the_horizon():
    log = [(0.0, 1), (2.0, 1), (5.0, -1), (8.0, -1)]
    assert mean_queue(log, 10.0) == pytest.approx((1 * 2 + 2 * 3 + 1 * 3) / 10)
    assert mean_queue([(4.0, 1), (12.0, -1)], 10.0) == pytest.approx(0.6)  # still queued at the horizon
    assert mean_queue([], 10.0) == 0.0


def test_overlapping_closures_keep_a_hub_shut_until_both_end():
    env = simpy.Environment()
    hub = Hub(env, "H", 10.0)
    env.process(hub.closure(1, 10))
    env.process(hub.closure(5, 2))
    states = []

    def watch():
        for t in (0.5, 2, 6, 8, 10.5, 12):
            yield env.timeout(t - env.now)
            states.append((t, hub.closed))

    env.process(watch())
    env.run()
    assert states == [(0.5, False), (2, True), (6, True), (8, True), (10.5, True), (12, False)]
    assert hub.closures == 0


def test_route_takes_the_first_open_hub_or_waits_for_one():
    env = simpy.Environment()
    a, b = Hub(env, "A", 10.0), Hub(env, "B", 10.0)
    a.host_decides(False)
    world = _World()
    world.env = env
    first = _Group(10.0)
    Passing(world, first, {"A": a, "B": b}, ["A", "B"])
    env.run()
    assert first.hub == "B" and first.hub_wait_days == 0.0
    b.host_decides(False)
    later = _Group(10.0)
    Passing(world, later, {"A": a, "B": b}, "A")

    def reopen():
        yield env.timeout(7)
        a.host_decides(True)

    env.process(reopen())
    start = env.now
    env.run()
    assert later.hub == "A" and later.hub_wait_days == pytest.approx(7.0) and env.now == pytest.approx(start + 8.0)


def test_a_gate_on_day_zero_opens_at_once():
    env = simpy.Environment()
    gate = Gate(env, "sky")
    env.process(gate.at(0))
    env.run(until=0.001)
    assert gate.opened_at == 0


def test_the_backstop_switches_enablers_and_tells_its_listeners():
    from sim.backstop import Ladder, Willingness
    from sim.model.decisions import Backstop

    from .conftest import LADDER

    env = simpy.Environment()
    b = Backstop(env, Ladder(adds=LADDER, willingness=Willingness(approval_uplift=0.5, contingent_factor=1.25)), "none")
    heard = []
    b.listeners.append(lambda: heard.append(b.level))
    old = b.changed
    assert b.enablers == frozenset()
    b.set("logistics")
    assert b.enablers == frozenset({"isr", "arms", "airlift", "logistics"})
    assert heard == ["logistics"] and old.triggered and old.value == "logistics" and not b.changed.triggered
    assert b.meets("intelligence") and not b.meets("air_support") and b.meets(None)
    assert b.willingness(0.6) == (0.6, 1.0)
    b.set("guarantee")
    assert b.willingness(0.6) == (pytest.approx(0.8), 1.25)


def test_a_withdrawal_day_has_the_rate_of_its_yearly_probability():
    from sim.model.shocks import withdrawal_day
    from sim.streams import Streams

    class W:
        streams = Streams(3, 1)

    assert withdrawal_day(W, "A", 0.0, "k") == math.inf
    day = withdrawal_day(W, "A", 0.5, "k")
    expected = Streams(3, 1).rng("A", "withdraw", "k").exponential(365.0 / math.log(2.0))
    assert day == pytest.approx(expected)
    days = [withdrawal_day(W, "A", 0.5, str(i)) for i in range(4000)]
    assert np.mean(np.array(days) < 365) == pytest.approx(0.5, abs=0.03)


def test_violations_arrive_as_a_poisson_process_up_to_the_horizon():
    from sim.model.shocks import violation_times
    from sim.streams import Streams

    class W:
        horizon = 3650.0
        streams = Streams(5, 0)

    times = violation_times(W, "v", 12.0)
    assert times == sorted(times) and times[-1] < 3650
    assert len(times) == pytest.approx(120, abs=35)
    assert violation_times(W, "v", 0.0) == []
