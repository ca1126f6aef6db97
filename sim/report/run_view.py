"""The parts of a report read from a run's files: headline, deadlines, causes of shortfall, burden.

Pure functions from the parsed ``summary.json`` (and ``shortfall.csv``) to
plain rows of text that the template lays out. Nothing here is computed anew:
every figure is one the run wrote.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..vocabulary import UNITS

CAUSE_WORDS: dict[str, str] = {
    "surge": "requirement surge",
    "unpledged": "never pledged",
    "not_approved": "not approved at home",
    "withdrawn": "withdrawn",
    "phase_wait": "waiting for its phase",
    "moving": "on the way",
    "rotation_gap": "rotation gap",
    "straits": "straits (Montreux)",
    "maintenance": "in maintenance",
    "enabler": "missing enablers",
}
"""Plain words for the causes of ``shortfall.csv``; unknown causes keep their own name."""


def pct(x: Any, digits: int = 0) -> str:
    """A share as a percentage (``0.512`` -> ``51%``); blank when missing."""
    if x is None or x == "":
        return ""
    try:
        return f"{float(x) * 100:.{digits}f}%"
    except (TypeError, ValueError):
        return str(x)


def day(x: Any) -> str:
    """A day number, or ``never`` when the milestone was not reached."""
    if x is None or x == "":
        return "never"
    try:
        return f"{float(x):.0f}"
    except (TypeError, ValueError):
        return str(x)


@dataclass(frozen=True)
class Milestone:
    """A milestone day across replications: median, 5th-95th percentile range, share reached."""

    median: str
    spread: str
    reached: str


def milestone(spread: dict | None) -> Milestone:
    """A ``{median, p05, p95, reached}`` mapping of ``summary.json`` in words."""
    s = spread or {}
    low, high = day(s.get("p05")), day(s.get("p95"))
    return Milestone(
        median=day(s.get("median")),
        spread="" if low == high == "never" else f"{low}–{high}",
        reached=pct(s.get("reached")),
    )


@dataclass(frozen=True)
class HeadlineRow:
    """One component's line of the headline table."""

    component: str
    requirement: str
    mean_coverage: str
    ioc: Milestone
    foc: Milestone
    gap_days: Milestone
    longest_gap: Milestone


def requirement_text(component: str, requirements: dict | None) -> str:
    """A component's requirement in words (``2 orbits``, ``25000 troops``)."""
    req = (requirements or {}).get(component) or {}
    parts = [f"{v:g} {k.replace('_', ' ')}" if isinstance(v, (int, float)) else f"{v} {k}" for k, v in req.items()]
    return ", ".join(parts)


def headline(summary: dict, scenario: dict | None) -> list[HeadlineRow]:
    """The headline table: per component, coverage, IOC and FOC days, and gaps."""
    rows = []
    for comp, c in (summary.get("components") or {}).items():
        rows.append(
            HeadlineRow(
                component=comp,
                requirement=requirement_text(comp, (scenario or {}).get("requirements")),
                mean_coverage=pct(c.get("mean_coverage")),
                ioc=milestone(c.get("ioc_day")),
                foc=milestone(c.get("foc_day")),
                gap_days=milestone(c.get("gap_days")),
                longest_gap=milestone(c.get("longest_gap_days")),
            )
        )
    return rows


def findings(summary: dict) -> list[tuple[str, str]]:
    """Per component, one plain sentence saying when it is covered and how reliably."""
    th = summary.get("thresholds") or {}
    ioc, foc = pct(th.get("ioc", 0.5)), pct(th.get("foc", 0.9))
    horizon = summary.get("horizon_days")
    out = []
    for comp, c in (summary.get("components") or {}).items():
        i, f = c.get("ioc_day") or {}, c.get("foc_day") or {}
        if i.get("median") is not None:
            first = f"half the runs hold {ioc} of the requirement (IOC) by day {day(i['median'])}"
        else:
            first = f"most runs never hold {ioc} of the requirement (IOC) within {horizon} days"
        first += f"; {pct(i.get('reached'))} of runs get there at all"
        if f.get("median") is not None:
            second = f"Full capability ({foc}) by day {day(f['median'])} in half the runs ({pct(f.get('reached'))} reach it)"
        else:
            second = f"Full capability ({foc}) is reached in only {pct(f.get('reached'))} of runs"
        out.append((comp, f"{first}. {second}. Mean coverage over {horizon} days: {pct(c.get('mean_coverage'))}."))
    return out


@dataclass(frozen=True)
class Deadlines:
    """Chances of holding IOC and FOC by given days: ``days`` columns, one row per component."""

    days: list[str]
    rows: list[tuple[str, list[tuple[str, str]]]]


def _chance(d: dict, key: str) -> tuple[str, str]:
    """A chance and its 95% interval in words (``66%``, ``59–72%``); blanks when missing."""
    if d.get(key) is None:
        return "", ""
    low, high = d.get(f"{key}_low"), d.get(f"{key}_high")
    band = f"{pct(low)[:-1]}–{pct(high)}" if low is not None and high is not None else ""
    return pct(d[key]), band


def deadlines(summary: dict) -> Deadlines | None:
    """The ``deadlines`` of each component in ``summary.json`` (None when the run recorded none)."""
    comps = summary.get("components") or {}
    days: list[str] = []
    for c in comps.values():
        for d in c.get("deadlines") or []:
            if isinstance(d, dict) and day(d.get("day")) not in days:
                days.append(day(d.get("day")))
    if not days:
        return None
    rows = []
    for comp, c in comps.items():
        by_day = {day(d.get("day")): d for d in c.get("deadlines") or [] if isinstance(d, dict)}
        rows.append((comp, [(_chance(by_day.get(x, {}), "p_ioc"), _chance(by_day.get(x, {}), "p_foc")) for x in days]))
    return Deadlines(days=days, rows=rows)


@dataclass(frozen=True)
class Causes:
    """Mean shortfall over the horizon by cause, in shares of the requirement."""

    causes: list[str]
    rows: list[tuple[str, list[str], str]]


def causes(path: Path) -> Causes | None:
    """Average ``shortfall.csv`` over the days: per component, each cause's share of the requirement."""
    totals: dict[str, dict[str, float]] = {}
    days: dict[str, set] = {}
    try:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                try:
                    value = float(row["mean"] or 0.0)
                except (KeyError, ValueError):
                    continue
                comp, cause = row.get("component", ""), row.get("cause", "")
                totals.setdefault(comp, {}).setdefault(cause, 0.0)
                totals[comp][cause] += value
                days.setdefault(comp, set()).add(row.get("day"))
    except OSError:
        return None
    if not totals:
        return None
    seen = list(dict.fromkeys(c for per in totals.values() for c in per))
    used = [c for c in seen if any(per.get(c, 0.0) > 0 for per in totals.values())]
    rows = []
    for comp, per in totals.items():
        n = max(1, len(days[comp]))
        shares = {c: per.get(c, 0.0) / n for c in used}
        main = max(shares, key=shares.get) if shares and max(shares.values()) > 0 else ""
        rows.append((comp, [pct(shares[c], 1) for c in used], CAUSE_WORDS.get(main, main)))
    return Causes(causes=[CAUSE_WORDS.get(c, c) for c in used], rows=rows)


@dataclass(frozen=True)
class BurdenRow:
    """One country's contribution to one component."""

    country: str
    stance: str
    component: str
    pledged: str
    approved: str
    arrived: str
    peak_mean: str
    committed: str


def burden(summary: dict) -> list[BurdenRow]:
    """Per country and component with a pledge: approval, arrival, mean peak and total committed with rotation."""
    rows = []
    for country, c in (summary.get("countries") or {}).items():
        for comp, t in (c.get("contributions") or {}).items():
            if not t.get("pledged"):
                continue
            unit = UNITS.get(comp, "")
            rows.append(
                BurdenRow(
                    country=country,
                    stance=str(c.get("stance") or ""),
                    component=comp,
                    pledged=f"{float(t['pledged']):g} {unit}".strip(),
                    approved=pct(t.get("approved_share")),
                    arrived=pct(t.get("arrived_share")),
                    peak_mean=f"{float(t.get('peak_deployed_mean') or 0):g}",
                    committed=f"{float(t.get('committed_with_rotation') or 0):g}",
                )
            )
    return rows
