"""Read a finished run's files back into arrays for plotting."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np


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
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def read_run(folder: Path) -> RunFiles:
    """Read summary.json, scenario.json, coverage.csv, shortfall.csv and timeline.csv."""
    summary = json.loads((folder / "summary.json").read_text())
    scenario = json.loads((folder / "scenario.json").read_text()) if (folder / "scenario.json").exists() else {}
    comps = list(summary["components"])
    H = summary["horizon_days"]
    cov = {c: {k: np.zeros(H) for k in ("mean", "p05", "p50", "p95")} for c in comps}
    for r in _read_csv(folder / "coverage.csv"):
        d = int(r["day"])
        for k in ("mean", "p05", "p50", "p95"):
            cov[r["component"]][k][d] = float(r[k])
    short: dict[str, dict[str, np.ndarray]] = {c: {} for c in comps}
    if (folder / "shortfall.csv").exists():
        for r in _read_csv(folder / "shortfall.csv"):
            series = short[r["component"]].setdefault(r["cause"], np.zeros(H))
            series[int(r["day"])] = float(r["mean"] or 0)
    trained = None
    if (folder / "trained.csv").exists():
        rows = _read_csv(folder / "trained.csv")
        trained = {k: np.array([float(r[k]) for r in rows]) for k in ("mean", "p05", "p50", "p95")}
    return RunFiles(summary, scenario, comps, cov, short, _read_csv(folder / "timeline.csv"), trained)
