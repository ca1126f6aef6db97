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

The replication's key is worked out by :func:`replication_key`, which follows the
``SeedSequence`` algorithm (O'Neill's ``seed_seq`` hash, as numpy states it) on Python
integers: the part that depends on the seed alone is hashed once per seed, and each
replication adds its index to it. Building a numpy ``SeedSequence`` per replication cost
more than the draws of a whole baseline replication's streams.
"""

from __future__ import annotations

import math
import os
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


# --- SeedSequence's hash on Python integers ----------------------------------------------------
# The constants of numpy's SeedSequence (32-bit words, a pool of four).
_POOL = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_M32 = 0xFFFFFFFF


def _words(n: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (0 is one word)."""
    out = [n & _M32]
    n >>= 32
    while n:
        out.append(n & _M32)
        n >>= 32
    return out


def _mix(x: int, y: int) -> int:
    r = (_MIX_L * x - _MIX_R * y) & _M32
    return r ^ (r >> 16)


class _Hasher:
    """The running hash constant of the entropy-mixing stage."""

    __slots__ = ("const",)

    def __init__(self):
        self.const = _INIT_A

    def __call__(self, value: int) -> int:
        value ^= self.const
        self.const = (self.const * _MULT_A) & _M32
        value = (value * self.const) & _M32
        return value ^ (value >> 16)


@lru_cache(maxsize=64)
def _seed_pool(seed: int) -> tuple[tuple[int, ...], int]:
    """The pool after mixing in a seed's words (padded to the pool, as a sequence with a spawn key is), and the hash constant."""
    words = _words(seed)
    words += [0] * (_POOL - len(words))
    hashmix = _Hasher()
    pool = [hashmix(w) for w in words[:_POOL]]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hashmix(pool[src]))
    for w in words[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashmix(w))
    return tuple(pool), hashmix.const


def replication_key(seed: int, rep: int) -> tuple[int, int]:
    """The two 64-bit words ``replication_sequence(seed, rep).generate_state(2, np.uint64)`` gives.

    Seeds and replication indices must be non-negative integers (as ``SeedSequence`` requires).
    """
    if not (isinstance(seed, int) and isinstance(rep, int) and seed >= 0 and rep >= 0):
        k0, k1 = (int(w) for w in replication_sequence(seed, rep).generate_state(2, np.uint64))
        return k0, k1
    start, const = _seed_pool(seed)
    pool = list(start)
    hashmix = _Hasher()
    hashmix.const = const
    for w in _words(rep):  # the spawn key, after the seed
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashmix(w))
    out, const = [], _INIT_B
    for i in range(4):  # two 64-bit words are four 32-bit ones, read from the pool in turn
        value = pool[i % _POOL] ^ const
        const = (const * _MULT_B) & _M32
        value = (value * const) & _M32
        out.append(value ^ (value >> 16))
    return out[0] | (out[1] << 32), out[2] | (out[3] << 32)


# --- the streams ---------------------------------------------------------------------------------

_KEY_WORDS: dict[tuple[str, ...], tuple[int, ...]] = {}  # a stream's key as CRC-32 words (a cache of pure values)
_KEYS_KEPT = 1 << 16


class PlainStream:
    """One keyed stream of uniform draws in (0, 1), with the inverse-CDF draws the model needs.

    The plain Python definition of the streams. Where ``pip install`` could compile it, the
    identical :class:`sim._splitmix.Stream` is used instead (:data:`Stream`, :data:`COMPILED`).
    """

    __slots__ = ("_state",)

    def __init__(self, seed: int):
        self._state = seed & MASK

    def random(self) -> float:
        """A uniform draw in the open interval (0, 1): ``((mix64(state) >> 11) + 0.5) / 2**53``.

        :func:`mix64` is spelled out here: one call less per draw, on the model's hottest path.
        """
        x = self._state = (self._state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return (((x ^ (x >> 31)) >> 11) + 0.5) * _UNIT

    def exponential(self, mean: float) -> float:
        """An exponential draw with the given mean: ``-mean * log(random())``, the draw spelled out."""
        x = self._state = (self._state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return -mean * math.log((((x ^ (x >> 31)) >> 11) + 0.5) * _UNIT)

    def normal(self) -> float:
        """A standard normal draw."""
        return _STANDARD_NORMAL.inv_cdf(self.random())


def plain_stream_seed(k0: int, k1: int, words: tuple[int, ...], after: dict[int, int]) -> int:
    """The seed of the stream whose key has CRC-32 ``words``, in a replication keyed ``(k0, k1)``.

    It is ``mix64(h)`` after ``h = mix64(h ^ word) ^ k1`` for each word, from ``h = k0``; :func:`mix64`
    is spelled out, and the hash after a first word (a country's name, most often) is kept in
    ``after`` for the replication's other keys that start with it.
    """
    if not words:
        h = k0
    else:
        h = after.get(words[0])
        if h is None:
            x = k0 ^ words[0]
            x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
            x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
            h = after[words[0]] = x ^ (x >> 31) ^ k1
        for w in words[1:]:
            x = h ^ w
            x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
            x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
            h = x ^ (x >> 31) ^ k1
    x = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


def _compiled():
    """The compiled streams (:mod:`sim._splitmix`), or None: not built here, or ``COALITION_SIM_PURE=1``."""
    if os.environ.get("COALITION_SIM_PURE", "") not in ("", "0"):
        return None
    try:
        from . import _splitmix
    except ImportError:
        return None
    return _splitmix


_SPLITMIX = _compiled()
COMPILED: bool = _SPLITMIX is not None
"""Whether the streams run compiled. The draws are the same either way; only their cost differs."""
Stream = _SPLITMIX.Stream if COMPILED else PlainStream
"""The class of the streams :meth:`Streams.rng` hands out: compiled where it could be built, else :class:`PlainStream`."""
stream_seed = _SPLITMIX.stream_seed if COMPILED else plain_stream_seed
""":func:`plain_stream_seed`, compiled where it could be built."""


class Streams:
    """The keyed streams of one replication."""

    def __init__(self, seed: int, rep: int):
        self.seed, self.rep = seed, rep
        self._k0, self._k1 = replication_key(seed, rep)
        self._after: dict[int, int] = {}  # a key's first word -> the hash after it (keys share their first part)

    def rng(self, *key: str) -> "PlainStream":
        """A fresh stream for ``key`` (e.g. ``("France", "approval")``); equal keys give equal streams.

        Its seed is :func:`plain_stream_seed` of the key's words, each key's words looked up once.
        """
        words = _KEY_WORDS.get(key)
        if words is None:
            words = tuple(key_word(part) for part in key)
            if len(_KEY_WORDS) < _KEYS_KEPT:
                _KEY_WORDS[key] = words
        return Stream(stream_seed(self._k0, self._k1, words, self._after))

