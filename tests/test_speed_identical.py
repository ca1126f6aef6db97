"""Optimisations that claim not to change a number, checked against plain reference versions.

Each test builds a result the plain way (a loop a reader can check by eye) and the fast way, and
asks for the very same bytes.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.series import DailyStates


def plain_daily(times, rows, deltas, members, n_rows, n_members, horizon):
    """Amount of each (row, member) on each day: every event at time t counts from day ceil(t)."""
    out = np.zeros((n_rows, n_members, horizon))
    totals = np.zeros((n_rows, n_members, horizon))
    for t, r, d, m in zip(times, rows, deltas, members):
        day = math.ceil(t)
        if day < horizon:
            totals[r, m, day] += d
    for r in range(n_rows):
        for m in range(n_members):
            running = 0.0
            for day in range(horizon):
                running += totals[r, m, day]
                out[r, m, day] = 0.0 if abs(running) < 1e-9 else running
    return out


events = st.lists(
    st.tuples(st.floats(0, 40, allow_nan=False), st.integers(0, 5), st.integers(-3, 3), st.integers(0, 2)),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(events, st.booleans())
def test_daily_states_match_a_plain_loop(evs, fractional):
    times = np.array([e[0] for e in evs], dtype=float)
    rows = np.array([e[1] for e in evs], dtype=np.int64)
    deltas = np.array([e[2] * (0.1 if fractional else 1.0) for e in evs], dtype=float)
    members = np.array([e[3] for e in evs], dtype=np.int64)
    fast = DailyStates(times, rows, deltas, members, 6, 3, 30)
    plain = plain_daily(times, rows, deltas, members, 6, 3, 30)
    for r in range(6):
        if fractional:  # sums of tenths: equal up to rounding, and exact zeros where they cancel
            np.testing.assert_allclose(fast[r], plain[r], atol=1e-12)
            assert ((fast[r] == 0) == (plain[r] == 0)).all()
        else:
            assert fast[r].tobytes() == plain[r].tobytes()


def test_rows_not_needed_read_as_zeros_and_the_others_are_unchanged():
    times = np.array([0.5, 1.5, 2.0, 3.2])
    rows = np.array([0, 1, 1, 2])
    deltas = np.array([1.0, 2.0, -1.0, 4.0])
    members = np.zeros(4, dtype=np.int64)
    full = DailyStates(times, rows, deltas, members, 3, 1, 6)
    some = DailyStates(times, rows, deltas, members, 3, 1, 6, needed=np.array([True, False, True]))
    assert not some[1].any()
    for r in (0, 2):
        assert some[r].tobytes() == full[r].tobytes()
    assert full[1][0].tolist() == [0, 0, 1, 1, 1, 1]  # +2 at 1.5 and -1 at 2.0 both count from day 2
