"""Checks across a scenario's keys, run on the mapping whatever state its fields are in.

:func:`consistency` finds the problems no single field shows (an unknown
country in an event, an unknown hub in ``via``, two hubs with one name, the
same country twice, phase gates in a cycle, IOC above FOC, ...). It reads the
resolved mapping defensively, so it runs even when some fields are invalid and
its problems are reported together with the field errors, in one pass.

:func:`warnings` finds what is allowed but probably not meant: events or phase
days beyond the horizon, and overrides of parameters the scenario never uses.

Both return ``(key path, message)`` pairs; the caller adds the file name.
"""

from __future__ import annotations

from typing import Any, Iterable

from .vocabulary import COMPONENTS

Finding = tuple[str, str]


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _dicts(items: Any) -> list[tuple[int, dict]]:
    return [(i, e) for i, e in enumerate(items) if isinstance(e, dict)] if isinstance(items, list) else []


def _country_name(entry: dict) -> str | None:
    name = entry.get("name", entry.get("ref"))
    return name if isinstance(name, str) and name else None


def _hub_names(data: dict) -> list[str] | None:
    transit = data.get("transit")
    if not isinstance(transit, dict):
        return None
    return [h.get("name") for _, h in _dicts(transit.get("hubs")) if isinstance(h.get("name"), str)]


def simulated(data: dict) -> list[str]:
    """Components under ``requirements`` (those simulated), in canonical order."""
    req = data.get("requirements")
    return [c for c in COMPONENTS if isinstance(req, dict) and req.get(c) is not None]


def gate_cycles(phases: dict) -> list[list[str]]:
    """Cycles of ``after`` gates: each a list of components that wait for one another (no start)."""
    waits = {
        comp: p["after"]["component"]
        for comp, p in phases.items()
        if isinstance(p, dict) and isinstance(p.get("after"), dict) and isinstance(p["after"].get("component"), str)
    }
    cycles, done = [], set()
    for start in waits:
        path, node = [], start
        while node in waits and node not in path and node not in done:
            path.append(node)
            node = waits[node]
        if node in path:
            cycle = path[path.index(node) :]
            if len(cycle) > 1:  # a component waiting for itself is reported on its own
                cycles.append(cycle)
        done.update(path)
    return cycles


def consistency(data: Any) -> list[Finding]:
    """Every cross-key problem of a resolved scenario mapping (see the module docstring)."""
    if not isinstance(data, dict):
        return []
    out: list[Finding] = []
    comps = simulated(data)
    countries = _dicts(data.get("countries"))
    names: dict[str, int] = {}
    refs: dict[str, str] = {}
    for i, c in countries:
        name = _country_name(c)
        if name is None:
            continue
        if name in names:
            out.append((f"countries[{name}]", f"the same country twice (entries {names[name]} and {i}); expected each country once"))
        names.setdefault(name, i)
        ref = c.get("ref")
        if isinstance(ref, str) and ref in refs and refs[ref] != name:
            out.append((f"countries[{name}].ref", f"catalog country {ref!r} is already in as {refs[ref]!r}; expected each country once"))
        if isinstance(ref, str):
            refs.setdefault(ref, name)
    if isinstance(data.get("requirements"), dict) and not comps:
        out.append(("requirements", "expected at least one component (sky, sea, land, regeneration)"))

    phases = data.get("phases")
    if isinstance(phases, dict) and comps:
        for comp, p in phases.items():
            if comp in COMPONENTS and comp not in comps:
                out.append((f"phases.{comp}", "component is not under requirements"))
            after = p.get("after") if isinstance(p, dict) else None
            other = after.get("component") if isinstance(after, dict) else None
            if other == comp:
                out.append((f"phases.{comp}.after.component", "a component cannot wait for itself"))
            elif other in COMPONENTS and other not in comps:
                out.append((f"phases.{comp}.after.component", f"{other} is not under requirements"))
        for cycle in gate_cycles(phases):
            loop = " -> ".join(cycle + cycle[:1])
            out.append((f"phases.{cycle[0]}.after", f"phase gates in a cycle ({loop} waits for itself): these "
                        "components could never open; expected one of them to open at a start_day"))

    hubs = _hub_names(data)
    if hubs is not None:
        seen: set[str] = set()
        for h in hubs:
            if h in seen:
                out.append((f"transit.hubs[{h}]", "two hubs with one name; expected each hub once"))
            seen.add(h)
        for i, c in countries:
            via = c.get("via")
            for hub in [via] if isinstance(via, str) else (via if isinstance(via, list) else []):
                if isinstance(hub, str) and hub not in hubs:
                    out.append((f"countries[{_country_name(c) or i}].via", f"unknown hub {hub!r}; expected one of {sorted(set(hubs))} (under transit.hubs)"))

    for i, ev in _dicts(data.get("events")):
        country = ev.get("country")
        if isinstance(country, str) and country not in names:
            out.append((f"events[{i}].country", f"unknown country {country!r}; expected one of the scenario's countries"))
        hub = ev.get("hub")
        if ev.get("type") == "hub_closure" and isinstance(hub, str) and hub not in (hubs or []):
            out.append((f"events[{i}].hub", f"unknown hub {hub!r}; expected one of {sorted(set(hubs or []))} (under transit.hubs)"))
        comp = ev.get("component")
        if ev.get("type") in ("reinforce", "violations") and comp in COMPONENTS and comps and comp not in comps:
            out.append((f"events[{i}].component", f"{comp} is not under requirements"))

    report = data.get("report")
    horizon = _number(data.get("horizon_days", 730))
    deadlines = report.get("deadlines") if isinstance(report, dict) else None
    if isinstance(deadlines, list) and horizon is not None:
        for day in deadlines:
            if _number(day) is not None and _number(day) >= horizon:
                out.append(("report.deadlines", f"day {day} is beyond the horizon's last day {horizon - 1:g}; "
                            "expected days within horizon_days"))

    coverage = (data.get("parameters") or {}).get("coverage") if isinstance(data.get("parameters"), dict) else None
    if isinstance(coverage, dict):
        ioc, foc = _number(coverage.get("ioc")), _number(coverage.get("foc"))
        if ioc is not None and foc is not None and ioc > foc:
            out.append(("parameters.coverage.ioc", f"expected at most parameters.coverage.foc ({foc:g}): IOC is reached "
                        f"before FOC (got {ioc:g})"))
    return out


# --- warnings ---------------------------------------------------------------------------------

_FAILURES = ("mtbf_days", "mttr_days", "crews_per_detachment")


def _leaves(tree: Any, prefix: str = "") -> Iterable[str]:
    if isinstance(tree, dict) and tree:
        for k, v in tree.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else str(k))
    elif prefix:
        yield prefix


def unused_parameter(path: str, data: dict) -> str | None:
    """Why parameter ``path`` (``sky.availability``) has no effect in scenario ``data``, or None if it may have one."""
    comps = simulated(data)
    maintenance = data.get("maintenance") if isinstance(data.get("maintenance"), dict) else {}
    head, _, rest = path.partition(".")
    key = rest.split(".", 1)[0]
    if head in COMPONENTS and head not in comps:
        return f"{head} is not under requirements"
    if head == "montreux" and "sea" not in comps:
        return "sea is not under requirements"
    if head == "transit" and not _hub_names(data):
        return "the scenario has no transit hubs"
    if head in ("sky", "sea"):
        modelled = head in maintenance
        if key == "availability" and modelled:
            return f"maintenance.{head} is modelled, so availability follows from failures and repairs"
        if key in _FAILURES and not modelled:
            return f"maintenance.{head} is not modelled (add `maintenance: {{{head}: {{}}}}` to use it)"
        spec = maintenance.get(head)
        if key in _FAILURES and isinstance(spec, dict) and spec.get(key) is not None:
            return f"maintenance.{head}.{key} sets it for this scenario"
    return None


def warnings(data: Any, overrides: Any = None) -> list[Finding]:
    """What is allowed but likely not meant, in a resolved scenario mapping.

    ``overrides`` is the ``parameters`` mapping as the user wrote it (default:
    ``data['parameters']``, which after resolution holds every default).
    """
    if not isinstance(data, dict):
        return []
    out: list[Finding] = []
    horizon = _number(data.get("horizon_days", 730))
    horizon = 730.0 if horizon is None and "horizon_days" not in data else horizon
    if horizon is not None:
        for i, ev in _dicts(data.get("events")):
            for key in ("day", "start_day"):
                day = _number(ev.get(key))
                if day is not None and day >= horizon:
                    out.append((f"events[{i}].{key}", f"day {day:g} is beyond the horizon ({horizon:g} days): the event never happens"))
        phases = data.get("phases")
        for comp, p in phases.items() if isinstance(phases, dict) else ():
            if not isinstance(p, dict):
                continue
            day = _number(p.get("start_day"))
            if day is not None and day >= horizon:
                out.append((f"phases.{comp}.start_day", f"day {day:g} is beyond the horizon ({horizon:g} days): {comp} never opens"))
            after = p.get("after")
            wait = _number(after.get("for_days")) if isinstance(after, dict) else None
            if wait is not None and wait >= horizon:
                out.append((f"phases.{comp}.after.for_days", f"{wait:g} days is beyond the horizon ({horizon:g} days): {comp} never opens"))
    maintenance = data.get("maintenance")
    comps = simulated(data)
    for comp in maintenance if isinstance(maintenance, dict) and comps else ():
        if comp in ("sky", "sea") and comp not in comps:
            out.append((f"maintenance.{comp}", f"this has no effect: {comp} is not under requirements"))
    for path in _leaves(data.get("parameters") if overrides is None else overrides):
        why = unused_parameter(path, data)
        if why:
            out.append((f"parameters.{path}", f"this override has no effect: {why}"))
    return out
