"""The work a sweep sends out: batches of replications, returned as per-replication metrics.

A :class:`Chunk` is a contiguous run of replications of one point; a task is
a list of chunks that together carry about a second of work, so that the
cost of sending a task (a millisecond or more on Dask) stays small. Workers
return only the scalar outcomes per replication and component (``METRICS``), never a
daily series, so memory does not grow with the horizon. An exception in the
model is caught per chunk and returned as text: the point is recorded as
failed and the sweep goes on.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import outcomes
from ..runner import run_reps
from ..scenario import Scenario

METRICS = outcomes.BASE + outcomes.FROM_TRACE
"""The per-replication outcomes a worker returns, in this order (declared in :mod:`sim.outcomes`)."""


@dataclass(frozen=True)
class Chunk:
    """Replications ``start .. stop - 1`` of point ``point``."""

    point: int
    scenario: Scenario
    seed: int
    start: int
    stop: int


@dataclass(frozen=True)
class ChunkResult:
    """Metrics of one chunk: ``values[component]`` is a (metrics, reps) array; or the error."""

    point: int
    start: int
    stop: int
    values: Optional[dict[str, np.ndarray]]
    error: Optional[str] = None


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Simulate one chunk; a model exception becomes ``error`` ("Type: message" and where it was raised)."""
    try:
        metrics = run_reps(chunk.scenario, chunk.seed, range(chunk.start, chunk.stop))
    except Exception as exc:  # noqa: BLE001 - any model failure is recorded, not fatal
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f" (at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno})"
        return ChunkResult(chunk.point, chunk.start, chunk.stop, None, f"{type(exc).__name__}: {exc}{where}")
    values = {comp: np.stack([np.asarray(m[k], dtype=float) for k in METRICS]) for comp, m in metrics.items()}
    return ChunkResult(chunk.point, chunk.start, chunk.stop, values)


def run_task(chunks: list[Chunk]) -> list[ChunkResult]:
    """Simulate every chunk of a task, in order."""
    return [run_chunk(c) for c in chunks]
