"""What a sweep writes: a journal of finished points, ``results.csv`` rebuilt from it, ``sweep.json``.

The journal (``points.jsonl``) is the record: one JSON line per finished
point, appended with a single write and ``fsync``, so a sweep killed at any
moment keeps every point it had finished (a half-written last line is
ignored). ``results.csv`` is rebuilt from the journal in point order,
written to a temporary file and renamed into place, so it is always a whole,
sorted table of the points done so far. Numbers are rounded when a point
finishes and printed in one fixed way, so the table is byte-identical
whichever executor, worker count or interruption produced it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Iterable, Optional

import numpy as np

from .. import outcomes
from ..metrics import spread
from .worker import METRICS

JOURNAL = "points.jsonl"
RESULTS = "results.csv"
SWEEP_JSON = "sweep.json"

REQUIRED_COLUMNS = ("mean_coverage", "ioc_day_median", "foc_day_median", "foc_reached", "gap_days_median")
EXTRA_COLUMNS = (
    "mean_coverage_p05",
    "mean_coverage_p95",
    "ioc_reached",
    "ioc_day_p05",
    "ioc_day_p95",
    "foc_day_p05",
    "foc_day_p95",
    "longest_gap_median",
    "sustainable_coverage",
    "reps",
    "error",
)


# --- per-point statistics -----------------------------------------------------------------------


def _r(x: float, digits: int) -> Optional[float]:
    return None if x is None or not np.isfinite(x) else round(float(x), digits)


DIFF_COLUMNS = ("diff_mean_coverage", "diff_low", "diff_high", "mean_coverage_low", "mean_coverage_high")
"""Paired difference of mean coverage against the point's base point, and the mean's own 95% interval."""


def deadline_columns(deadlines) -> list[str]:
    """``p_ioc_by_<D>``, ``p_foc_by_<D>`` per deadline (see :mod:`sim.outcomes`)."""
    return outcomes.deadline_names(deadlines)


def point_stats(values: np.ndarray, deadlines=()) -> dict[str, Any]:
    """Statistics of one component of one point from its (metrics, reps) array (see ``METRICS``)."""
    m = dict(zip(METRICS, values))
    cov = m["mean_coverage"]
    ioc, foc = spread(m["ioc_day"]), spread(m["foc_day"])
    low, high = outcomes.t_interval(cov)
    probabilities = {name: _r(outcomes.values(m, name).mean(), 4) for name in deadline_columns(deadlines)}
    return probabilities | {"mean_coverage_low": _r(low, 4), "mean_coverage_high": _r(high, 4)} | {
        "mean_coverage": _r(float(np.mean(cov)), 4),
        "ioc_day_median": ioc["median"],
        "foc_day_median": foc["median"],
        "foc_reached": _r(foc["reached"], 4),
        "gap_days_median": spread(m["gap_days"])["median"],
        "mean_coverage_p05": _r(float(np.percentile(cov, 5, method="inverted_cdf")), 4),
        "mean_coverage_p95": _r(float(np.percentile(cov, 95, method="inverted_cdf")), 4),
        "ioc_reached": _r(ioc["reached"], 4),
        "ioc_day_p05": ioc["p05"],
        "ioc_day_p95": ioc["p95"],
        "foc_day_p05": foc["p05"],
        "foc_day_p95": foc["p95"],
        "longest_gap_median": spread(m["longest_gap"])["median"],
        "sustainable_coverage": _r(float(np.mean(m["sustainable_coverage"])), 4) if "sustainable_coverage" in m else None,
        "reps": int(cov.size),
    }


# --- the journal -----------------------------------------------------------------------------


class Journal:
    """Append-only record of finished points; the last record of a point wins."""

    def __init__(self, folder: Path):
        """The journal of the sweep in ``folder``."""
        self.path = Path(folder) / JOURNAL

    def read(self) -> dict[int, dict]:
        """Records by point, ignoring a half-written last line (a killed sweep)."""
        out: dict[int, dict] = {}
        if not self.path.exists():
            return out
        for line in self.path.read_bytes().split(b"\n"):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("point"), int):
                out[rec["point"]] = rec
        return out

    def start(self, resume: bool) -> None:
        """Empty the journal for a fresh sweep, or cut a half-written last line before resuming."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not resume or not self.path.exists():
            self.path.write_bytes(b"")
            return
        data = self.path.read_bytes()
        keep = data[: data.rfind(b"\n") + 1]
        if keep != data:
            with open(self.path, "r+b") as fh:
                fh.truncate(len(keep))

    def append(self, record: dict) -> None:
        """Add one point's record durably (one write, then fsync)."""
        line = (json.dumps(record, sort_keys=True, allow_nan=False) + "\n").encode()
        with open(self.path, "ab") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


# --- results.csv -----------------------------------------------------------------------------


def fmt(value: Any) -> str:
    """One fixed text for a value: '' for missing, integers without '.0', floats by ``repr``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not np.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (int, str)):
        return str(value)
    return json.dumps(value, sort_keys=True)


def header(parameters: list[str], leave_one_out: bool, deadlines=()) -> list[str]:
    """The columns of ``results.csv``."""
    return ["point", *parameters, *(["dropped", "dropped_part"] if leave_one_out else []), "component", *REQUIRED_COLUMNS,
            *deadline_columns(deadlines), *DIFF_COLUMNS, *EXTRA_COLUMNS]


def paired_diff(rec: Optional[dict], base: Optional[dict], comp: str, seed: int = 0) -> dict[str, Optional[float]]:
    """Mean coverage of ``rec`` minus its base point's, replication by replication, with a 95% paired t interval."""
    a = ((base or {}).get("reps") or {}).get(comp)
    b = ((rec or {}).get("reps") or {}).get(comp)
    if a is None or b is None or len(a) != len(b):
        return {}
    diff, low, high = outcomes.outcome("mean_coverage").paired(np.asarray(a, float), np.asarray(b, float), seed)
    return {"diff_mean_coverage": _r(diff, 4), "diff_low": _r(low, 4), "diff_high": _r(high, 4)}


def rows(points: Iterable[Any], records: dict[int, dict], parameters: list[str], leave_one_out: bool,
         deadlines=(), base_of=None) -> list[list[str]]:
    """One row per recorded point and component, in point order then component order.

    ``base_of(point)`` gives the index of the point each is compared with (the diff columns).
    """
    out = []
    for point in points:
        rec = records.get(point.index)
        if rec is None:
            continue
        lead = [str(point.index), *(fmt(point.values[p]) for p in parameters)]
        if leave_one_out:
            lead.extend([point.dropped or "", getattr(point, "part", None) or ""])
        base = records.get(base_of(point)) if base_of is not None else None
        for comp in rec["components"]:
            stats = dict((rec.get("stats") or {}).get(comp, {}))
            stats.update(paired_diff(rec, base, comp))
            cells = [fmt(stats.get(c)) for c in (*REQUIRED_COLUMNS, *deadline_columns(deadlines), *DIFF_COLUMNS,
                                                  *EXTRA_COLUMNS[:-1])]
            out.append([*lead, comp, *cells, rec.get("error") or ""])
    return out


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (never half-written)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_results(folder: Path, head: list[str], body: list[list[str]]) -> Path:
    """Write ``results.csv`` (LF line ends, minimal quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(head)
    writer.writerows(body)
    path = Path(folder) / RESULTS
    atomic_write(path, buf.getvalue())
    return path


def write_json(path: Path, data: dict) -> None:
    """Write a JSON file atomically, keys in a stable order."""
    atomic_write(Path(path), json.dumps(data, indent=2, default=str) + "\n")


def read_json(path: Path) -> Optional[dict]:
    """A JSON file's contents, or None if missing or unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
