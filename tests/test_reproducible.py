"""One seed decides everything; streams are keyed so scenarios share draws (common random numbers)."""

from __future__ import annotations

import math

import numpy as np

import sim
from sim.model.replication import simulate
from sim.streams import Streams

from .conftest import scenario

DUR = {"dist": "triangular", "low": 5, "mode": 20, "high": 60}


def coalition(n=5):
    return [
        {"name": f"C{i}", "approval": {"probability": 0.6, "delay_days": DUR}, "deploy_days": {"dist": "lognormal", "median": 15, "sigma": 0.4},
         "land": {"troops": 100 + 50 * i}, "rotation": {"tour_days": 60, "ratio": 2}}
        for i in range(n)
    ]


def test_same_seed_same_result_other_seed_differs():
    scn = scenario(horizon_days=200, countries=coalition())
    a, b, c = sim.run(scn, reps=20, seed=5), sim.run(scn, reps=20, seed=5), sim.run(scn, reps=20, seed=6)
    assert np.array_equal(a.coverage, b.coverage) and a.timeline == b.timeline
    assert not np.array_equal(a.coverage, c.coverage)


def test_a_replication_does_not_depend_on_its_batch():
    scn = scenario(horizon_days=200, countries=coalition())
    whole = sim.run(scn, reps=12, seed=3).coverage
    part = sim.run(scn, reps=[7, 3, 11], seed=3).coverage
    assert np.array_equal(part, whole[[7, 3, 11]])


def test_dropping_a_country_leaves_every_other_draw_unchanged():
    full = scenario(horizon_days=200, countries=coalition(6))
    dropped = scenario(horizon_days=200, countries=[c for c in coalition(6) if c["name"] != "C2"])
    for rep in range(30):
        a = {(c.country, c.target): c for c in simulate(full, 9, rep).contingents}
        b = {(c.country, c.target): c for c in simulate(dropped, 9, rep).contingents}
        assert set(a) - set(b) == {("C2", "land")}
        for key, cb in b.items():
            ca = a[key]
            assert (ca.approved, ca.arrival_day) == (cb.approved, cb.arrival_day)


def test_streams_are_uniform_and_independent_across_keys():
    s = Streams(123, 0)
    x = np.array([s.rng("A", "x").random() for _ in range(1)] + [s.rng("A", "x").random()])
    assert x[0] == x[1]  # a key always gives the same stream
    a = s.rng("France", "approval")
    u = np.array([a.random() for _ in range(20000)])
    assert 0 < u.min() and u.max() < 1
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / len(u))
    assert abs(u.var() - 1 / 12) < 0.003
    # Kolmogorov-Smirnov distance against the uniform CDF (critical value at 1% ~ 1.63 / sqrt(n))
    ks = np.max(np.abs(np.sort(u) - np.arange(1, len(u) + 1) / len(u)))
    assert ks < 1.63 / math.sqrt(len(u))
    # neighbouring keys and neighbouring replications are uncorrelated
    first = np.array([Streams(123, r).rng(f"C{k}", "approval").random() for r in range(50) for k in range(40)])
    assert abs(np.corrcoef(first[:-1], first[1:])[0, 1]) < 0.06
