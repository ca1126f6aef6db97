"""Long-run (sustainable) coverage, the force a requirement needs with rotation, default rotations."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim import sustain
from sim.model.rotation import Policy, policy, relief_times
from sim.results import country_burden, summarise, summary_table

from .conftest import scenario


def land(name, troops, **extra):
    return {"name": name, "land": {"troops": troops}, **extra}


def four_of_dwell_five(horizon):
    # a pool of 4, tours of 30 days, 150 days away between tours (dwell ratio 5)
    return scenario(horizon_days=horizon, parameters={"rotation": {"min_dwell_ratio": 5}},
                    countries=[land("A", 1000, rotation={"tour_days": 30, "ratio": 4})])


def test_two_years_can_hide_a_rotation_that_cannot_last():
    scn = four_of_dwell_five(120)  # four fresh tours fill the whole horizon
    summary = summarise(sim.run(scn, reps=2))
    land_row = summary["components"]["land"]
    assert land_row["mean_coverage"] == 1.0
    assert land_row["sustainable_coverage"] == pytest.approx(0.6667, abs=1e-4)  # 4 / (1 + 5)
    assert land_row["exceeds_sustainable"] is True
    table = summary_table(summary)
    assert "0.67 !" in table and "long run" in table.splitlines()[1]


def test_the_long_run_share_is_what_a_long_run_simulates():
    # after the first cycle each slot is filled 4 x 30 of every 30 + 150 days
    scn = four_of_dwell_five(180 * 20)
    cov = sim.run(scn, reps=1).coverage[0, 0]
    assert cov[180:].mean() == pytest.approx(4 / 6, abs=1e-9)
    assert sustain.rotation_share(scn, scn.countries[0], "land") == pytest.approx(4 / 6)


def test_a_sufficient_pool_is_not_flagged():
    scn = scenario(horizon_days=200, countries=[land("A", 1000, rotation={"tour_days": 30, "ratio": 3})])
    row = summarise(sim.run(scn, reps=1))["components"]["land"]
    assert row["sustainable_coverage"] == 1.0 and row["mean_coverage"] == 1.0
    assert row["exceeds_sustainable"] is False


def test_long_run_coverage_counts_only_approved_countries_and_not_those_that_withdrew():
    scn = scenario(horizon_days=100, countries=[land("A", 400), land("B", 300, approval={"probability": 0.0}),
                                                land("C", 200)],
                   events=[{"type": "withdraw", "country": "C", "day": 50}])
    res = sim.run(scn, reps=3)
    assert np.allclose(res.sustainable[:, 0], 0.4)


def test_montreux_share_and_the_ships_it_takes():
    scn = scenario(requirements={"sea": {"ships": 4}}, countries=[{"name": "N", "sea": {"ships": 6}}])
    assert sustain.montreux_share(scn) == pytest.approx(17 / 25)  # 21 - 2 x 2 on station of 21 + 4
    # 6 ships x 0.68 on station x 0.85 available = 3.468 of 4
    assert sustain.sustainable_coverage(scn, {("N", "sea"): 6}, "air_support")["sea"] == pytest.approx(6 * 0.68 * 0.85 / 4)
    littoral = scenario(requirements={"sea": {"ships": 4}}, countries=[{"name": "N", "littoral": True, "sea": {"ships": 6}}])
    assert sustain.sustainable_coverage(littoral, {("N", "sea"): 6}, "air_support")["sea"] == 1.0
    closed = scenario(requirements={"sea": {"ships": 4}}, parameters={"montreux": {"straits_closed": True}},
                      countries=[{"name": "N", "sea": {"ships": 6}}])
    assert sustain.sustainable_coverage(closed, {("N", "sea"): 6}, "air_support")["sea"] == 0.0


def test_long_run_enablers_follow_the_final_us_level():
    scn = scenario(requirements={"sky": {"orbits": 1}}, countries=[{"name": "A", "sky": {"aircraft": 40}}])
    full = sustain.sustainable_coverage(scn, {("A", "sky"): 40}, "air_support")["sky"]
    bare = sustain.sustainable_coverage(scn, {("A", "sky"): 40}, "none")["sky"]
    u = 1.2 * 2.3 / 48
    assert full == pytest.approx(min(1.0, 40 * 0.8 * u))
    assert bare == pytest.approx(40 * 0.8 * u * 0.8 * 0.435 * 0.75 * 0.9)  # isr, tanker, aew, sead missing


def test_required_with_rotation_from_the_requirement():
    scn = scenario(requirements={"sky": {"orbits": 2}, "sea": {"ships": 6}, "land": {"troops": 25000}})
    req = sustain.required_with_rotation(scn)
    assert req["land"] == {"required_in_place": 25000.0, "required_with_rotation": 75000.0}
    assert req["sky"]["required_in_place"] == pytest.approx(2 / (1.2 * 2.3 / 48 * 0.8), abs=0.05)  # 43.5 jets
    assert req["sky"]["required_with_rotation"] == pytest.approx(3 * 43.478, abs=0.05)
    assert req["sea"]["required_with_rotation"] == pytest.approx(6 / 0.85 * 3, abs=0.05)
    assert req["sea"]["required_with_rotation_montreux"] == pytest.approx(6 / 0.85 * 3 * 25 / 17, abs=0.05)


def test_committed_with_rotation_is_the_mean_deployed_times_the_pool():
    scn = scenario(horizon_days=50, countries=[land("A", 1000, approval={"probability": 0.5, "delay_days": 1},
                                                   rotation={"tour_days": 30, "ratio": 4})])
    res = sim.run(scn, reps=40, seed=3)
    approved = sum(res.timeline["approved"])
    assert 0 < approved < 40
    row = country_burden(res)["A"]["contributions"]["land"]
    assert row["deployed_mean"] == pytest.approx(1000 * approved / 40)
    assert row["committed_with_rotation"] == pytest.approx(4 * 1000 * approved / 40)
    assert row["peak_deployed"] == 1000


# --- one default rotation ----------------------------------------------------------------------


def test_a_country_without_rotation_gets_its_components_default_policy():
    scn = scenario(default_rotation=True, requirements={"sky": {"orbits": 1}, "land": {"troops": 1000}},
                   countries=[land("A", 10, sky={"aircraft": 4}), land("B", 10, rotation="none"),
                              land("C", 10, rotation={"tour_days": 90}), land("D", 10, rotation={"tour_days": 90, "ratio": 5})])
    a, b, c, d = scn.countries
    assert policy(scn, a, "land") == Policy(180.0, 3)  # seeds: six-month tours, rule of thirds
    assert policy(scn, a, "sky") == Policy(120.0, 3)  # air policing rotates every four months
    assert policy(scn, a, "tanker") is None  # enablers rotate only with a country's own rotation
    assert policy(scn, b, "land") is None
    assert policy(scn, c, "land") == Policy(90.0, 3)  # no ratio: the component's default pool
    assert policy(scn, d, "land") == Policy(90.0, 5)


def test_the_default_rotation_is_simulated():
    # a default pool of 2 (overridden) for 60-day tours leaves the closed-form gaps; `none` never leaves
    scn = scenario(default_rotation=True, horizon_days=300,
                   parameters={"rotation": {"default": {"land": {"tour_days": 60, "ratio": 2}}}},
                   countries=[land("A", 500), land("B", 500, rotation="none")])
    cov = sim.run(scn, reps=1).coverage[0, 0]
    days = np.arange(300)
    # A: 0-120 two tours, unit 0 back at 60 + 120 = 180: gap 120-180, then 180-300 filled again
    a_in = (days < 120) | (days >= 180)
    assert np.allclose(cov, 0.5 + 0.5 * a_in)


def test_relief_times_closed_form():
    assert list(relief_times(30, 2, 60, 0, 200)) == [(30, 30), (60, 90), (120, 120), (150, 180)]
    assert list(relief_times(30, 3, 60, 0, 100)) == [(30, 30), (60, 60), (90, 90)]
