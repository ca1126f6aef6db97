"""Leave-one-out: who is critical, ranked across components, from a sweep's ``results.csv``.

Each left-out variant (a country, or for a transit hub's host its pledges or
its transit consent) has, per component, the paired difference of mean
coverage against the full coalition at the same values, with its 95% interval
(``diff_mean_coverage,diff_low,diff_high``: :func:`sim.sweep.store.paired_diff`,
the paired t interval of :mod:`sim.outcomes` that ``compare`` uses). The rank
aggregates these differences: the mean over the components (each component
weighs the same) of the difference in mean coverage, itself averaged over the
design's points; rank 1 is the variant whose absence lowers coverage most.

``ranking.csv``: ``rank,dropped,dropped_part,label,mean_diff,significant_components`` and, per
component, ``<component>_diff,<component>_low,<component>_high``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Optional

import numpy as np

from . import store

RANKING = "ranking.csv"
AGGREGATE = ("mean over the components (each weighs the same) of the paired difference in mean coverage "
             "without the country or part, averaged over the design's points; rank 1 lowers coverage most")


def _num(x: Optional[str]) -> float:
    return float(x) if x not in ("", None) else float("nan")


def label(dropped: str, part: Optional[str]) -> str:
    """``Poland (transit consent)`` for a host's part, the country's name otherwise."""
    return dropped if part in (None, "", "country") else f"{dropped} ({part.replace('_', ' ')})"


def ranking(rows: list[dict], components: list[str]) -> list[dict]:
    """Left-out variants ranked by their mean effect over the components (see the module's text).

    ``rows`` are ``results.csv`` rows as text; rows without a paired difference (failed points, an
    older file) are skipped.
    """
    effects: dict[tuple[str, str], dict[str, list[tuple[float, float, float]]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r.get("error") or not r.get("dropped") or r.get("diff_mean_coverage", "") == "":
            continue
        key = (r["dropped"], r.get("dropped_part") or "country")
        effects[key][r["component"]].append((_num(r["diff_mean_coverage"]), _num(r["diff_low"]), _num(r["diff_high"])))
    out = []
    for (dropped, part), per_comp in effects.items():
        entry: dict = {"dropped": dropped, "dropped_part": part, "label": label(dropped, part)}
        diffs, significant = [], 0
        for comp in components:
            if comp not in per_comp:
                entry.update({f"{comp}_diff": None, f"{comp}_low": None, f"{comp}_high": None})
                continue
            d, lo, hi = (float(x) for x in np.mean(np.array(per_comp[comp]), axis=0))
            entry.update({f"{comp}_diff": round(d, 4), f"{comp}_low": round(lo, 4), f"{comp}_high": round(hi, 4)})
            diffs.append(d)
            significant += bool(lo > 1e-12 or hi < -1e-12)
        entry["mean_diff"] = round(float(np.mean(diffs)), 4) if diffs else None
        entry["significant_components"] = significant
        out.append(entry)
    out.sort(key=lambda e: (np.inf if e["mean_diff"] is None else e["mean_diff"], e["label"]))
    for i, e in enumerate(out, 1):
        e["rank"] = i
    return out


def columns(components: list[str]) -> list[str]:
    """The columns of ``ranking.csv``."""
    per = [f"{c}_{k}" for c in components for k in ("diff", "low", "high")]
    return ["rank", "dropped", "dropped_part", "label", "mean_diff", "significant_components", *per]


def write_ranking(folder: Path, rows: list[dict], components: list[str]) -> Path:
    """Write ``ranking.csv`` into ``folder`` (through a temporary file)."""
    ranked = ranking(rows, components)
    head = columns(components)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(head)
    for e in ranked:
        w.writerow([store.fmt(e.get(k)) for k in head])
    path = Path(folder) / RANKING
    store.atomic_write(path, buf.getvalue())
    return path


def read_ranking(folder: Path) -> list[dict]:
    """The rows of ``ranking.csv`` (empty if there is none)."""
    path = Path(folder) / RANKING
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def table(ranked: list[dict], components: list[str], top: int | None = None) -> str:
    """The ranking as plain text; ``*`` marks a component difference whose 95% interval excludes 0."""
    width = 13
    lines = [f"who is critical (rank: {AGGREGATE})",
             f"{'rank':>4}  {'left out':<30}{'mean':>9}" + "".join(f"{c[:width - 1]:>{width}}" for c in components)]
    for e in ranked[:top] if top else ranked:
        cells = []
        for c in components:
            d, lo, hi = e.get(f"{c}_diff"), e.get(f"{c}_low"), e.get(f"{c}_high")
            if d in (None, ""):
                cells.append("-")
                continue
            d, lo, hi = float(d), float(lo), float(hi)
            cells.append(f"{d:+.3f}{'*' if lo > 1e-12 or hi < -1e-12 else ' '}")
        mean = e.get("mean_diff")
        mean = "-" if mean in (None, "") else f"{float(mean):+.3f}"
        lines.append(f"{e['rank']:>4}  {str(e['label'])[:29]:<30}{mean:>9}" + "".join(f"{x:>{width}}" for x in cells))
    lines.append("* the 95% interval of the paired difference (same seed and replications as the full coalition) excludes 0")
    return "\n".join(lines)
