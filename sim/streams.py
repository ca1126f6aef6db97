"""Random streams keyed by replication, entity and purpose.

One ``numpy.random.SeedSequence(seed)`` decides everything. Replication ``r``
uses the child ``SeedSequence.spawn`` would give at index ``r``; inside it,
each draw has its own stream keyed by *who* draws and *what* is drawn, e.g.
``streams.rng("France", "approval")``. Because a stream depends on its key
and not on the order in which streams are created, two scenarios that differ
in one country share every other draw (common random numbers), and a result
never depends on how replications are batched or which worker runs them.
"""

from __future__ import annotations

import zlib

import numpy as np


def key_word(text: str) -> int:
    """A stable 32-bit word for a name (CRC-32; identical on every machine and run)."""
    return zlib.crc32(text.encode("utf-8"))


def replication_sequence(seed: int, rep: int) -> np.random.SeedSequence:
    """The child of ``SeedSequence(seed)`` for replication ``rep``, as ``spawn`` would make it."""
    root = np.random.SeedSequence(seed)
    return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + (rep,))


class Streams:
    """Independent generators for one replication, one per (entity, purpose) key."""

    def __init__(self, seed: int, rep: int):
        self._sequence = replication_sequence(seed, rep)
        self._cache: dict[tuple[str, ...], np.random.Generator] = {}

    def rng(self, *key: str) -> np.random.Generator:
        """The generator for ``key`` (e.g. ``("France", "approval")``), created on first use."""
        gen = self._cache.get(key)
        if gen is None:
            seq = self._sequence
            child = np.random.SeedSequence(seq.entropy, spawn_key=seq.spawn_key + tuple(map(key_word, key)))
            gen = self._cache[key] = np.random.Generator(np.random.PCG64(child))
        return gen
