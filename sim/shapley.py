"""Exact Shapley values of small games, with numpy.

A game of ``k`` players is given by its value on every coalition: an array
whose first axis has ``2**k`` entries, entry ``m`` holding the value of the
coalition whose members are the set bits of ``m`` (player ``i`` is bit ``i``).
Any further axes are independent games evaluated at once (replications,
days). The Shapley value of player ``i`` is

    phi_i = sum over S not holding i of |S|! (k - |S| - 1)! / k! x (v(S + i) - v(S)),

the average of ``i``'s marginal contribution over every order in which the
players could join. It is linear in ``v``, so all players' values are one
matrix product with a fixed ``(k, 2**k)`` matrix of weights; the values add
up to ``v(all) - v(none)`` (efficiency), a player who never changes the value
gets zero, and two players who are interchangeable get the same.
"""

from __future__ import annotations

from functools import lru_cache
from math import factorial

import numpy as np


@lru_cache(maxsize=None)
def members(k: int) -> np.ndarray:
    """``(2**k, k)`` booleans: row ``m`` marks the players in coalition ``m``."""
    m = np.arange(2**k)[:, None]
    out = (m >> np.arange(k)) & 1 == 1
    out.flags.writeable = False
    return out


@lru_cache(maxsize=None)
def weights(k: int) -> np.ndarray:
    """``(k, 2**k)`` matrix ``W`` with ``phi = W @ v`` for any game ``v`` of ``k`` players."""
    inside = members(k)
    size = inside.sum(axis=1)
    with_i = np.array([factorial(s - 1) * factorial(k - s) for s in np.maximum(size, 1)], dtype=float)
    without_i = np.array([factorial(s) * factorial(k - s - 1) for s in np.minimum(size, k - 1)], dtype=float)
    w = np.where(inside.T, with_i, -without_i) / factorial(k)
    w.flags.writeable = False
    return w


def shapley(values: np.ndarray) -> np.ndarray:
    """Shapley values ``(k, ...)`` of the games ``values`` ``(2**k, ...)`` (see the module docstring)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    k = n.bit_length() - 1
    if n != 2**k:
        raise ValueError(f"expected 2**k coalition values on the first axis, got {n}")
    if k == 0:
        return np.zeros((0,) + values.shape[1:])
    return np.tensordot(weights(k), values, axes=(1, 0))
