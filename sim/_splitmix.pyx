# cython: language_level=3, boundscheck=False, wraparound=False
"""SplitMix64 streams compiled: the same draws as :class:`sim.streams.PlainStream`, bit for bit.

:mod:`sim.streams` uses this module where it was built (``pip install`` compiles it where a C compiler
is found) and its plain Python twin everywhere else, or when ``COALITION_SIM_PURE=1``. Every draw is
64-bit unsigned arithmetic, which wraps in C as the masks make it wrap in Python, then the same
conversion to a double and the same C library ``log`` that Python's ``math.log`` calls: the numbers
are identical, only cheaper (tests/test_streams_compiled.py checks both against each other).
"""

from libc.math cimport log
from libc.stdint cimport uint64_t
from statistics import NormalDist

cdef double _UNIT = 1.0 / 9007199254740992.0  # 2**-53
_STANDARD_NORMAL = NormalDist()


cdef inline uint64_t mix64(uint64_t x) noexcept nogil:
    """SplitMix64's finaliser (variant 13), as :func:`sim.streams.mix64`."""
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL
    return x ^ (x >> 31)


cdef class Stream:
    """One keyed stream of uniform draws in (0, 1): :class:`sim.streams.PlainStream`, compiled."""

    cdef uint64_t _state

    def __init__(self, seed):
        self._state = <uint64_t>(seed & 0xFFFFFFFFFFFFFFFF)

    cpdef double random(self):
        """A uniform draw in the open interval (0, 1): ``((mix64(state) >> 11) + 0.5) / 2**53``."""
        self._state += 0x9E3779B97F4A7C15ULL
        return (<double>(mix64(self._state) >> 11) + 0.5) * _UNIT

    cpdef double exponential(self, double mean):
        """An exponential draw with the given mean: ``-mean * log(random())``."""
        self._state += 0x9E3779B97F4A7C15ULL
        return -mean * log((<double>(mix64(self._state) >> 11) + 0.5) * _UNIT)

    def normal(self):
        """A standard normal draw."""
        return _STANDARD_NORMAL.inv_cdf(self.random())


def stream_seed(uint64_t k0, uint64_t k1, tuple words, dict after):
    """The seed of a key's stream: :func:`sim.streams.plain_stream_seed`, compiled (``after`` is filled alike)."""
    cdef uint64_t h
    cdef Py_ssize_t i, n = len(words)
    if n == 0:
        return mix64(k0)
    first = words[0]
    kept = after.get(first)
    if kept is None:
        h = mix64(k0 ^ <uint64_t>first) ^ k1
        after[first] = h
    else:
        h = kept
    for i in range(1, n):
        h = mix64(h ^ <uint64_t>words[i]) ^ k1
    return mix64(h)
