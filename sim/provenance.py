"""Where a number comes from: look-ups over the evidence base, and a check that every default is traced.

The evidence base in ``seeds/`` gives every default either the ids of its
sources (entries of ``sources.yaml``) or an ``assumption:`` note saying why
the number was chosen. This module answers three questions about a
:class:`sim.catalog.Catalog`, as pure functions returning text or lists:

* :func:`explain` -- where does this number come from? The query is a country
  (``France``, case-insensitive; ``France land.troops`` for one field), a
  parameter path or prefix (``sky.availability``, ``enablers.tanker``), a
  backstop level (``guarantee``; ``backstop`` for the whole ladder) or a
  source id (``seed-000``: what it says and what cites it).
* :func:`source_list` and :func:`catalog_table` -- every source, and the
  country catalog as a table.
* :func:`check_provenance` -- every default lacking a source id or an
  ``assumption:`` note, or citing an unknown source, as one line each.

How provenance is written in each file:

``countries.yaml``  each entry has ``provenance: {PATH: ...}`` whose keys are
                    dotted field paths (``approval.probability``) or their
                    prefixes (``rotation`` covers ``rotation.tour_days`` and
                    ``rotation.ratio``); the most specific key wins.
``backstop.yaml``   each level has ``provenance:``, a list of ids for the whole
                    level or a mapping of paths as above.
``parameters.yaml`` each leaf is ``{value: X, sources: [ids]}`` or
                    ``{value: X, assumption: "why"}`` (``note:`` optional).

An entry is a list of source ids, or a mapping with ``sources:`` and/or
``assumption:`` (and an optional ``note:``). A mapping may also give
``range: [low, high]``, the span its sources report for the number (or the span
an assumption allows); ``coalition-sim audit`` samples the number over it
instead of its default range. In ``parameters.yaml`` it sits beside
``value:``; in ``countries.yaml`` and ``backstop.yaml`` it is written in the
provenance entry of that exact field (for a triangular duration, the range of
its ``mode``).
"""

from __future__ import annotations

import difflib
from typing import Any, Iterable

from .catalog import Catalog
from .errors import problem
from .vocabulary import LEVELS

__all__ = [
    "UnknownQuery",
    "catalog_table",
    "check_provenance",
    "explain",
    "source_list",
]

_NOT_FIELDS = ("name", "provenance")
_ALIASES = {"türkiye": "Turkey", "turkiye": "Turkey", "uk": "United Kingdom", "britain": "United Kingdom"}


class UnknownQuery(LookupError):
    """The query names no country, parameter, backstop level or source."""


# --- walking trees of fields --------------------------------------------------------------------


def leaf_paths(tree: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted paths and values of the leaves of ``tree``.

    A distribution spec (a mapping with ``dist``), a list, a scalar and an
    empty mapping are leaves; other mappings are walked into.
    """
    if isinstance(tree, dict) and tree and "dist" not in tree:
        out: list[tuple[str, Any]] = []
        for key, sub in tree.items():
            out.extend(leaf_paths(sub, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return [(prefix, tree)]


def covering_key(path: str, keys: Iterable[str]) -> str | None:
    """The most specific key of ``keys`` equal to ``path`` or a prefix of it (``rotation`` for ``rotation.ratio``)."""
    best = None
    for key in keys:
        if (path == key or path.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return best


def value_at(tree: Any, path: str) -> Any:
    """The value at dotted ``path`` inside ``tree`` (None where absent)."""
    node = tree
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _is_whole(prov: Any) -> bool:
    """Whether a ``provenance:`` value covers its whole entry (a list, or a sources/assumption mapping)."""
    return isinstance(prov, list) or (isinstance(prov, dict) and ("sources" in prov or "assumption" in prov))


def _prov_map(prov: Any) -> dict[str, Any]:
    """A ``provenance:`` value as ``{path: entry}``; ``""`` covers every field."""
    if prov is None:
        return {}
    if _is_whole(prov):
        return {"": prov}
    if isinstance(prov, dict):
        return {str(k): v for k, v in prov.items()}
    return {"": prov}


def _cover(path: str, pmap: dict[str, Any]) -> str | None:
    key = covering_key(path, [k for k in pmap if k])
    if key is None and "" in pmap:
        return ""
    return key


def cited_ids(entry: Any) -> list[str]:
    """Source ids an entry cites (its list, or its ``sources:``)."""
    if isinstance(entry, list):
        return [str(x) for x in entry]
    if isinstance(entry, dict):
        ids = entry.get("sources") or []
        return [str(x) for x in ids] if isinstance(ids, list) else [str(ids)]
    return []


def _is_range(span: Any, value: Any = None) -> bool:
    """Whether ``span`` is ``[low, high]`` of numbers with ``low < high`` (holding ``value`` when it is a number)."""
    if not (isinstance(span, list) and len(span) == 2):
        return False
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in span) or not span[0] < span[1]:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return span[0] <= value <= span[1]
    return True


def _with_value(entry: Any, value: Any) -> Any:
    """``entry`` with the value it describes, so that a ``range:`` can be checked to hold it."""
    return {**entry, "value": value} if isinstance(entry, dict) and "range" in entry else entry


def _entry_problems(entry: Any, known: dict[str, dict]) -> list[str]:
    """What is wrong with one provenance entry (empty when it is sound)."""
    if isinstance(entry, list):
        if not entry:
            return ["expected at least one source id or an assumption: note (got an empty list)"]
    elif isinstance(entry, dict):
        extra = sorted(set(entry) - {"sources", "assumption", "note", "value", "range"})
        if extra:
            return [f"expected only sources, assumption, note or range (got {', '.join(extra)})"]
        if "range" in entry and not _is_range(entry["range"], entry.get("value")):
            return [f"range: expected [low, high], two numbers with low < high around the value (got {entry['range']!r})"]
        sources, assumption = entry.get("sources"), entry.get("assumption")
        if sources is None and not (isinstance(assumption, str) and assumption.strip()):
            return ["expected source ids or an assumption: note saying why"]
        if sources is not None and (not isinstance(sources, list) or not sources):
            return ["expected sources: a non-empty list of source ids"]
        if assumption is not None and not (isinstance(assumption, str) and assumption.strip()):
            return ["expected assumption: a one-line reason"]
    else:
        return [f"expected a list of source ids or {{assumption: why}} (got {entry!r})"]
    return [f"cites unknown source id {sid!r}" for sid in cited_ids(entry) if sid not in known]


# --- the check ----------------------------------------------------------------------------------


def check_provenance(catalog: Catalog) -> list[str]:
    """Every default lacking a source id or an ``assumption:`` note, or citing an unknown source.

    Returns one line per problem (``file: key.path: what was expected``); an
    empty list means every number in ``seeds/`` is traced.
    """
    d = catalog.directory.name or "seeds"
    known = catalog.sources
    problems: list[str] = []

    src_file = f"{d}/sources.yaml"
    for sid, src in known.items():
        for key in ("outlet", "date", "title"):
            if not src.get(key):
                problems.append(problem(src_file, f"{sid}.{key}", "expected a value"))

    def check_fields(file: str, where: str, fields: dict, prov: Any) -> None:
        pmap = _prov_map(prov)
        if not pmap:
            problems.append(problem(file, f"{where}.provenance", "expected source ids or assumption: notes"))
            return
        leaves = leaf_paths(fields)
        for path, _ in leaves:
            if _cover(path, pmap) is None:
                problems.append(problem(file, f"{where}.{path}", "expected a provenance entry (source ids or assumption:)"))
        for key, entry in pmap.items():
            label = f"{where}.provenance.{key}" if key else f"{where}.provenance"
            if key and not any(p == key or p.startswith(key + ".") for p, _ in leaves):
                problems.append(problem(file, label, "names no field of the entry"))
            value = value_at(fields, key) if key else None
            if isinstance(entry, dict) and isinstance(value, dict) and "dist" in value:
                value = value.get("mode", value.get("median", value.get("days")))
            problems.extend(problem(file, label, msg) for msg in _entry_problems(_with_value(entry, value), known))

    cty_file = f"{d}/countries.yaml"
    for name, entry in catalog.countries.items():
        fields = {k: v for k, v in entry.items() if k not in _NOT_FIELDS}
        check_fields(cty_file, name, fields, entry.get("provenance"))

    bs_file = f"{d}/backstop.yaml"
    names = [lv.get("name") for lv in catalog.levels]
    for level in LEVELS:
        if level not in names:
            problems.append(problem(bs_file, "levels", f"expected the level {level!r}"))
    for lv in catalog.levels:
        fields = {k: v for k, v in lv.items() if k not in _NOT_FIELDS}
        check_fields(bs_file, str(lv.get("name")), fields, lv.get("provenance"))

    par_file = f"{d}/parameters.yaml"
    prov = catalog.parameter_provenance
    for path, _ in leaf_paths_until(catalog.parameter_values, set(prov)):
        if path not in prov:
            problems.append(problem(par_file, path, "expected {value: X, sources: [ids]} or {value: X, assumption: why}"))
    for path, entry in prov.items():
        value = value_at(catalog.parameter_values, path)
        problems.extend(problem(par_file, path, msg) for msg in _entry_problems(_with_value(entry, value), known))
    return problems


def leaf_paths_until(tree: Any, stops: set[str], prefix: str = "") -> list[tuple[str, Any]]:
    """Like :func:`leaf_paths`, but a path in ``stops`` is a leaf whatever its value."""
    if prefix in stops or not (isinstance(tree, dict) and tree):
        return [(prefix, tree)]
    out: list[tuple[str, Any]] = []
    for key, sub in tree.items():
        out.extend(leaf_paths_until(sub, stops, f"{prefix}.{key}" if prefix else str(key)))
    return out


# --- formatting -----------------------------------------------------------------------------------


def fmt_value(value: Any) -> str:
    """A field value in a few plain words (``triangular(low 7, mode 30, high 90)``, ``tour_days 180, ratio 4``)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "; ".join(fmt_value(v) for v in value) if value else "(none)"
    if isinstance(value, dict):
        if "dist" in value:
            args = ", ".join(f"{k} {fmt_value(v)}" for k, v in value.items() if k != "dist")
            return f"{value['dist']}({args}) days"
        return ", ".join(f"{k} {fmt_value(v)}" for k, v in value.items()) if value else "(none)"
    return str(value)


def describe_source(src: dict) -> str:
    """``id  outlet, date: title`` (with ``[weak]`` where the facts sheet flags it)."""
    weak = " [weak]" if src.get("reliability") == "weak" else ""
    return f"{src['id']}  {src.get('outlet', '?')}, {src.get('date', '?')}: {src.get('title', '?')}{weak}"


def _entry_lines(entry: Any, indent: str) -> list[str]:
    lines = []
    ids = cited_ids(entry)
    if ids:
        lines.append(f"{indent}sources: {', '.join(ids)}")
    if isinstance(entry, dict):
        if entry.get("assumption"):
            lines.append(f"{indent}assumption: {entry['assumption']}")
        if entry.get("note"):
            lines.append(f"{indent}note: {entry['note']}")
        if entry.get("range"):
            lines.append(f"{indent}range: {fmt_value(entry['range'][0])} to {fmt_value(entry['range'][1])}")
    if not lines:
        lines.append(f"{indent}(no provenance)")
    return lines


def _cited_block(catalog: Catalog, entries: Iterable[Any]) -> list[str]:
    ids = list(dict.fromkeys(sid for e in entries for sid in cited_ids(e)))
    if not ids:
        return []
    lines = ["", "Sources cited:"]
    for sid in ids:
        src = catalog.sources.get(sid)
        lines.append("  " + (describe_source(src) if src else f"{sid}  (unknown source id)"))
    return lines


def source_list(catalog: Catalog) -> str:
    """Every source: id, outlet, date and title, one per line."""
    lines = [f"{len(catalog.sources)} sources in {catalog.directory}/sources.yaml ([weak] = flagged as weak or conflicting):"]
    lines += ["  " + describe_source(src) for src in catalog.sources.values()]
    lines.append("Ask where a number comes from: coalition-sim sources COUNTRY|PARAMETER|LEVEL|SOURCE-ID")
    return "\n".join(lines)


def _explain_fields(catalog: Catalog, title: str, fields: dict, prov: Any, only: str | None = None) -> str:
    pmap = _prov_map(prov)
    groups: dict[str | None, None] = {}
    for path, _ in leaf_paths(fields):
        if only and not (path == only or path.startswith(only + ".")):
            continue
        groups.setdefault(_cover(path, pmap), None)
    lines = [title]
    entries = []
    for key in groups:
        if key is None:
            lines.append("  (fields without provenance)")
            continue
        shown = key or "(all fields)"
        value = value_at(fields, key) if key else None
        lines.append(f"  {shown} = {fmt_value(value)}" if key else f"  {shown}")
        lines += _entry_lines(pmap[key], "      ")
        entries.append(pmap[key])
    if only and len(lines) == 1:
        raise UnknownQuery(f"unknown field {only!r} of {title.split(':')[0]}")
    return "\n".join(lines + _cited_block(catalog, entries))


def _explain_country(catalog: Catalog, name: str, only: str | None) -> str:
    entry = catalog.countries[name]
    fields = {k: v for k, v in entry.items() if k not in _NOT_FIELDS}
    title = f"{name}: {entry.get('stance', '?')} (seeds/countries.yaml; a scenario takes it with `ref: {name}`)"
    return _explain_fields(catalog, title, fields, entry.get("provenance"), only)


def _explain_level(catalog: Catalog, lv: dict) -> str:
    fields = {k: v for k, v in lv.items() if k not in _NOT_FIELDS}
    rank = LEVELS.index(lv["name"]) if lv.get("name") in LEVELS else len(LEVELS)
    total = [e for other in catalog.levels[: rank + 1] for e in other.get("adds", [])]
    title = (
        f"US backstop level {lv.get('name')} (seeds/backstop.yaml): the US provides "
        f"{', '.join(dict.fromkeys(total)) or 'no enablers'}"
    )
    return _explain_fields(catalog, title, fields, lv.get("provenance"))


def _explain_parameters(catalog: Catalog, paths: list[str]) -> str:
    lines = ["Parameters (seeds/parameters.yaml; a scenario overrides them under `parameters:`):"]
    entries = []
    for path in paths:
        entry = catalog.parameter_provenance[path]
        lines.append(f"  {path} = {fmt_value(value_at(catalog.parameter_values, path))}")
        lines += _entry_lines(entry, "      ")
        entries.append(entry)
    return "\n".join(lines + _cited_block(catalog, entries))


def citations(catalog: Catalog) -> list[tuple[str, Any]]:
    """Every provenance entry of the catalog, labelled (``France.land.troops``, ``parameters.sky.availability``)."""
    out: list[tuple[str, Any]] = []
    for name, entry in catalog.countries.items():
        for key, e in _prov_map(entry.get("provenance")).items():
            out.append((f"{name}.{key}" if key else name, e))
    for lv in catalog.levels:
        for key, e in _prov_map(lv.get("provenance")).items():
            out.append((f"backstop.{lv.get('name')}.{key}" if key else f"backstop.{lv.get('name')}", e))
    for path, e in catalog.parameter_provenance.items():
        out.append((f"parameters.{path}", e))
    return out


def _explain_source(catalog: Catalog, src: dict) -> str:
    sid = src["id"]
    lines = [describe_source(src)]
    if src.get("url"):
        lines.append(f"  url: {src['url']}")
    if src.get("note"):
        lines.append(f"  note: {src['note']}")
    figures = src.get("figures") or []
    if figures:
        lines.append("  figures:")
        lines += [f"    - {f}" for f in figures]
    cited = [label for label, e in citations(catalog) if sid in cited_ids(e)]
    mentioned = [
        label
        for label, e in citations(catalog)
        if isinstance(e, dict) and sid in str(e.get("assumption", "")) + str(e.get("note", "")) and label not in cited
    ]
    lines.append(f"  cited by: {', '.join(cited) if cited else '(nothing)'}")
    if mentioned:
        lines.append(f"  mentioned in the notes of: {', '.join(mentioned)}")
    return "\n".join(lines)


def _candidates(catalog: Catalog) -> list[str]:
    prefixes = {p.rsplit(".", i)[0] for p in catalog.parameter_provenance for i in range(p.count(".") + 1)}
    return list(catalog.countries) + [lv.get("name") for lv in catalog.levels] + sorted(prefixes) + list(catalog.sources)


def explain(catalog: Catalog, query: str) -> str:
    """Where the number(s) named by ``query`` come from, as plain text.

    Args:
        catalog: the evidence base.
        query: a country (case-insensitive, optionally followed by a field path:
            ``France land.troops``), a parameter path or prefix
            (``sky.availability``, ``enablers.tanker``; a leading ``parameters.`` is
            ignored), a backstop level (``guarantee``) or ``backstop`` for the
            ladder, or a source id.

    Raises:
        UnknownQuery: nothing in the catalog answers to ``query``.
    """
    q = " ".join(query.split())
    ql = q.lower()
    if not ql:
        raise UnknownQuery("empty query: give a country, a parameter path, a backstop level or a source id")
    for sid, src in catalog.sources.items():
        if sid.lower() == ql:
            return _explain_source(catalog, src)
    names = {n.lower(): n for n in catalog.countries}
    names.update({a: n for a, n in _ALIASES.items() if n in catalog.countries})
    if ql in names:
        return _explain_country(catalog, names[ql], None)
    for low, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if ql.startswith(low) and len(ql) > len(low) and ql[len(low)] in " .":
            return _explain_country(catalog, name, q[len(low) + 1 :].strip())
    for lv in catalog.levels:
        if str(lv.get("name", "")).lower() == ql:
            return _explain_level(catalog, lv)
    if ql in ("backstop", "ladder", "us_backstop"):
        return "\n\n".join(_explain_level(catalog, lv) for lv in catalog.levels)
    path = ql[len("parameters.") :] if ql.startswith("parameters.") else ql
    paths = [p for p in catalog.parameter_provenance if p.lower() == path or p.lower().startswith(path + ".")]
    if paths:
        return _explain_parameters(catalog, paths)
    close = difflib.get_close_matches(q, _candidates(catalog), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownQuery(
        f"unknown {query!r}: expected a country, a parameter path (e.g. sky.availability), "
        f"a backstop level or a source id (coalition-sim sources lists them){hint}"
    )


# --- the catalog as a table -------------------------------------------------------------------------


def _short(conditions: Any, width: int = 44) -> str:
    if not conditions:
        return "-"
    items = conditions if isinstance(conditions, list) else [str(conditions)]
    first = str(items[0])
    more = f" (+{len(items) - 1})" if len(items) > 1 else ""
    room = width - len(more)
    if len(first) > room:
        first = first[: room - 3].rstrip() + "..."
    return first + more


def catalog_rows(catalog: Catalog) -> list[dict[str, str]]:
    """One row of plain strings per catalog country (the columns of :func:`catalog_table`)."""
    rows = []
    for name, c in catalog.countries.items():
        rot = c.get("rotation")
        sea = c.get("sea") or {}
        rows.append(
            {
                "country": name,
                "stance": str(c.get("stance", "?")),
                "conditions": _short(c.get("conditions")),
                "littoral": "yes" if c.get("littoral") else "no",
                "backstop": c.get("requires_backstop") or "-",
                "approval p": f"{(c.get('approval') or {}).get('probability', 1.0):.2f}",
                "sky ac": str((c.get("sky") or {}).get("aircraft", 0)),
                "sea ships": str(sea.get("ships", 0)),
                "land troops": str((c.get("land") or {}).get("troops", 0)),
                "regen trainers": str((c.get("regeneration") or {}).get("trainers", 0)),
                "rotation": f"{fmt_value(rot['tour_days'])}d x{rot.get('ratio', 3)}" if rot else "-",
            }
        )
    return rows


_RIGHT = {"approval p", "sky ac", "sea ships", "land troops", "regen trainers"}


def catalog_table(catalog: Catalog) -> str:
    """The country catalog as a plain-text table, with totals of the pledged numbers."""
    rows = catalog_rows(catalog)
    if not rows:
        return "no countries in the catalog"
    cols = list(rows[0])
    totals = {c: "" for c in cols}
    totals["country"] = "total"
    for c in ("sky ac", "sea ships", "land troops", "regen trainers"):
        totals[c] = str(sum(int(r[c]) for r in rows))
    widths = {c: max(len(c), *(len(r[c]) for r in rows + [totals])) for c in cols}

    def line(r: dict[str, str]) -> str:
        return "  ".join(r[c].rjust(widths[c]) if c in _RIGHT else r[c].ljust(widths[c]) for c in cols).rstrip()

    rule = "  ".join("-" * widths[c] for c in cols)
    out = [line({c: c for c in cols}), rule] + [line(r) for r in rows] + [rule, line(totals)]
    out.append(
        "backstop = US level the country requires; sky/sea/land/regen = aircraft, ships, troops, trainers in place "
        "at once; rotation = tour days x pool ratio. Sources: coalition-sim sources COUNTRY"
    )
    return "\n".join(out)
