"""summary.json: pledges apart from reinforcements, withdrawals of pledging countries, minima counted from the opening."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.results import min_mean_from_opening, summarise

from .conftest import scenario


def test_reinforcements_have_their_own_entries_and_leave_the_pledge_shares_alone():
    countries = [{"name": "S", "land": {"troops": 500}, "approval": {"probability": 0.6}, "deploy_days": 5},
                 {"name": "T", "land": {"troops": 400}}]
    events = [{"type": "reinforce", "country": "S", "day": 50, "component": "land", "amount": 300}]
    scn = scenario(horizon_days=120, countries=countries, events=events)
    res = sim.run(scn, reps=50, seed=3)
    tl = res.timeline
    approved = {r for r, c, a, day in zip(tl["rep"], tl["country"], tl["approved"], tl["reinforcement_day"])
                if c == "S" and a and day is None}
    share = len(approved) / 50
    assert 0.3 < share < 0.9  # some replications say no: the test can tell the shares apart
    s = summarise(res)["countries"]["S"]
    land = s["contributions"]["land"]
    assert land["approved_share"] == pytest.approx(share) and land["arrived_share"] == pytest.approx(share)
    assert land["pledged"] == 500.0 and land["deployed_mean"] == pytest.approx(500 * share)
    (r,) = s["reinforcements"]
    assert (r["component"], r["day"], r["amount"]) == ("land", 50, 300)
    assert r["sent_share"] == pytest.approx(share) and r["arrived_share"] == pytest.approx(share)
    assert r["deployed_mean"] == pytest.approx(300 * share)
    assert summarise(res)["countries"]["T"]["reinforcements"] == []


def test_withdrawal_shares_only_for_countries_that_pledge_and_hosts_apart():
    countries = [{"name": "A", "land": {"troops": 500}, "via": "H"},
                 {"name": "H"},  # hosts the hub, pledges nothing
                 {"name": "Z"},  # neither
                 {"name": "E", "enablers": {"isr": 1}}]  # an enabler is a pledge
    scn = scenario(horizon_days=200, countries=countries, transit={"hubs": [{"name": "H", "throughput_per_day": 500}]},
                   events=[{"type": "withdraw", "yearly_probability": 0.9}])
    res = sim.run(scn, reps=40, seed=2)
    s = summarise(res)
    assert set(s["withdrawals"]) == {"A", "E"}
    assert set(s["transit_withdrawals"]) == {"H"}
    gone = {c: sum(1 for _, who, _ in res.withdrawals if who == c) / 40 for c in "AEHZ"}
    assert gone["Z"] > 0  # Z did withdraw; it has nothing to take away
    assert s["withdrawals"]["A"] == pytest.approx(gone["A"]) and s["transit_withdrawals"]["H"] == pytest.approx(gone["H"])


def test_min_mean_coverage_counts_each_replication_from_its_opening():
    cov = np.array([[0.0, 0.5, 0.6, 0.2, 0.9, 0.9],
                    [0.0, 0.0, 0.0, 0.4, 0.8, 0.1],
                    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    opened = np.array([1.0, 2.5, np.nan])  # the second opens during day 2: counted from day 3; the third never
    # day k after opening: k=0 (0.5+0.4)/2, k=1 (0.6+0.8)/2, k=2 (0.2+0.1)/2; k=3 only the first (0.9);
    # k stops at 6 - median(1, 3) = 4
    assert min_mean_from_opening(cov, opened) == pytest.approx(0.15)
    assert min_mean_from_opening(cov, np.array([np.nan] * 3)) is None
    assert cov.mean(axis=0).min() == 0.0  # counted from day 0 it says nothing


def test_summary_min_mean_coverage_is_counted_from_the_opening():
    countries = [{"name": "A", "land": {"troops": 1000}, "deploy_days": 10},
                 {"name": "B", "land": {"troops": 300}, "deploy_days": 10}]
    scn = scenario(horizon_days=150, countries=countries, phases={"land": {"start_day": 30}},
                   events=[{"type": "withdraw", "country": "A", "day": 100}])
    res = sim.run(scn, reps=5, seed=1)
    c = summarise(res)["components"]["land"]
    cov = res.coverage[:, 0, :]
    assert c["min_mean_coverage"] == pytest.approx(round(float(cov[:, 30:].mean(axis=0).min()), 4))
    held = cov[0, 100:].min()  # after A leaves, B alone
    assert 0 < held < 1
    assert c["min_mean_coverage_after_ioc"] == pytest.approx(round(float(held), 4))
