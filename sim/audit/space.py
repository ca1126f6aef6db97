"""The parameter space of a scenario, read from the evidence base: every number it uses, with provenance and range.

:func:`evidence_space` lists the numeric defaults a scenario actually uses,
each as a :class:`Factor`: its sweep path (``parameters.sky.availability``,
``countries[France].approval.probability``), its value, whether a source gives
it (``sourced``) or it is an ``assumption``, the note saying which, and the
range an audit samples it over. The factors are:

* model parameters (``seeds/parameters.yaml``) of the components simulated,
  enabler needs and effects, hub throughputs of the hubs in use;
* the guarantee's willingness (``seeds/backstop.yaml``) when the scenario
  reaches the guarantee;
* for each participating country (one that pledges something it can send, or
  hosts a transit hub): approval probability and delay, deployment time,
  pledges (aircraft, ships, troops, trainers, enablers), ship tonnage under the
  Montreux rules, rotation tour and pool.

Numbers a scenario cannot feel are left out: components it does not simulate,
a failure model it does not use, enablers the US provides throughout, pledges
of zero, countries whose backstop condition is never met. The scenario's own
choices (requirements, phases, events) are the question being asked, not
evidence, and are not varied.

Ranges, in order of precedence:

1. ``range: [low, high]`` in ``seeds/`` (beside ``value:`` in
   ``parameters.yaml``, in the field's provenance entry elsewhere): the span
   the sources report, e.g. fighter mission-capable rates of 55-90%.
2. A triangular duration varies its mode over its own ``low``..``high``.
3. Default ranges (:data:`DEFAULT_SPREAD`): a share (probability,
   availability, effect, factor in [0, 1]) moves by +-0.05 when sourced and
   +-0.15 when assumed; any other number by +-20% when sourced and +-50% when
   assumed. A number the scenario file sets itself counts as assumed.

Every range is clipped to the values the scenario schema accepts (a share to
[0, 1], a count to whole numbers >= its minimum); a count's range is widened
to at least one whole step (rounded to the nearest whole numbers, halves inwards).
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Optional

import annotated_types
from pydantic import BaseModel

from ..backstop import at_least
from ..catalog import Catalog
from ..provenance import cited_ids, covering_key, value_at
from ..scenario import Country, Scenario
from ..sweep import paths
from ..vocabulary import UNITS

Provenance = Literal["sourced", "assumption"]

DEFAULT_SPREAD = {
    ("share", "sourced"): 0.05,
    ("share", "assumption"): 0.15,
    ("amount", "sourced"): 0.20,
    ("amount", "assumption"): 0.50,
}
"""Default half-widths: absolute for shares in [0, 1], relative for other numbers."""

SCENARIO_NOTE = "set in the scenario file"


@dataclass(frozen=True)
class Factor:
    """One number of the evidence base as an audit varies it."""

    path: str
    value: float
    provenance: Provenance
    note: str
    low: float
    high: float
    integer: bool = False

    def describe(self) -> dict:
        """A JSON-ready description."""
        return {
            "parameter": self.path,
            "value": self.value,
            "provenance": self.provenance,
            "note": self.note,
            "low": self.low,
            "high": self.high,
            "integer": self.integer,
        }


@dataclass(frozen=True)
class _Bounds:
    low: float = -math.inf
    high: float = math.inf
    strict_low: bool = False
    integer: bool = False

    @property
    def share(self) -> bool:
        return self.low >= 0 and self.high <= 1


# --- what the schema accepts -----------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list]:
    """The bare type of ``annotation`` and its constraints (Annotated metadata), Optional removed."""
    metadata: list = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation = args[0]
            for m in args[1:]:
                metadata.extend(getattr(m, "metadata", [m]))
        elif origin in (typing.Union, types.UnionType):  # Optional, or a model or a keyword ("none")
            args = [a for a in typing.get_args(annotation) if a is not type(None) and typing.get_origin(a) is not Literal]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _bounds_from(annotation: Any, metadata: list) -> _Bounds:
    low, high, strict = -math.inf, math.inf, False
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            low = float(m.ge)
        elif isinstance(m, annotated_types.Gt):
            low, strict = float(m.gt), True
        elif isinstance(m, annotated_types.Le):
            high = float(m.le)
        elif isinstance(m, annotated_types.Lt):
            high = float(m.lt)
    return _Bounds(low, high, strict, annotation is int)


def schema_bounds(model: type[BaseModel], dotted: str) -> _Bounds:
    """What the pydantic ``model`` accepts at ``dotted`` (through nested models and dicts)."""
    annotation: Any = model
    metadata: list = []
    for part in dotted.split("."):
        bare, _ = _unwrap(annotation)
        if isinstance(bare, type) and issubclass(bare, BaseModel):
            info = bare.model_fields.get(part)
            if info is None:
                return _Bounds()
            annotation, metadata = info.annotation, list(info.metadata)
        elif typing.get_origin(bare) is dict:
            annotation, metadata = typing.get_args(bare)[1], []
        else:
            return _Bounds()
    bare, more = _unwrap(annotation)
    return _bounds_from(bare, metadata + more)


# --- ranges ------------------------------------------------------------------------------------


def default_range(value: float, provenance: Provenance, bounds: _Bounds) -> tuple[float, float]:
    """The default range of a number (see the module's docstring), clipped to ``bounds``."""
    kind = "share" if bounds.share else "amount"
    spread = DEFAULT_SPREAD[(kind, provenance)]
    if kind == "share":
        low, high = value - spread, value + spread
    else:
        low, high = value * (1 - spread), value * (1 + spread)
    return low, high


def clip(low: float, high: float, value: float, bounds: _Bounds) -> Optional[tuple[float, float]]:
    """``[low, high]`` inside ``bounds`` (whole numbers for counts, at least one step wide); None if empty."""
    floor, ceiling = bounds.low, bounds.high
    if bounds.strict_low:
        floor = bounds.low + (1 if bounds.integer else max(1e-6, abs(value) * 1e-3))
    low, high = max(low, floor), min(high, ceiling)
    if bounds.integer:
        low, high = math.floor(low + 0.5), math.ceil(high - 0.5)  # nearest whole numbers, halves inwards
        if high <= low:  # at least one whole step, upwards where the schema allows
            if low + 1 <= ceiling:
                high = low + 1
            elif high - 1 >= floor:
                low = high - 1
    low, high = _tidy(low), _tidy(high)
    return (low, high) if high > low else None


def _tidy(x: float) -> float:
    x = float(f"{x:.6g}")
    return int(x) if x.is_integer() else x


# --- provenance --------------------------------------------------------------------------------


def _prov_of(entry: Any) -> tuple[Provenance, str, Optional[list]]:
    """``(provenance, note, range)`` of a provenance entry."""
    ids = cited_ids(entry)
    span = entry.get("range") if isinstance(entry, dict) else None
    if ids:
        note = "sources: " + ", ".join(ids)
        if isinstance(entry, dict) and entry.get("note"):
            note += f" ({entry['note']})"
        return "sourced", note, span
    if isinstance(entry, dict) and entry.get("assumption"):
        return "assumption", f"assumption: {entry['assumption']}", span
    return "assumption", "assumption: no provenance given", span


def _prov_map(prov: Any) -> dict[str, Any]:
    if prov is None:
        return {}
    if isinstance(prov, list) or (isinstance(prov, dict) and ("sources" in prov or "assumption" in prov)):
        return {"": prov}
    return {str(k): v for k, v in prov.items()} if isinstance(prov, dict) else {}


def _field_entry(pmap: dict[str, Any], field: str) -> tuple[Any, bool]:
    """The provenance entry covering ``field`` and whether it names ``field`` exactly."""
    key = covering_key(field, [k for k in pmap if k])
    if key is None:
        return pmap.get(""), False
    return pmap[key], key == field


# --- the scenario's use of numbers ---------------------------------------------------------------


def levels_reached(scn: Scenario) -> list[str]:
    """The US backstop levels the scenario passes through (its start level and every change)."""
    out = [scn.us_backstop.level] + [ev.level for ev in scn.events if ev.type == "backstop"]
    return list(dict.fromkeys(out))


def _pledges(country: Country, components: tuple[str, ...]) -> dict[str, int]:
    out = {c: country.pledge(c) for c in components if country.pledge(c) > 0}
    out.update({f"enablers.{e}": n for e, n in country.enablers.items() if n > 0})
    return out


def participating(scn: Scenario) -> dict[str, dict[str, int]]:
    """Countries whose numbers matter, with their non-zero pledges (empty for a hub's host)."""
    reached = levels_reached(scn)
    hubs = {h.name for h in scn.transit.hubs} if scn.transit else set()
    out = {}
    for c in scn.countries:
        if not any(at_least(lv, c.requires_backstop) for lv in reached):
            continue
        pledges = _pledges(c, scn.components)
        if pledges or c.name in hubs:
            out[c.name] = pledges
    return out


def _us_provides(scn: Scenario) -> tuple[set[str], set[str]]:
    """Enablers the US provides at every level reached, and at some level reached."""
    ladder = scn.us_backstop.ladder
    sets = [ladder.enablers_at(lv) for lv in levels_reached(scn)]
    return set.intersection(*map(set, sets)), set.union(*map(set, sets))


def parameter_used(
    path: str, scn: Scenario, countries: dict[str, dict[str, int]], own_hubs: frozenset[str] = frozenset()
) -> bool:
    """Whether parameter ``path`` (as in ``seeds/parameters.yaml``) can change this scenario's outcomes.

    ``countries`` is :func:`participating`; ``own_hubs`` the hubs whose throughput the scenario file sets.
    """
    comps = scn.components
    group, _, rest = path.partition(".")
    always_us, ever_us = _us_provides(scn)
    pledged = {k.split(".", 1)[1] for p in countries.values() for k in p if k.startswith("enablers.")}
    non_littoral_ships = any(
        "sea" in countries.get(c.name, {}) and not c.littoral for c in scn.countries
    )
    if group in ("sky", "sea"):
        if group not in comps:
            return False
        failures = rest in _FAILURE_KEYS
        spec = scn.maintenance.get(group)
        if failures:
            return spec is not None and getattr(spec, rest) is None
        if rest == "availability":
            return spec is None
        if rest == "ship_tonnage":
            return _montreux_counts(scn) and any(
                "sea" in countries.get(c.name, {}) and not c.littoral and c.sea.tonnage is None for c in scn.countries
            )
        return True
    if group in ("land", "regeneration"):
        return group in comps
    if group == "montreux":
        return _montreux_counts(scn) and non_littoral_ships
    if group == "transit":
        hub = path.rsplit(".", 1)[-1]
        return any(h.name == hub for h in (scn.transit.hubs if scn.transit else [])) and hub not in own_hubs
    if group == "rotation":
        return _rotation_used(rest, scn, countries)
    if group == "coverage":
        return True
    if group == "enablers":
        name, _, what = rest.partition(".")
        if what == "need":
            return name not in always_us and name in pledged
        if what.startswith("effects."):
            return name not in always_us and what.split(".", 1)[1] in comps
        if what == "hub_throughput_factor":
            return (name in ever_us or name in pledged) and bool(scn.transit and scn.transit.hubs)
        return name in ever_us or name in pledged
    return True


_FAILURE_KEYS = ("mtbf_days", "mttr_days", "crews_per_detachment", "detachment_size")


def _rotation_used(rest: str, scn: Scenario, countries: dict[str, dict[str, int]]) -> bool:
    """Whether ``rotation.<rest>`` matters: some participating country relieves units with it."""
    pledgers = [(c, t) for c in scn.countries for t in countries.get(c.name, {}) if c.rotation != "none"]
    if rest == "min_dwell_ratio":
        return any(c.rotation is not None or t in scn.parameters.rotation.default for c, t in pledgers)
    parts = rest.split(".")
    if len(parts) != 3 or parts[0] != "default":
        return True
    _, comp, key = parts
    return any(
        t == comp and (c.rotation is None or (key == "ratio" and c.rotation.ratio is None)) for c, t in pledgers
    )


def _montreux_counts(scn: Scenario) -> bool:
    m = scn.parameters.montreux
    return "sea" in scn.components and m.enabled and not m.straits_closed


def _own_hubs(raw: dict) -> frozenset[str]:
    """Hubs whose throughput the scenario file sets itself."""
    hubs = (raw.get("transit") or {}).get("hubs") if isinstance(raw.get("transit"), dict) else None
    return frozenset(h.get("name") for h in hubs or [] if isinstance(h, dict) and "throughput_per_day" in h)


# --- building the space ---------------------------------------------------------------------------


def _make(path: str, value: Any, bounds: _Bounds, prov: Provenance, note: str, span: Any) -> Optional[Factor]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(span, list) and len(span) == 2:
        low, high = float(span[0]), float(span[1])
    else:
        low, high = default_range(float(value), prov, bounds)
    clipped = clip(low, high, float(value), bounds)
    if clipped is None:
        return None
    return Factor(path, _tidy(float(value)), prov, note, clipped[0], clipped[1], bounds.integer)


def _in_file(raw: dict, path: str) -> bool:
    try:
        return paths.get(raw, paths.parse(path)) is not paths.MISSING
    except paths.PathError:
        return False


def _parameter_factors(raw: dict, scn: Scenario, catalog: Catalog, countries) -> list[Factor]:
    from ..parameters import Parameters

    dump = scn.parameters.model_dump(mode="python")
    out = []
    for path, entry in catalog.parameter_provenance.items():
        if not parameter_used(path, scn, countries, _own_hubs(raw)):
            continue
        value = value_at(dump, path)
        group = path.split(".", 1)[0]
        sweep_path = f"parameters.{path}"
        spec = scn.maintenance.get(group) if group in ("sky", "sea") else None
        prov, note, span = _prov_of(entry)
        if _in_file(raw, sweep_path):
            prov, note, span = "assumption", SCENARIO_NOTE, None
        factor = _make(sweep_path, value, schema_bounds(Parameters, path), prov, note, span)
        if factor is not None and spec is not None and factor.path.endswith("availability"):
            continue
        if factor is not None:
            out.append(factor)
    # failure parameters or hub throughputs the scenario file sets itself
    from ..scenario import Hub, Maintenance

    for comp, spec in scn.maintenance.items():
        if comp not in scn.components:
            continue
        for key in _FAILURE_KEYS:
            if getattr(spec, key, None) is not None:
                f = _make(f"maintenance.{comp}.{key}", getattr(spec, key), schema_bounds(Maintenance, key), "assumption", SCENARIO_NOTE, None)
                if f:
                    out.append(f)
    for name in sorted(_own_hubs(raw)):
        value = next(h.throughput_per_day for h in scn.transit.hubs if h.name == name)
        f = _make(f"transit.hubs[{name}].throughput_per_day", value, schema_bounds(Hub, "throughput_per_day"), "assumption", SCENARIO_NOTE, None)
        if f:
            out.append(f)
    return out


def _willingness_factors(raw: dict, scn: Scenario, catalog: Catalog) -> list[Factor]:
    if "guarantee" not in levels_reached(scn):
        return []
    from ..backstop import Willingness

    level = next((lv for lv in catalog.levels if "willingness" in lv), {})
    pmap = _prov_map(level.get("provenance"))
    out = []
    for key in ("approval_uplift", "contingent_factor"):
        path = f"us_backstop.willingness.{key}"
        entry, exact = _field_entry(pmap, f"willingness.{key}")
        prov, note, span = _prov_of(entry)
        if _in_file(raw, path):
            prov, note, span = "assumption", SCENARIO_NOTE, None
        f = _make(path, getattr(scn.us_backstop.ladder.willingness, key), schema_bounds(Willingness, key), prov, note, span if exact else None)
        if f:
            out.append(f)
    return out


_DURATION_FIELD = {"triangular": "mode", "fixed": "days", "lognormal": "median", "uniform": "high"}


def _country_fields(country: Country, pledges: dict[str, int], scn: Scenario) -> list[tuple[str, Any, Any]]:
    """``(field path, value, triangular duration or None)`` of the numbers of one country that matter."""
    out: list[tuple[str, Any, Any]] = [("approval.probability", country.approval.probability, None)]
    for field, dist in (("approval.delay_days", country.approval.delay_days), ("deploy_days", country.deploy_days)):
        if field == "deploy_days" and not pledges:
            continue
        sub = _DURATION_FIELD[dist.dist]
        out.append((f"{field}.{sub}", getattr(dist, sub), dist))
    for target, n in pledges.items():
        out.append((target if target.startswith("enablers.") else f"{target}.{UNITS[target]}", n, None))
    if "sea" in pledges and not country.littoral and _montreux_counts(scn) and country.sea.tonnage is not None:
        out.append(("sea.tonnage", country.sea.tonnage, None))
    if country.rotation not in (None, "none") and pledges:
        out.append(("rotation.tour_days", country.rotation.tour_days, None))
        if country.rotation.ratio is not None:
            out.append(("rotation.ratio", country.rotation.ratio, None))
    return out


def _country_factors(raw: dict, scn: Scenario, catalog: Catalog, countries) -> list[Factor]:
    always_us, _ = _us_provides(scn)
    out = []
    for entry, country in zip(raw.get("countries") or [], scn.countries):
        if country.name not in countries:
            continue
        label = paths.entry_name(entry)
        ref = entry.get("ref") if isinstance(entry, dict) else None
        pmap = _prov_map((catalog.countries.get(ref) or {}).get("provenance")) if ref else {}
        for field, value, dist in _country_fields(country, countries[country.name], scn):
            if field.startswith("enablers.") and field.split(".")[1] in always_us:
                continue
            base = field.rsplit(".", 1)[0] if dist is not None else field
            entry_p, exact = _field_entry(pmap, base)
            prov, note, span = _prov_of(entry_p) if ref else ("assumption", SCENARIO_NOTE, None)
            if not exact:
                span = None
            if _in_file(entry, field) or (dist is not None and _in_file(entry, base)):
                prov, note, span = "assumption", SCENARIO_NOTE, None
            bounds = schema_bounds(Country, field) if dist is None else _Bounds(0.0)
            if dist is not None:
                if dist.dist == "triangular" and span is None:
                    span = [dist.low, dist.high]
                elif dist.dist == "uniform":
                    bounds = _Bounds(float(dist.low))
            if field.startswith("enablers."):
                bounds = _Bounds(0.0, integer=True)
            f = _make(f"countries[{label}].{field}", value, bounds, prov, note, span)
            if f:
                out.append(f)
    return out


def evidence_space(raw: dict, scn: Scenario, catalog: Catalog, only: str = "all") -> list[Factor]:
    """Every number of the evidence base ``scn`` uses, with provenance and range.

    Args:
        raw: the scenario file as read (paths address it; keys it sets count as assumed).
        scn: the same scenario, validated (values and what is simulated).
        catalog: the evidence base.
        only: ``all``, ``assumptions`` or ``sourced``.
    """
    countries = participating(scn)
    factors = (
        _parameter_factors(raw, scn, catalog, countries)
        + _willingness_factors(raw, scn, catalog)
        + _country_factors(raw, scn, catalog, countries)
    )
    if only == "assumptions":
        return [f for f in factors if f.provenance == "assumption"]
    if only == "sourced":
        return [f for f in factors if f.provenance == "sourced"]
    return factors


__all__ = ["DEFAULT_SPREAD", "Factor", "evidence_space", "levels_reached", "parameter_used", "participating"]
