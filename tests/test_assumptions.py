"""Assumptions a run uses are listed; the arms enabler equips those trained."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.assumptions import assumptions_used, parameter_used

from .conftest import LADDER, scenario


def paths(scn, raw=None):
    return {a["path"] for a in assumptions_used(scn, raw)}


def test_only_the_assumptions_of_what_is_simulated_are_listed():
    sky = scenario(requirements={"sky": {"orbits": 1}}, countries=[{"name": "A", "sky": {"aircraft": 4}}])
    used = paths(sky)
    assert "parameters.coverage.ioc" in used and "parameters.enablers.aew.effects.sky" in used
    assert "parameters.sea.ship_tonnage" not in used and "parameters.montreux.stagger" not in used
    assert "parameters.enablers.arms.effects.regeneration" not in used
    assert not any(p.startswith("backstop.guarantee") for p in used)
    assert not parameter_used("sky.mtbf_days", sky) and parameter_used("sky.availability", sky)
    modelled = scenario(requirements={"sky": {"orbits": 1}}, maintenance={"sky": {}}, countries=[])
    assert parameter_used("sky.mtbf_days", modelled) and not parameter_used("sky.availability", modelled)


def test_the_guarantee_willingness_is_listed_when_the_run_reaches_it():
    later = scenario(events=[{"type": "backstop", "day": 50, "level": "guarantee"}])
    used = paths(later)
    assert {"backstop.guarantee.willingness.approval_uplift", "backstop.guarantee.willingness.contingent_factor"} <= used


def test_what_the_scenario_sets_itself_is_not_an_assumption_of_the_catalog():
    scn = scenario(parameters={"coverage": {"ioc": 0.4}})
    assert "parameters.coverage.ioc" not in paths(scn, {"parameters": {"coverage": {"ioc": 0.4}}})
    assert "parameters.coverage.ioc" in paths(scn, {})


def test_catalog_countries_bring_their_assumptions():
    scn = scenario(countries=[{"ref": "Netherlands"}])
    used = paths(scn)
    assert "countries.Netherlands.land.troops" in used  # an assumption in the catalog
    assert "countries.Netherlands.sky.aircraft" not in used  # sky is not simulated here


def test_summary_lists_the_assumptions_used():
    scn = scenario(countries=[{"name": "A", "land": {"troops": 500}}])
    from sim.results import summarise

    summary = summarise(sim.run(scn, reps=1))
    assert any(a["path"] == "parameters.coverage.foc" for a in summary["assumptions_used"])


# --- arms: those trained need equipment ----------------------------------------------------------

NO_ARMS = {**LADDER, "intelligence": ["isr"]}


def trainers(**extra):
    return {"name": "T", "regeneration": {"trainers": 100}, **extra}


@pytest.mark.parametrize("adds,arms,expected", [(LADDER, 0, 1.0), (NO_ARMS, 0, 0.5), (NO_ARMS, 1, 1 - 0.5 * (1 - 1 / 3)),
                                                 (NO_ARMS, 3, 1.0)])
def test_arms_equip_the_trainees(adds, arms, expected):
    countries = [trainers()] + ([{"name": "S", "enablers": {"arms": arms}}] if arms else [])
    scn = scenario(requirements={"regeneration": {"trainees_per_month": 120}}, us_backstop={"adds": adds},
                   countries=countries)
    assert scn.components[-1] == "regeneration"
    cov = sim.run(scn, reps=1).coverage[0, -1]
    assert np.allclose(cov, expected)


def test_the_library_asks_what_regeneration_is_worth_without_us_arms():
    scn = sim.load_scenario("scenarios/regeneration-without-us-arms.yaml")
    assert "arms" not in scn.us_backstop.ladder.enablers_at("guarantee")
    base = sim.load_scenario("scenarios/baseline.yaml")
    assert "arms" in base.us_backstop.ladder.enablers_at(base.us_backstop.level)
