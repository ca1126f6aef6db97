"""The compiled streams (sim/_splitmix.pyx) draw exactly what their plain Python twin draws.

``pip install`` compiles them where a C compiler is found; :mod:`sim.streams` then hands them out,
and ``COALITION_SIM_PURE=1`` (or a machine without a compiler) gives the plain ones. Results must
not depend on which: every draw and every stream seed is compared bit for bit, and a whole run is
compared between two processes, one of each kind.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import streams

ROOT = Path(__file__).resolve().parent.parent

compiled = pytest.mark.skipif(not streams.COMPILED, reason="the compiled streams were not built here")


def test_ci_runs_the_compiled_streams_where_it_asks_for_them():
    """CI builds on a machine with a C compiler: there a missing extension is a broken build, not a fallback."""
    if os.environ.get("COALITION_SIM_EXPECT_COMPILED") == "1":
        assert streams.COMPILED and streams.Stream is not streams.PlainStream
    assert (streams.Stream is streams.PlainStream) == (not streams.COMPILED)
    assert (streams.stream_seed is streams.plain_stream_seed) == (not streams.COMPILED)


@compiled
@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**64 - 1), st.floats(1e-3, 1e4), st.integers(1, 60))
def test_compiled_draws_are_the_plain_draws_bit_for_bit(seed, mean, n):
    fast, plain = streams.Stream(seed), streams.PlainStream(seed)
    for i in range(n):
        kind = i % 3
        if kind == 0:
            a, b = fast.random(), plain.random()
        elif kind == 1:
            a, b = fast.exponential(mean), plain.exponential(mean)
        else:
            a, b = fast.normal(), plain.normal()
        assert a.hex() == b.hex()


@compiled
def test_compiled_streams_at_the_edges_of_the_state():
    mask = (1 << 64) - 1
    for seed in (0, 1, mask, mask - streams.GAMMA + 1, 1 << 63, -1, 1 << 70):  # seeds wrap to 64 bits alike
        fast, plain = streams.Stream(seed), streams.PlainStream(seed)
        assert [fast.random() for _ in range(50)] == [plain.random() for _ in range(50)]
        assert [fast.exponential(0.5) for _ in range(50)] == [plain.exponential(0.5) for _ in range(50)]


@compiled
@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1),
       st.lists(st.integers(0, 2**32 - 1), max_size=5), st.lists(st.integers(0, 2**32 - 1), max_size=3))
def test_compiled_stream_seeds_are_the_plain_hash_chain(k0, k1, words, earlier_first):
    fast_after: dict[int, int] = {}
    plain_after: dict[int, int] = {}
    for first in earlier_first:  # hashes kept from earlier keys of the replication are used alike
        assert streams.stream_seed(k0, k1, (first,), fast_after) == streams.plain_stream_seed(k0, k1, (first,), plain_after)
    words = tuple(words)
    assert streams.stream_seed(k0, k1, words, fast_after) == streams.plain_stream_seed(k0, k1, words, plain_after)
    assert fast_after == plain_after


RUN = """
import hashlib, sys
import sim
from sim import runner, streams
scn = sim.load_scenario(sys.argv[1])
r = runner.run(scn, seed=5, reps=6)
digest = hashlib.sha256(r.coverage.tobytes() + r.shortfall.tobytes() + repr(r.timeline).encode()).hexdigest()
print(streams.COMPILED, digest)
"""


def _run(pure: bool) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COALITION_SIM_PURE"}
    if pure:
        env["COALITION_SIM_PURE"] = "1"
    out = subprocess.run([sys.executable, "-c", RUN, str(ROOT / "scenarios" / "baseline.yaml")],
                         capture_output=True, text=True, env=env, check=True).stdout.split()
    return out[0], out[1]


@compiled
def test_a_run_is_the_same_with_compiled_and_with_plain_streams():
    fast, plain = _run(pure=False), _run(pure=True)
    assert fast[0] == "True" and plain[0] == "False"  # each process ran the kind asked for
    assert fast[1] == plain[1]
