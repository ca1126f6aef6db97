"""Events, countries and hubs are keyed by what they are: order and unrelated edits change no draw."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.model.event_keys import identity, keyed_events
from sim.model.replication import simulate

from .conftest import scenario

HUBS = {"hubs": [{"name": "North", "throughput_per_day": 400}, {"name": "South", "throughput_per_day": 200}]}

COUNTRIES = [
    # fixed moves (ties at the hubs and on arrival) as well as random ones
    {"name": "Alda", "land": {"troops": 300}, "sky": {"aircraft": 8}, "deploy_days": 5, "via": ["South", "North"]},
    {"name": "Brem", "land": {"troops": 300}, "sky": {"aircraft": 6}, "deploy_days": 5, "via": "North",
     "approval": {"probability": 0.7, "delay_days": {"dist": "uniform", "low": 0, "high": 20}}},
    {"name": "Cato", "land": {"troops": 250}, "deploy_days": {"dist": "lognormal", "median": 12, "sigma": 0.5},
     "via": ["North", "South"], "rotation": {"tour_days": 50, "ratio": 2}},
    {"name": "Dorn", "sky": {"aircraft": 10}, "approval": {"probability": 0.6}, "enablers": {"tanker": 2, "aew": 1}},
    {"name": "South", "approval": {"probability": 0.8, "delay_days": 15}},  # hosts a hub
]

EVENTS = [
    {"type": "withdraw", "yearly_probability": 0.3},
    {"type": "withdraw", "country": "Cato", "day": 120},
    {"type": "reinforce", "country": "Alda", "day": 60, "component": "land", "amount": 100},
    {"type": "violations", "rate_per_year": 12, "component": "sky", "surge": 0.5, "days": 14},
    {"type": "violations", "rate_per_year": 8, "component": "land", "surge": 0.2, "days": 30},
    {"type": "violations", "rate_per_year": 8, "component": "land", "surge": 0.2, "days": 30},  # identical twin
    {"type": "backstop", "day": 60, "level": "none"},
]


def build(countries=COUNTRIES, events=EVENTS):
    return scenario(
        horizon_days=200,
        requirements={"land": {"troops": 800}, "sky": {"orbits": 1}},
        transit=HUBS,
        maintenance={"sky": {}},
        countries=list(countries),
        events=list(events),
    )


def outcome(scn, rep):
    trace = simulate(scn, 11, rep)
    return {
        "surges": sorted(trace.surges),
        "withdrawals": sorted(trace.withdrawals),
        "contingents": sorted((c.country, c.target, c.approved, c.arrival_day, c.departure_day, c.hub) for c in trace.contingents),
        "hub_waits": {k: sorted(v) for k, v in trace.hub_waits.items()},
    }


REFERENCE = build()
REPS = range(4)
REF_OUTCOMES = [outcome(REFERENCE, r) for r in REPS]
REF_COVERAGE = sim.run(REFERENCE, reps=len(REPS), seed=11).coverage


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(EVENTS), st.permutations(COUNTRIES))
def test_events_and_countries_in_any_order_give_the_same_replications(events, countries):
    scn = build(countries, events)
    for r in REPS:
        assert outcome(scn, r) == REF_OUTCOMES[r]
    assert np.array_equal(sim.run(scn, reps=len(REPS), seed=11).coverage, REF_COVERAGE)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(EVENTS), st.sampled_from([
    {"type": "hub_closure", "hub": "South", "start_day": 0, "days": 200},
    {"type": "violations", "rate_per_year": 5, "component": "land", "surge": 1.0, "days": 7},
    {"type": "withdraw", "country": "Alda", "yearly_probability": 0.2},
]))
def test_an_unrelated_event_leaves_every_other_draw_alone(events, extra):
    """Anywhere in the list, an event on land leaves the sky's draws and coverage as they were."""
    at = len(events) // 2
    scn = build(events=events[:at] + [extra] + events[at:])
    cov = sim.run(scn, reps=len(REPS), seed=11).coverage
    sky = scn.components.index("sky")
    for r in REPS:
        got, ref = outcome(scn, r), REF_OUTCOMES[r]
        ref_surges = set(ref["surges"])
        assert ref_surges <= set(got["surges"])  # every violation drawn before is drawn again
        if extra["type"] != "withdraw":
            assert got["withdrawals"] == ref["withdrawals"]
            assert np.array_equal(cov[r, sky], REF_COVERAGE[r, sky])
        else:  # Alda's extra withdrawal risk is its own stream: no one else's day moves
            others = [w for w in got["withdrawals"] if w[0] != "Alda"]
            assert others == [w for w in ref["withdrawals"] if w[0] != "Alda"]


def test_keys_name_the_content_and_number_only_identical_events():
    keyed = dict((k, e) for k, e in keyed_events(build().events))
    assert "violations|component=land|rate_per_year=8.0" in keyed
    assert "violations|component=land|rate_per_year=8.0#2" in keyed
    assert "withdraw|yearly_probability=0.3" in keyed
    assert "withdraw|country=Cato|day=120.0" in keyed
    assert len(keyed) == len(EVENTS)
    # the size of an event is not its identity: a stronger surge keeps the same arrival times
    stronger = build(events=[dict(EVENTS[3], surge=0.9)]).events[0]
    assert identity(stronger) == identity(build().events[3])


def test_a_surge_of_another_size_keeps_the_arrival_days():
    a = simulate(build(events=[EVENTS[3]]), 4, 0).surges
    b = simulate(build(events=[dict(EVENTS[3], surge=0.9, days=3)]), 4, 0).surges
    assert a and [s[1] for s in a] == [s[1] for s in b]
    c = simulate(build(events=[dict(EVENTS[3], rate_per_year=13)]), 4, 0).surges
    assert [s[1] for s in a] != [s[1] for s in c]  # another rate is another event: other draws
