"""The Black Sea: staggered stays, ships that fail and rotate home, a distant station."""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

import sim
from sim.model.montreux import Squadron
from sim.parameters import MontreuxParameters
from sim.streams import Streams

from .conftest import scenario

RULES = dict(enabled=True, max_stay_days=21, tonnage_cap=30000, straits_closed=False, transit_days=2, port_days=4)


class Counter:
    """A ledger stand-in: units per state, and the on-station count over time."""

    def __init__(self, env, ships):
        self.env = env
        self.n = {"in_place": float(ships), "straits": 0.0, "maintenance": 0.0}
        self.steps: list[tuple[float, float]] = []

    def __call__(self, src, dst, k):
        self.n[src] -= k
        self.n[dst] += k
        self.steps.append((self.env.now, self.n["in_place"]))

    def on_station(self, t0, t1, dt=0.25):
        """On-station count sampled on a fine grid of [t0, t1)."""
        times = np.array([t for t, _ in self.steps])
        counts = np.array([c for _, c in self.steps])
        grid = np.arange(t0, t1, dt)
        idx = np.searchsorted(times, grid, side="right") - 1
        return np.where(idx >= 0, counts[np.maximum(idx, 0)], 0.0)


def squadron(ships=6, stagger=True, failures=None, seed=1, **rules):
    env = simpy.Environment()
    counter = Counter(env, ships)
    r = MontreuxParameters(**{**RULES, "stagger": stagger, **rules})
    sq = Squadron(env, r, "N", ships, 3500.0, counter, failures=failures,
                  streams=lambda g: Streams(seed, 0).rng("N", "failures", str(g)))
    sq.start()
    return env, sq, counter


# --- the squadron on a bare environment -----------------------------------------------------------


def test_ships_in_step_are_all_on_station_or_none():
    env, sq, counter = squadron(stagger=False)
    env.run(until=25 * 20)
    on = counter.on_station(0, 500)
    assert set(np.unique(on)) == {0.0, 6.0}
    assert (on == 6).mean() == pytest.approx(17 / 25, abs=0.002)


def test_staggered_ships_keep_four_or_five_of_six_on_station():
    env, sq, counter = squadron(stagger=True)
    env.run(until=25 * 20)
    on = counter.on_station(25, 500)  # after every ship has made its first entry
    assert set(np.unique(on)) == {4.0, 5.0}
    assert on.mean() == pytest.approx(6 * 17 / 25, abs=0.01)


def test_a_failure_ends_the_stay_and_the_cycle_follows_the_renewal_reward_formula():
    # one ship, stays of 17 days on station cut by failures (mean 20 days); repairs take ~no time,
    # so each cycle is min(17, X) on station + 2 x 2 transit + 4 in port
    env, sq, counter = squadron(ships=1, failures=(20.0, 1e-6, 1, 1), seed=3)
    env.run(until=40000)
    on = counter.on_station(0, 40000, dt=1.0)
    on_station = 20.0 * (1 - math.exp(-17 / 20))
    expected = on_station / (on_station + 4 + 4)
    assert on.mean() == pytest.approx(expected, abs=0.01)
    stays = [x - e for _, e, x, _ in sq.log]
    assert min(stays) < 21 - 1e-6 and max(stays) <= 21 + 1e-9  # some stays were cut short


def test_stopping_a_squadron_returns_every_ship_to_in_place():
    env, sq, counter = squadron(failures=(5.0, 10.0, 1, 2))
    env.run(until=60)
    sq.stop()
    assert counter.n == {"in_place": 6.0, "straits": 0.0, "maintenance": 0.0}
    env.run(until=100)
    assert counter.n["in_place"] == 6.0  # nothing moves after a stop


def test_a_relief_swaps_ships_under_repair_for_serviceable_ones():
    env, sq, counter = squadron(ships=4, failures=(3.0, 500.0, 1, 4))
    env.run(until=80)
    down = counter.n["maintenance"]
    assert down >= 2  # one repair team, long repairs: failed ships pile up
    sq.relieve()
    assert counter.n["maintenance"] == 0.0 and sq.state.count("maintenance") == 0
    env.run(until=81)
    assert counter.n["in_place"] + counter.n["straits"] == 4.0


def test_the_first_entries_follow_the_stagger_and_the_phase():
    env = simpy.Environment()
    r = MontreuxParameters(**{**RULES, "stagger": True})
    sq = Squadron(env, r, "N", 5, 3500.0, lambda *a: None, phase=3.0)
    env.run(until=7)  # 7 days into the 25-day clock
    assert [sq.offset(i) for i in range(5)] == pytest.approx([21.0, 1.0, 6.0, 11.0, 16.0])
    assert sq.on_station_days == 17 and sq.period == 25 and sq.can_enter()
    unstaggered = Squadron(env, MontreuxParameters(**{**RULES, "stagger": False}), "N", 5, 3500.0, lambda *a: None)
    assert [unstaggered.offset(i) for i in range(5)] == [0.0] * 5
    heavy = Squadron(env, MontreuxParameters(**{**RULES, "stagger": True, "tonnage_cap": 3000}), "N", 1, 3500.0, lambda *a: None)
    assert not heavy.can_enter()


def test_closed_straits_keep_every_ship_out():
    env, sq, counter = squadron(straits_closed=True)
    env.run(until=100)
    assert counter.n["straits"] == 6.0 and not sq.log


# --- in scenarios ---------------------------------------------------------------------------------


def navy(ships, **extra):
    return {"name": "N", "sea": {"ships": ships}, **extra}


def sea(horizon=25 * 40, **params):
    return dict(horizon_days=horizon, requirements={"sea": {"ships": 4}},
                parameters={"sea": {"availability": 1.0}, **params})


def test_one_navy_of_six_against_four_in_step_and_staggered():
    stag = sim.run(scenario(**sea(), countries=[navy(6)]), reps=1).coverage[0, 0]
    step = sim.run(scenario(**sea(montreux={"stagger": False}), countries=[navy(6)]), reps=1).coverage[0, 0]
    assert np.all(stag[23:] == 1.0)  # from the last ship's first arrival on station
    days = np.arange(len(step))
    assert np.array_equal(step, np.where((days - 2) % 25 < 17, 1.0, 0.0))  # 17 of every 25 days
    assert step[:1000].mean() == pytest.approx(0.68)


def test_outside_ships_fail_too_so_modelling_maintenance_does_not_raise_coverage():
    base = sea(horizon=2000)
    fixed = sim.run(scenario(**base, countries=[navy(4)]), reps=1).coverage.mean()
    failing = sim.run(scenario(**base, maintenance={"sea": {"mtbf_days": 20, "mttr_days": 10}}, countries=[navy(4)]),
                      reps=4).coverage.mean()
    assert failing < fixed - 0.1  # availability 1 against ships that break down on station


def test_outside_ships_rotate_home_and_sail_both_ways():
    # tours of 100 days with 10 days' sailing each way: 80 days in theatre; dwell 2 x 100 + 20 = 220,
    # a pool of 2 leaves a gap of 220 - 80 = 140 days after every second tour
    scn = scenario(**sea(horizon=1000, montreux={"enabled": False}, **{"sea": {"availability": 1.0, "home_transit_days": 10}}),
                   countries=[navy(4, rotation={"tour_days": 100, "ratio": 2})])
    cov = sim.run(scn, reps=1).coverage[0, 0]
    days = np.arange(1000)
    in_place = (days % 300) < 160
    assert np.array_equal(cov > 0, in_place)
    assert cov[in_place].min() == 1.0


def test_the_distant_station_reproduces_brookings():
    # a ship on a 7-month tour, 15 days' sailing each way, a 36-month cycle (dwell ratio 4.14): on
    # station 180 of 1,079.4 days (16.7%, within 15-20%), so 6 ships hold one continuous presence
    # and 5 hold it 83% of the time
    scn = sim.load_scenario("scenarios/distant-station.yaml")
    cov = sim.run(scn, reps=1).coverage[0, 0]
    first = int(np.argmax(cov > 0))
    assert np.all(cov[first:] == 1.0)
    from sim import sustain

    navy_ = scn.countries[0]
    assert sustain.rotation_share(scn, navy_, "sea") == pytest.approx(1.0)
    five = scn.model_copy(update={"countries": [navy_.model_copy(update={"rotation": navy_.rotation.model_copy(update={"ratio": 5})})]})
    cycle = 210 * 5.14
    assert sustain.rotation_share(five, five.countries[0], "sea") == pytest.approx(5 * 180 / cycle)
    cov5 = sim.run(five, reps=1).coverage[0, 0]
    assert cov5[first:first + 3 * 1079].mean() == pytest.approx(5 * 180 / cycle, abs=0.005)
