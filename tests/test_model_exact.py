"""The simulator against outcomes that can be written down exactly."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.coverage import evaluate
from sim.model.replication import simulate

from .conftest import scenario


def land_country(name, troops, delay=0, deploy=0, p=1.0, **extra):
    return {"name": name, "approval": {"probability": p, "delay_days": delay}, "deploy_days": deploy,
            "land": {"troops": troops}, **extra}


def test_fixed_delays_give_the_step_function():
    scn = scenario(countries=[land_country("A", 400, delay=10, deploy=5), land_country("B", 300, delay=20.5, deploy=4)])
    cov = sim.run(scn, reps=3).coverage[:, 0, :]
    days = np.arange(100)
    expected = 0.4 * (days >= 15) + 0.3 * (days >= 25)  # 20.5 + 4 = 24.5 counts from day 25
    assert np.allclose(cov, expected)


def test_coverage_is_capped_at_one():
    scn = scenario(countries=[land_country("A", 5000)])
    assert sim.run(scn, reps=1).coverage.max() == 1.0


def test_bernoulli_approval_mean_converges_to_sum_of_p_times_contribution():
    ps, troops = [0.2, 0.5, 0.9], [300, 200, 400]
    scn = scenario(countries=[land_country(f"C{i}", t, delay=1, p=p) for i, (p, t) in enumerate(zip(ps, troops))])
    res = sim.run(scn, reps=2000, seed=7)
    final = res.coverage[:, 0, -1]
    expected = sum(p * t for p, t in zip(ps, troops)) / 1000
    se = final.std(ddof=1) / np.sqrt(len(final))
    assert abs(final.mean() - expected) < 4 * se
    assert se < 0.01


def test_rotation_with_a_sufficient_pool_leaves_no_gap():
    # min_dwell_ratio 2 (seeds): a pool of 3 relieves each 30-day tour without a gap
    scn = scenario(horizon_days=400, countries=[land_country("A", 500, deploy=5, rotation={"tour_days": 30, "ratio": 3})])
    cov = sim.run(scn, reps=2).coverage[:, 0, :]
    assert np.all(cov[:, 5:] == 0.5)


def test_rotation_with_a_small_pool_leaves_the_gaps_of_the_closed_form():
    # pool of 2, tour 30, dwell 2 x 30 = 60: each relief comes dwell - (ratio-1) x tour = 30 days late
    scn = scenario(horizon_days=200, countries=[land_country("A", 500, deploy=0, rotation={"tour_days": 30, "ratio": 2})])
    cov = sim.run(scn, reps=1).coverage[0, 0, :]
    days = np.arange(200)
    # unit 0 serves 0-30, the fresh unit 1 30-60; unit 0 is back only at 30 + 60 = 90 (gap 60-90),
    # serves 90-120, unit 1 (back at 120) 120-150; unit 0 back at 180 (gap 150-180): 60 of every 90 days
    in_place = (days < 60) | ((days >= 90) & (days < 150)) | (days >= 180)
    # the state on day d is the state after every event at t <= d: day 60 is already a gap
    assert np.array_equal(cov > 0, in_place)


def test_phase_after_opens_when_the_other_component_has_held_long_enough():
    scn = scenario(
        requirements={"land": {"troops": 1000}, "regeneration": {"trainees_per_month": 120}},
        parameters={"regeneration": {"trainees_per_trainer_month": 1.2}},
        phases={"land": {"after": {"component": "regeneration", "coverage": 0.5, "for_days": 20}}},
        countries=[
            {"name": "T", "deploy_days": 10, "regeneration": {"trainers": 60}},  # 72 / 120 = 0.6 from day 10
            land_country("A", 1000, deploy=3),
        ],
    )
    res = sim.run(scn, reps=1)
    assert res.phase_open[0, 0] == pytest.approx(30.0)  # land is component 0 (canonical order)
    land = res.coverage[0, 0]
    assert land[32] == 0 and land[33] == 1.0


def test_backstop_change_mid_scenario_changes_coverage_that_day():
    scn = scenario(
        requirements={"sky": {"orbits": 1}},
        us_backstop={"level": "air_support"},
        events=[{"type": "backstop", "day": 50, "level": "none"}],
        countries=[{"name": "A", "sky": {"aircraft": 20}}],  # 0.92 orbits: below the cap on both sides
    )
    p = scn.parameters
    cov = sim.run(scn, reps=1).coverage[0, 0]
    full = 20 * p.sky.availability * p.sky.sorties_per_aircraft_day * p.sky.on_station_hours / (24 * p.sky.aircraft_per_orbit)
    factor = 1.0
    for e in p.enablers.values():
        factor *= e.effects.get("sky", 1.0)
    assert full < 1 and cov[49] == pytest.approx(full)
    assert cov[50] == pytest.approx(full * factor)
    assert cov[50] < cov[49] / 4


def test_country_enablers_replace_the_us_share_by_need():
    scn = scenario(
        requirements={"sky": {"orbits": 10}},
        us_backstop={"level": "none"},
        countries=[{"name": "A", "sky": {"aircraft": 40}, "enablers": {"tanker": 2}}],
    )
    p = scn.parameters
    cov = sim.run(scn, reps=1).coverage[0, 0, -1]
    base = 40 * p.sky.availability * p.sky.sorties_per_aircraft_day * p.sky.on_station_hours / (24 * p.sky.aircraft_per_orbit) / 10
    share = min(1, 2 / p.enablers["tanker"].need)
    factor = 1 - (1 - p.enablers["tanker"].effects["sky"]) * (1 - share)
    for name in ("isr", "aew", "sead"):
        factor *= p.enablers[name].effects["sky"]
    assert cov == pytest.approx(base * factor)


def test_requires_backstop_and_guarantee_willingness():
    c = land_country("A", 400, p=0.0, requires_backstop="logistics")
    none = scenario(us_backstop={"level": "intelligence"}, countries=[c])
    assert sim.run(none, reps=20).coverage.max() == 0  # p = 0 and the condition is not met
    g = scenario(us_backstop={"level": "guarantee", "willingness": {"approval_uplift": 1.0, "contingent_factor": 1.5}},
                 countries=[c])
    assert np.allclose(sim.run(g, reps=5).coverage[:, 0, -1], 0.6)  # uplift 1 -> p = 1; 400 x 1.5


def test_airlift_shortens_moves_and_none_leaves_durations_as_written():
    c = land_country("A", 500, deploy=40)
    none = scenario(us_backstop={"level": "none"}, countries=[c])
    cov = sim.run(none, reps=1).coverage[0, 0]
    assert cov[39] == 0 and cov[40] > 0
    lift = scenario(us_backstop={"level": "logistics"}, countries=[c],
                    parameters={"enablers": {"airlift": {"deploy_factor": 0.7}, "logistics": {"deploy_factor": 0.85}}})
    p = lift.parameters.enablers
    move = 40 * p["airlift"].deploy_factor * p["logistics"].deploy_factor
    cov = sim.run(lift, reps=1).coverage[0, 0]
    first = int(np.argmax(cov > 0))
    assert first == int(np.ceil(move))


def test_states_conserve_every_pledged_unit():
    scn = scenario(
        horizon_days=300,
        countries=[land_country("A", 400, delay={"dist": "uniform", "low": 0, "high": 50}, deploy=12, p=0.7,
                                rotation={"tour_days": 40, "ratio": 2}),
                   land_country("B", 300, delay=5, p=0.5)],
    )
    for rep in range(10):
        trace = simulate(scn, 3, rep)
        from sim.series import daily_states

        S = daily_states(trace.times, trace.row_log, trace.deltas, len(trace.rows), 300)
        land = [r for (t, _), r in trace.rows.items() if t == "land"]
        assert np.allclose(S[land].sum(axis=0), 700)
        assert S.min() >= -1e-9


def test_shortfall_parts_add_up_to_one_minus_coverage():
    scn = scenario(
        horizon_days=200,
        us_backstop={"level": "none"},
        requirements={"land": {"troops": 1000}, "sky": {"orbits": 2}},
        phases={"sky": {"start_day": 30}},
        countries=[land_country("A", 600, delay=10, deploy=20, p=0.6, rotation={"tour_days": 30, "ratio": 2},
                                sky={"aircraft": 30}),
                   land_country("B", 900, delay=40, p=0.5)],
    )
    for rep in range(8):
        daily = evaluate(scn, simulate(scn, 11, rep))
        assert np.allclose(daily.shortfall.sum(axis=1), 1 - daily.coverage)
        assert daily.shortfall.min() >= 0


def test_gap_days_and_longest_gap_are_counted_after_first_reaching_ioc():
    from sim.metrics import first_day, gaps

    cov = np.array([[0, 0.6, 0.4, 0.4, 0.7, 0.3, 0.6, 0.2, 0.2, 0.2], [0.1] * 10, [0.6] * 10])
    total, longest = gaps(cov, 0.5)
    assert total.tolist() == [6, 0, 0] and longest.tolist() == [3, 0, 0]
    assert np.array_equal(first_day(cov, 0.5), [1, np.nan, 0], equal_nan=True)
