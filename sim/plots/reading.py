"""Read a finished run's files back into arrays for plotting."""

from __future__ import annotations

import csv
import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import ScenarioError


@dataclass
class RunFiles:
    """A run's results as read from its folder."""

    summary: dict
    scenario: dict
    components: list[str]
    coverage: dict[str, dict[str, np.ndarray]]  # component -> mean/p05/p50/p95 -> (H,)
    shortfall: dict[str, dict[str, np.ndarray]]  # component -> cause -> (H,)
    timeline: list[dict]
    trained: dict[str, np.ndarray] | None = None  # mean/p05/p50/p95 cumulative graduates per day


def _read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@contextmanager
def reading(path: Path, what: str = "a run") -> Iterator[None]:
    """Turn any failure to read or make sense of ``path`` into a one-line error naming it."""
    if not path.is_file():
        raise ScenarioError.at(str(path), "", f"missing: expected the file {what} writes (the folder is damaged or incomplete)")
    try:
        yield
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, csv.Error) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        raise ScenarioError.at(str(path), "", f"unreadable ({detail[:120]}); expected the file as {what} writes it") from None


def read_run(folder: Path) -> RunFiles:
    """Read summary.json, scenario.json, coverage.csv, shortfall.csv and timeline.csv.

    A missing or damaged file raises :class:`~sim.errors.ScenarioError` naming it.
    """
    folder = Path(folder)
    with reading(folder / "summary.json"):
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        comps = list(summary["components"])
        H = int(summary["horizon_days"])
        if H < 1 or not all(isinstance(c, str) for c in comps):
            raise ValueError("expected components and a positive horizon_days")
    scenario = {}
    if (folder / "scenario.json").exists():
        with reading(folder / "scenario.json"):
            scenario = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
    cov = {c: {k: np.zeros(H) for k in ("mean", "p05", "p50", "p95")} for c in comps}
    with reading(folder / "coverage.csv"):
        seen = set()
        for r in _read_csv(folder / "coverage.csv"):
            d = int(r["day"])
            for k in ("mean", "p05", "p50", "p95"):
                cov[r["component"]][k][d] = float(r[k])
            for k in ("p_ioc", "p_foc"):  # share of replications at or above IOC / FOC (newer runs)
                if r.get(k) not in (None, ""):
                    cov[r["component"]].setdefault(k, np.full(H, np.nan))[d] = float(r[k])
            seen.add((d, r["component"]))
        if len(seen) != H * len(comps):
            raise ValueError(f"{len(seen)} of {H} days x {len(comps)} components: the file is incomplete")
    short: dict[str, dict[str, np.ndarray]] = {c: {} for c in comps}
    if (folder / "shortfall.csv").exists():
        with reading(folder / "shortfall.csv"):
            for r in _read_csv(folder / "shortfall.csv"):
                series = short[r["component"]].setdefault(r["cause"], np.zeros(H))
                series[int(r["day"])] = float(r["mean"] or 0)
    trained = None
    if (folder / "trained.csv").exists():
        with reading(folder / "trained.csv"):
            rows = _read_csv(folder / "trained.csv")
            trained = {k: np.array([float(r[k]) for r in rows]) for k in ("mean", "p05", "p50", "p95")}
    with reading(folder / "timeline.csv"):
        timeline = _read_csv(folder / "timeline.csv")
        for r in timeline:
            int(r["rep"]), str(r["country"]), str(r["component"]), float(r["amount"])
            for k in ("arrival_day", "departure_day"):
                if r[k] not in ("", None):
                    float(r[k])
    return RunFiles(summary, scenario, comps, cov, short, timeline, trained)
