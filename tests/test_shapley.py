"""The order-free split of the shortfall: Shapley values checked against values worked out by hand."""

from fractions import Fraction
from itertools import permutations
from math import factorial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.coverage import ADDITIVE, CAUSES, evaluate, split
from sim.model.replication import simulate
from sim.shapley import shapley

from .conftest import scenario


def cell(req, in_place, base=None, repairing=0.0, availability=1.0, factor=1.0, **held):
    """split() on one cell; returns {cause: value} for the causes with a non-zero share."""
    arrays = {c: np.array([float(held.get(c, 0.0))]) for c in ADDITIVE}
    out = split(np.array([float(req)]), np.array([float(req if base is None else base)]), np.array([float(in_place)]),
                np.array([float(repairing)]), arrays, availability, np.array([float(factor)]))
    return {c: out[k, 0] for k, c in enumerate(CAUSES) if out[k, 0] != 0.0}


def by_orders(players, value):
    """Shapley values the long way: the average marginal contribution over every order of the players."""
    phi = {p: Fraction(0) for p in players}
    for order in permutations(players):
        removed = frozenset()
        for p in order:
            phi[p] += value(removed | {p}) - value(removed)
            removed = removed | {p}
    return {p: v / factorial(len(players)) for p, v in phi.items()}


def by_subsets(players, value):
    """Shapley values by the subset formula, one coalition at a time (no vectors, no skipped players)."""
    k = len(players)
    phi = {}
    for p in players:
        others = [q for q in players if q != p]
        total = 0.0
        for mask in range(1 << (k - 1)):
            s = frozenset(q for j, q in enumerate(others) if mask >> j & 1)
            w = factorial(len(s)) * factorial(k - len(s) - 1) / factorial(k)
            total += w * (value(s | {p}) - value(s))
        phi[p] = total
    return phi


def test_two_causes_that_each_close_most_of_the_gap_share_it_equally():
    # requirement 10, 4 in place, 5 moving and 5 not approved: either cause alone would bring
    # coverage to 0.9, both to min(1, 1.4) = 1 (the cap binds). A fixed order gave 0.5 to the first
    # and 0.1 to the second; each gets (0.5 + 0.1) / 2 = 0.3.
    parts = cell(10, 4, moving=5, not_approved=5)
    assert parts == pytest.approx({"moving": 0.3, "not_approved": 0.3})


def test_the_worked_example_of_the_model_notes():
    # docs/model.md: 6 of 10 orbits in place, 4 not approved, tankers missing (factor 0.5)
    assert cell(10, 6, factor=0.5, not_approved=4) == pytest.approx({"not_approved": 0.3, "enabler": 0.4})


def test_an_enabler_and_units_on_their_way():
    # 5 of 10 in place at half effect (factor 0.5), 5 more moving: v() = 0.25, v(enabler) = 0.5,
    # v(moving) = 0.5, v(both) = 1 -> each (0.25 + 0.5) / 2 = 0.375.
    parts = cell(10, 5, factor=0.5, moving=5)
    assert parts == pytest.approx({"enabler": 0.375, "moving": 0.375})


def test_surge_unpledged_and_maintenance_by_hand():
    # base requirement 10 raised to 12; 6 in place at availability 0.5; 4 unpledged.
    # v() = 3/12, v(s) = 3/10, v(u) = 5/12, v(m) = 6/12, v(su) = 5/10, v(sm) = 6/10, v(um) = 10/12, v(sum) = 1.
    # phi_s = (1/3)(.05) + (1/6)(1/12) + (1/6)(.1) + (1/3)(1/6) = 37/360, phi_u = 100/360, phi_m = 133/360.
    parts = cell(12, 6, base=10, availability=0.5, unpledged=4)
    assert parts == pytest.approx({"surge": 37 / 360, "unpledged": 100 / 360, "maintenance": 133 / 360})
    assert sum(parts.values()) == pytest.approx(1 - 3 / 12)


def test_units_in_repair_count_as_in_place_once_maintenance_is_removed():
    # failures modelled (availability 1): 6 available, 2 in repair, requirement 10, 2 in a rotation gap.
    # v() = .6, v(m) = .8, v(r) = .8, v(mr) = 1 -> 0.2 each.
    parts = cell(10, 6, repairing=2, rotation_gap=2)
    assert parts == pytest.approx({"maintenance": 0.2, "rotation_gap": 0.2})


def test_where_the_cap_binds_for_one_cause_alone():
    # 8 in place of 10; 10 moving. Removing moving alone gives min(1, 1.8) = 1; the enabler at 0.9 alone
    # gives 0.8. v() = 0.72, v(e) = 0.8, v(m) = 1, v(em) = 1: phi_e = (.08 + 0) / 2, phi_m = (.28 + .2) / 2.
    parts = cell(10, 8, factor=0.9, moving=10)
    assert parts == pytest.approx({"enabler": 0.04, "moving": 0.24})


def test_full_coverage_and_absent_causes_get_nothing():
    assert cell(10, 12, moving=5, factor=0.9) == {}
    assert cell(10, 5, moving=5, straits=0) == pytest.approx({"moving": 0.5})


def test_the_split_adds_up_and_matches_the_long_way_on_every_cell():
    rng = np.random.default_rng(4)
    n = 400
    held = {c: np.where(rng.random(n) < 0.5, rng.integers(0, 6, n).astype(float), 0.0) for c in ADDITIVE}
    req = rng.choice([8.0, 10.0, 12.0], n)
    base = np.minimum(req, 10.0)
    in_place = rng.integers(0, 12, n).astype(float)
    repairing = np.where(rng.random(n) < 0.3, 2.0, 0.0)
    factor = rng.choice([1.0, 0.5, 0.8], n)
    # what nobody pledged tops the pledges up to the base requirement (so removing everything covers it)
    held["unpledged"] = np.maximum(0.0, base - in_place - repairing - sum(held[c] for c in ADDITIVE[1:]))
    for availability in (1.0, 0.75):
        out = split(req, base, in_place, repairing, held, availability, factor)
        cov = np.minimum(1.0, in_place * availability * factor / req)
        assert np.allclose(out.sum(axis=0), 1 - cov)
        assert out.min() >= -1e-12
        for i in range(0, n, 67):
            def value(removed, i=i):
                placed = in_place[i] + sum(held[c][i] for c in ADDITIVE if c in removed)
                avail = placed + repairing[i] if "maintenance" in removed else placed * availability
                f = 1.0 if "enabler" in removed else factor[i]
                r = base[i] if "surge" in removed else req[i]
                return min(1.0, avail * f / r)
            expected = by_subsets(CAUSES, value)
            assert out[:, i] == pytest.approx([expected[c] for c in CAUSES], abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=8, max_size=8))
def test_shapley_matches_every_order(values):
    # any game of three players: value of each coalition, by bitmask (player i is bit i)
    v = [0.0] + values[1:]
    phi = shapley(np.array(v))
    expected = by_orders((0, 1, 2), lambda s: Fraction(v[sum(1 << p for p in s)]))
    assert phi == pytest.approx([float(expected[p]) for p in range(3)])
    assert phi.sum() == pytest.approx(v[7] - v[0])


def test_no_fixed_order_in_the_daily_split():
    # two countries behind the same requirement: one not approved for ever, one moving for 30 days,
    # with pledges worth twice the gap. Both causes alone close the gap, so they share it equally,
    # whatever their place in the list of causes.
    scn = scenario(horizon_days=60, countries=[
        {"name": "A", "land": {"troops": 500}},
        {"name": "B", "land": {"troops": 500}, "approval": {"probability": 0.0, "delay_days": 0}},
        {"name": "C", "land": {"troops": 500}, "deploy_days": 30},
    ])
    daily = evaluate(scn, simulate(scn, 1, 0))
    parts = dict(zip(CAUSES, daily.shortfall[0, :, 10]))
    assert scn.parameters.land.availability == 1.0 and daily.coverage[0, 10] == pytest.approx(0.5)
    assert parts == pytest.approx({c: 0.25 if c in ("not_approved", "moving") else 0.0 for c in CAUSES})
    assert daily.shortfall[0, :, 40].sum() == 0  # C arrived on day 30: covered
    assert np.allclose(daily.shortfall.sum(axis=1), 1 - daily.coverage)
