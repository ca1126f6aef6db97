"""What a result rests on: the assumptions it used and the sources behind its defaults.

A run's ``summary.json`` lists, under ``defaults_used``, the provenance of every
catalog default the run took (parameters, countries, backstop levels). This
module turns that into two lists a reader can check:

* assumptions -- every default carried by an ``assumption:`` note rather than a
  source, with the value the run used where it is known;
* sources -- every source cited, with outlet, date, title and link, and what
  cites it.

For folders without a run summary (a sweep, an audit...), the same lists are
built from the catalog for the base scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog
from ..provenance import cited_ids, fmt_value, value_at
from ..vocabulary import LEVELS


@dataclass(frozen=True)
class Assumption:
    """One default resting on a stated assumption rather than a source."""

    group: str
    what: str
    value: str
    assumption: str
    note: str = ""
    sources: tuple[str, ...] = ()


@dataclass
class Source:
    """One cited source with what cites it."""

    id: str
    outlet: str
    date: str
    title: str
    url: str | None
    weak: bool
    cited_for: list[str] = field(default_factory=list)


@dataclass
class Evidence:
    """The assumptions and sources of a result."""

    assumptions: list[Assumption]
    sources: list[Source]
    sourced_defaults: int


def _entries(prov: Any) -> dict[str, Any]:
    """A ``provenance:`` value as ``{field path: entry}``; ``""`` covers the whole entry."""
    if prov is None:
        return {}
    if isinstance(prov, list) or (isinstance(prov, dict) and ("sources" in prov or "assumption" in prov)):
        return {"": prov}
    if isinstance(prov, dict):
        return {str(k): v for k, v in prov.items()}
    return {"": prov}


def _level_fields(catalog: Catalog, name: str) -> dict:
    for lv in catalog.levels:
        if lv.get("name") == name:
            return {k: v for k, v in lv.items() if k not in ("name", "provenance")}
    return {}


def labelled_entries(defaults_used: dict, scenario: dict | None, catalog: Catalog) -> list[tuple[str, str, str, Any]]:
    """Every provenance entry of ``defaults_used`` as ``(group, label, value, entry)``.

    Args:
        defaults_used: ``summary.json``'s ``defaults_used`` mapping.
        scenario: the resolved scenario (``scenario.json``) for the values used; None to take the catalog's.
        catalog: the evidence base, for values the scenario does not hold.
    """
    out: list[tuple[str, str, str, Any]] = []
    params = (scenario or {}).get("parameters") or catalog.parameter_values
    for path, entry in (defaults_used.get("parameters") or {}).items():
        out.append(("parameters", path, fmt_value(value_at(params, path)), entry))
    by_name = {c.get("name"): c for c in (scenario or {}).get("countries") or []}
    for country, prov in (defaults_used.get("countries") or {}).items():
        fields = by_name.get(country) or {k: v for k, v in catalog.countries.get(country, {}).items()}
        for path, entry in _entries(prov).items():
            value = fmt_value(value_at(fields, path)) if path else ""
            out.append(("countries", f"{country} {path}".strip(), value, entry))
    for level, prov in (defaults_used.get("backstop") or {}).items():
        fields = _level_fields(catalog, level)
        for path, entry in _entries(prov).items():
            value = fmt_value(value_at(fields, path)) if path else ""
            out.append(("US backstop", f"{level} {path}".strip(), value, entry))
    return out


def evidence(defaults_used: dict, scenario: dict | None, catalog: Catalog) -> Evidence:
    """The assumptions and cited sources of ``defaults_used``, in the order they are met."""
    assumptions: list[Assumption] = []
    sources: dict[str, Source] = {}
    sourced = 0
    for group, label, value, entry in labelled_entries(defaults_used, scenario, catalog):
        ids = cited_ids(entry)
        if ids:
            sourced += 1
        for sid in ids:
            src = sources.get(sid)
            if src is None:
                raw = catalog.sources.get(sid, {})
                src = sources[sid] = Source(
                    id=sid,
                    outlet=str(raw.get("outlet") or "unknown outlet"),
                    date=str(raw.get("date") or ""),
                    title=str(raw.get("title") or "(not in the catalog's sources)"),
                    url=raw.get("url") or None,
                    weak=raw.get("reliability") == "weak",
                )
            src.cited_for.append(label)
        if isinstance(entry, dict) and entry.get("assumption"):
            assumptions.append(
                Assumption(
                    group=group,
                    what=label,
                    value=value,
                    assumption=str(entry["assumption"]),
                    note=str(entry.get("note") or ""),
                    sources=tuple(ids),
                )
            )
    return Evidence(assumptions=assumptions, sources=list(sources.values()), sourced_defaults=sourced)


def catalog_defaults(catalog: Catalog, scenario: dict | None, level: str | None) -> dict:
    """``defaults_used`` for a folder without a run summary: the catalog's defaults for ``scenario``.

    Parameters the scenario sets itself are left out; countries are those the
    scenario names (every catalog country when unknown); backstop levels up to
    ``level`` (all when unknown).
    """
    overrides = (scenario or {}).get("parameters") or {}
    params = {p: e for p, e in catalog.parameter_provenance.items() if value_at(overrides, p) is None}
    names = [c.get("ref") or c.get("name") for c in (scenario or {}).get("countries") or []] or list(catalog.countries)
    countries = {n: catalog.countries[n].get("provenance", {}) for n in names if n in catalog.countries}
    top = LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1
    backstop = {lv["name"]: lv.get("provenance") for lv in catalog.levels if lv.get("name") in LEVELS[: top + 1]}
    return {"parameters": params, "countries": countries, "backstop": backstop}
