"""Decisions and the US level: exact days, on a bare simpy environment and in whole scenarios."""

from __future__ import annotations

import numpy as np
import pytest
import simpy

import sim
from sim.backstop import Ladder, Willingness
from sim.model.decisions import Backstop, Decision

from .conftest import LADDER, scenario

WILL = Willingness(approval_uplift=0.5, contingent_factor=1.25)


def bare(level="none"):
    env = simpy.Environment()
    return env, Backstop(env, Ladder(adds=LADDER, willingness=WILL), level)


# --- the mechanisms alone -------------------------------------------------------------------------


def test_a_decision_without_condition_comes_after_its_delay():
    env, backstop = bare()
    d = Decision(env, backstop, 0.7, None, delay=12.0, draw=0.69)
    env.run()
    assert (d.approved, d.decided_at, d.outcome.value) == (True, 12.0, 1.0)


def test_a_draw_above_the_probability_is_a_no():
    env, backstop = bare()
    d = Decision(env, backstop, 0.7, None, delay=3.0, draw=0.7)
    env.run()
    assert (d.approved, d.decided_at, d.outcome.value) == (False, 3.0, None)


def test_an_unmet_condition_waits_for_the_level_and_runs_the_delay_again():
    env, backstop = bare("logistics")
    d = Decision(env, backstop, 0.6, "air_support", delay=90.0, draw=0.5)
    env.process(backstop.change_on(120.0, "air_support"))
    env.run()
    assert (d.approved, d.decided_at) == (True, 210.0)  # 120 + the 90-day delay again


def test_a_level_that_rises_during_the_delay_needs_no_second_delay():
    env, backstop = bare("logistics")
    d = Decision(env, backstop, 0.6, "air_support", delay=90.0, draw=0.5)
    env.process(backstop.change_on(30.0, "air_support"))
    env.run()
    assert d.decided_at == 90.0


def test_a_level_that_falls_again_during_the_second_delay_makes_it_wait_again():
    env, backstop = bare("logistics")
    d = Decision(env, backstop, 0.6, "air_support", delay=50.0, draw=0.5)
    for day, level in ((60.0, "air_support"), (80.0, "logistics"), (200.0, "guarantee")):
        env.process(backstop.change_on(day, level))
    env.run()
    # 50: unmet, waits; 60: met, delay again to 110: unmet (fell at 80), waits; 200: met, to 250
    assert d.decided_at == 250.0 and d.approved is True
    assert backstop.changes == [(0.0, "logistics"), (60.0, "air_support"), (80.0, "logistics"), (200.0, "guarantee")]


def test_the_guarantee_raises_probability_and_numbers_at_the_decision():
    env, backstop = bare("guarantee")
    d = Decision(env, backstop, 0.6, None, delay=1.0, draw=0.75)  # 0.75 < 0.6 + 0.4 x 0.5 = 0.8
    env.run()
    assert d.approved is True and d.outcome.value == 1.25


def test_a_no_stands_until_a_reconsider_event():
    env, backstop = bare()
    d = Decision(env, backstop, 0.5, None, delay=5.0, draw=0.9)
    env.run(until=10)
    assert d.approved is False
    again = d.reconsider(0.2)
    env.run()
    assert again.value == 1.0 and d.approved is True and d.decided_at == 10.0
    assert d.reconsider(0.1) is None  # a yes is not reconsidered


def test_withdrawal_interrupts_a_pending_decision():
    env, backstop = bare()
    d = Decision(env, backstop, 1.0, None, delay=50.0, draw=0.0)

    def withdraw():
        yield env.timeout(20)
        d.withdraw()

    env.process(withdraw())
    env.run()
    assert d.approved is None and not d.outcome.triggered
    assert d.reconsider(0.0) is None


# --- in scenarios: the four faults the old tests missed -------------------------------------------


def country(name, troops=100, **extra):
    return {"name": name, "approval": {"probability": 1.0, "delay_days": 10}, "deploy_days": 5,
            "land": {"troops": troops}, **extra}


def test_requires_backstop_keeps_a_country_out_until_the_level_meets_it():
    scn = scenario(us_backstop={"level": "logistics"}, countries=[country("DE", requires_backstop="air_support")])
    assert np.all(sim.run(scn, reps=2).coverage == 0.0)


def test_a_late_us_upgrade_brings_a_conditional_country_in():
    scn = scenario(us_backstop={"level": "logistics"}, countries=[country("DE", requires_backstop="air_support")],
                   events=[{"type": "backstop", "day": 40, "level": "air_support"}])
    cov = sim.run(scn, reps=2).coverage[:, 0]
    days = np.arange(100)
    assert np.allclose(cov, 0.1 * (days >= 40 + 10 + 5))


def test_a_backstop_change_moves_coverage_on_its_day():
    # down from air_support to logistics on day 30: missing air defence costs land 15%, 0.5 -> 0.425
    scn = scenario(countries=[country("A", 500, approval={"probability": 1.0, "delay_days": 0}, deploy_days=0)],
                   events=[{"type": "backstop", "day": 30, "level": "logistics"}])
    cov = sim.run(scn, reps=1).coverage[0, 0]
    assert np.allclose(cov[:30], 0.5) and np.allclose(cov[30:], 0.425)


def test_a_withdrawal_before_the_decision_keeps_the_country_out():
    scn = scenario(countries=[country("A", approval={"probability": 1.0, "delay_days": 50})],
                   events=[{"type": "withdraw", "country": "A", "day": 20}])
    res = sim.run(scn, reps=2)
    assert np.all(res.coverage == 0.0)
    assert res.timeline["approved"] == [False, False]


def test_a_reconsider_event_turns_a_no_into_a_yes_with_a_fresh_draw():
    # p = 0.5: over many replications about half say no at day 10; a reconsider on day 30 gives each
    # of those a fresh draw, so about three quarters join in the end, the reconsidered ones at day 35
    scn = scenario(countries=[country("A", approval={"probability": 0.5, "delay_days": 10})],
                   events=[{"type": "reconsider", "country": "A", "day": 30}])
    final = sim.run(scn, reps=400, seed=4).coverage[:, 0]
    first, late = final[:, 15] > 0, (final[:, 35] > 0) & (final[:, 15] == 0)
    assert set(np.unique(final[:, -1])) <= {0.0, 0.1}
    assert first.mean() == pytest.approx(0.5, abs=0.08)
    assert late.mean() == pytest.approx(0.25, abs=0.07)
    assert np.all(final[late, 34] == 0)


# --- one coverage formula: a phase gate reads the reported series, surges included ---------------


def test_a_gate_opens_only_after_the_reported_coverage_held():
    scn = scenario(
        horizon_days=400,
        requirements={"land": {"troops": 1000}, "regeneration": {"trainees_per_month": 100}},
        phases={"regeneration": {"after": {"component": "land", "coverage": 0.9, "for_days": 30}}},
        events=[{"type": "violations", "rate_per_year": 12, "component": "land", "surge": 0.2, "days": 10}],
        countries=[country("A", 950, approval={"probability": 1.0, "delay_days": 0}, deploy_days=0),
                   {"name": "T", "regeneration": {"trainers": 100}}],
    )
    res = sim.run(scn, reps=12, seed=2)
    land, opened = res.coverage[:, 0], res.phase_open[:, 1]
    assert np.all(opened >= 30) and np.any(opened > 30)  # surges (0.95 / 1.2 = 0.79) restart the clock
    for cov, day in zip(land, opened):
        if np.isnan(day):
            held = np.lib.stride_tricks.sliding_window_view(cov >= 0.9, 31).all(axis=1)
            assert not held.any()
            continue
        o = int(day)
        assert day == o and np.all(cov[o - 30 : o] >= 0.9)  # held on each of the 30 days before it opened
        held = np.lib.stride_tricks.sliding_window_view(cov >= 0.9, 31).all(axis=1)  # days d-30..d
        assert o <= np.argmax(held) + 30
