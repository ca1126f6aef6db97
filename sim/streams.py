"""Random streams keyed by replication, entity and purpose.

One ``numpy.random.SeedSequence(seed)`` decides everything. Replication ``r``
takes the child that ``SeedSequence(seed).spawn`` gives at index ``r`` and
draws two 64-bit words from it: the replication's key. Inside the
replication every draw belongs to a stream named by *who* draws and *what*
is drawn, e.g. ``streams.rng("France", "approval")``. The stream's seed
mixes the replication key with the CRC-32 of both names; the stream itself
is SplitMix64 (Steele, Lea & Flood 2014: ``mix(seed + i * gamma)``), a
counter-based generator that passes BigCrush and costs one integer hash per
draw, so a replication can afford a stream per country and purpose.

Because a stream depends on its key and not on the order in which streams are
created or used, two scenarios that differ in one country share every other
draw (common random numbers), and a result never depends on how
replications are batched or which worker runs them.
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from statistics import NormalDist

import numpy as np

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
_STANDARD_NORMAL = NormalDist()
_UNIT = 1.0 / (1 << 53)


def mix64(x: int) -> int:
    """SplitMix64's finaliser (variant 13): a bijective 64-bit hash."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


@lru_cache(maxsize=4096)
def key_word(text: str) -> int:
    """A stable 32-bit word for a name (CRC-32; identical on every machine and run)."""
    return zlib.crc32(text.encode("utf-8"))


def replication_sequence(seed: int, rep: int) -> np.random.SeedSequence:
    """The child of ``SeedSequence(seed)`` for replication ``rep``, as ``spawn`` would make it."""
    root = np.random.SeedSequence(seed)
    return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + (rep,))


class Stream:
    """One keyed stream of uniform draws in (0, 1), with the inverse-CDF draws the model needs."""

    __slots__ = ("_state",)

    def __init__(self, seed: int):
        self._state = seed & MASK

    def random(self) -> float:
        """A uniform draw in the open interval (0, 1): ``((mix64(state) >> 11) + 0.5) / 2**53``.

        :func:`mix64` is spelled out here: one call less per draw, on the model's hottest path.
        """
        x = self._state = (self._state + GAMMA) & MASK
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
        return (((x ^ (x >> 31)) >> 11) + 0.5) * _UNIT

    def exponential(self, mean: float) -> float:
        """An exponential draw with the given mean."""
        return -mean * math.log(self.random())

    def normal(self) -> float:
        """A standard normal draw."""
        return _STANDARD_NORMAL.inv_cdf(self.random())


class Streams:
    """The keyed streams of one replication."""

    def __init__(self, seed: int, rep: int):
        self.seed, self.rep = seed, rep
        k0, k1 = (int(w) for w in replication_sequence(seed, rep).generate_state(2, np.uint64))
        self._k0, self._k1 = k0, k1

    def rng(self, *key: str) -> Stream:
        """A fresh stream for ``key`` (e.g. ``("France", "approval")``); equal keys give equal streams."""
        h = self._k0
        for part in key:
            h = mix64(h ^ key_word(part)) ^ self._k1
        return Stream(mix64(h))
