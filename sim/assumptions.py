"""Which unsourced assumptions a run's answer rests on.

Every default in ``seeds/`` carries source ids or an ``assumption:`` note. A run
uses only some of them: the parameters of the components it simulates (the
failure model only where maintenance is modelled, the fixed availability only
where it is not), the enablers that act on those components, the backstop
levels the run reaches (the guarantee's willingness only if it reaches the
guarantee), and the catalog fields of its countries. :func:`assumptions_used`
lists those whose provenance is an assumption without a source, with the note,
so ``summary.json`` says what the answer would change with.
"""

from __future__ import annotations

from typing import Any

from .catalog import Catalog
from .provenance import covering_key, leaf_paths, value_at

FAILURE_FIELDS = ("mtbf_days", "mttr_days", "crews_per_detachment", "detachment_size")


def unsourced(entry: Any) -> str | None:
    """The assumption note of a provenance entry that cites no source (else None)."""
    if isinstance(entry, dict) and entry.get("assumption") and not entry.get("sources"):
        return str(entry["assumption"])
    return None


def parameter_used(path: str, scenario) -> bool:
    """Whether the parameter at dotted ``path`` enters a run of ``scenario``."""
    comps, maint = set(scenario.components), set(scenario.maintenance)
    parts = path.split(".")
    head = parts[0]
    if head in ("sky", "sea"):
        if head not in comps:
            return False
        if parts[1] in FAILURE_FIELDS:
            return head in maint
        if parts[1] == "availability":
            return head not in maint
        return True
    if head in ("land", "regeneration"):
        return head in comps
    if head == "montreux":
        return "sea" in comps
    if head == "rotation" and len(parts) > 2 and parts[1] == "default":
        return parts[2] in comps
    if head == "transit" and len(parts) > 2:
        hubs = {h.name for h in scenario.transit.hubs} if scenario.transit else set()
        return parts[2] in hubs
    if head == "enablers" and len(parts) > 2:
        enabler = scenario.parameters.enablers.get(parts[1])
        if enabler is None:
            return False
        if parts[2] == "effects":
            return len(parts) > 3 and parts[3] in comps
        if parts[2] == "need":
            return any(c in comps for c in enabler.effects) or enabler.deploy_factor != 1.0 or enabler.hub_throughput_factor != 1.0
        return True
    return True


def levels_reached(scenario) -> list[str]:
    """The US levels a run of ``scenario`` can be at: its start level and those of its events."""
    levels = [scenario.us_backstop.level]
    levels += [e.level for e in scenario.events if e.type == "backstop"]
    return list(dict.fromkeys(levels))


def assumptions_used(scenario, raw: dict | None = None, catalog: Catalog | None = None) -> list[dict]:
    """Unsourced assumptions a run of ``scenario`` uses: ``[{path, assumption}]``.

    ``raw`` is the scenario file as written: parameters and country fields it sets itself are its
    own (its comments give their grounds) and are left out.
    """
    catalog = catalog or Catalog.load()
    raw = raw or {}
    out: list[dict] = []
    overrides = raw.get("parameters") or {}
    for path, entry in catalog.parameter_provenance.items():
        note = unsourced(entry)
        if note and value_at(overrides, path) is None and parameter_used(path, scenario):
            out.append({"path": f"parameters.{path}", "assumption": note})
    reached = levels_reached(scenario)
    if raw.get("us_backstop", {}).get("adds") if isinstance(raw.get("us_backstop"), dict) else False:
        reached = [lv for lv in reached if lv == "guarantee"]  # the scenario wrote its own ladder
    for level in catalog.levels:
        if level.get("name") not in reached:
            continue
        prov = level.get("provenance")
        if not isinstance(prov, dict) or "sources" in prov or "assumption" in prov:
            continue
        for key, entry in prov.items():
            note = unsourced(entry)
            if note and (key != "adds" or level.get("adds")):
                out.append({"path": f"backstop.{level['name']}.{key}", "assumption": note})
    raw_countries = {}
    for entry in raw.get("countries") or []:
        if isinstance(entry, dict):
            raw_countries[entry.get("name") or entry.get("ref")] = entry
    comps = set(scenario.components)
    for country in scenario.countries:
        if not country.ref or country.ref not in catalog.countries:
            continue
        entry = catalog.countries[country.ref]
        prov = entry.get("provenance") or {}
        if not isinstance(prov, dict):
            continue
        own = raw_countries.get(country.name) or raw_countries.get(country.ref) or {}
        fields = {k: v for k, v in entry.items() if k not in ("name", "provenance")}
        for path, _ in leaf_paths(fields):
            head = path.split(".")[0]
            if head in ("sky", "sea", "land", "regeneration") and head not in comps:
                continue
            if value_at(own, path) is not None:
                continue
            key = covering_key(path, [k for k in prov])
            note = unsourced(prov.get(key)) if key is not None else None
            if note:
                out.append({"path": f"countries.{country.name}.{key}", "assumption": note})
    seen, unique = set(), []
    for item in out:
        if item["path"] not in seen:
            seen.add(item["path"])
            unique.append(item)
    return unique
