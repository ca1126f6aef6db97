"""The scenario file: pydantic models (the one source of truth) and the loader.

A scenario file is YAML. :func:`load_scenario` reads it, fills every default
from the evidence base in ``seeds/`` (country ``ref:`` entries, parameters, the
backstop ladder), validates the result once, and returns an immutable
:class:`Scenario`. Every problem is reported as one line naming the file, the
key path and what was expected (:class:`sim.errors.ScenarioError`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .backstop import Ladder, Willingness
from .catalog import Catalog, read_yaml
from .distributions import ZERO, Duration
from .errors import ScenarioError, problem
from .parameters import Parameters
from .vocabulary import COMPONENTS, UNITS, Component, Enabler, Level, Stance

Count = Annotated[int, Field(ge=0)]
Day = Annotated[float, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- countries -------------------------------------------------------------------------------


class Approval(_Frozen):
    """The political decision: the contingent is sent with ``probability``, after ``delay_days``."""

    probability: Probability = 1.0
    delay_days: Duration = ZERO


class SkyPledge(_Frozen):
    aircraft: Count = 0


class SeaPledge(_Frozen):
    ships: Count = 0
    tonnage: Optional[Annotated[float, Field(gt=0)]] = Field(
        None, description="tonnes per ship (default: parameters.sea.ship_tonnage)"
    )


class LandPledge(_Frozen):
    troops: Count = 0


class RegenerationPledge(_Frozen):
    trainers: Count = 0


class Rotation(_Frozen):
    """A unit serves ``tour_days``, then is relieved from a pool of ``ratio`` units.

    Without ``ratio`` the pool is the component's default (``parameters.rotation.default``).
    """

    tour_days: Annotated[float, Field(gt=0)]
    ratio: Optional[Annotated[int, Field(ge=1)]] = None


class Country(_Frozen):
    """A participating country and what it pledges.

    Give ``name``, or ``ref`` to an entry of ``seeds/countries.yaml`` whose
    fields the other keys override.
    """

    name: Optional[str] = None
    ref: Optional[str] = None
    stance: Optional[Stance] = None
    conditions: list[str] = Field(default_factory=list, description="informational")
    littoral: bool = False
    requires_backstop: Optional[Level] = None
    approval: Approval = Approval()
    deploy_days: Duration = ZERO
    sky: SkyPledge = SkyPledge()
    sea: SeaPledge = SeaPledge()
    land: LandPledge = LandPledge()
    regeneration: RegenerationPledge = RegenerationPledge()
    rotation: Optional[Union[Rotation, Literal["none"]]] = Field(
        None, description="tours and pool; without it the component's default policy; 'none': never relieved"
    )
    enablers: dict[Enabler, Count] = Field(default_factory=dict)
    via: Optional[Union[str, list[str]]] = Field(None, description="transit hub(s), in order of preference")

    @model_validator(mode="after")
    def _named(self):
        if not self.name:
            raise ValueError("expected a name or a ref")
        return self

    def pledge(self, component: str) -> int:
        """Units pledged for ``component`` (aircraft, ships, troops or trainers)."""
        return getattr(getattr(self, component), UNITS[component])


# --- requirements and phases ------------------------------------------------------------------


class SkyRequirement(_Frozen):
    orbits: Annotated[float, Field(gt=0)] = Field(description="continuous combat air patrol orbits")


class SeaRequirement(_Frozen):
    ships: Annotated[float, Field(gt=0)]


class LandRequirement(_Frozen):
    troops: Annotated[float, Field(gt=0)]


class RegenerationRequirement(_Frozen):
    trainees_per_month: Annotated[float, Field(gt=0)]


class Requirements(_Frozen):
    """What full coverage means. Only components listed are simulated and reported."""

    sky: Optional[SkyRequirement] = None
    sea: Optional[SeaRequirement] = None
    land: Optional[LandRequirement] = None
    regeneration: Optional[RegenerationRequirement] = None

    def amount(self, component: str) -> float:
        """The required capability of ``component`` in its own unit (orbits, ships, ...)."""
        return float(next(iter(dict(getattr(self, component)).values())))

    @property
    def components(self) -> tuple[str, ...]:
        """Components this scenario simulates, in canonical order."""
        return tuple(c for c in COMPONENTS if getattr(self, c) is not None)


class After(_Frozen):
    """Open when ``component`` has held at least ``coverage`` for ``for_days``."""

    component: Component
    coverage: Annotated[float, Field(gt=0, le=1)]
    for_days: Day = 0


class Phase(_Frozen):
    """When a component opens: at ``start_day``, or ``after`` another reaches a coverage."""

    start_day: Optional[Day] = None
    after: Optional[After] = None

    @model_validator(mode="after")
    def _one(self):
        if (self.start_day is None) == (self.after is None):
            raise ValueError("expected exactly one of start_day or after")
        return self


# --- US backstop and events -------------------------------------------------------------------


class UsBackstop(_Frozen):
    """The US backstop level at day 0, and (optionally) the ladder's contents."""

    level: Level = "none"
    adds: Optional[dict[Level, tuple[Enabler, ...]]] = Field(
        None, description="override what each level adds (default: seeds/backstop.yaml)"
    )
    willingness: Optional[Willingness] = None

    @property
    def ladder(self) -> Ladder:
        """The resolved ladder (filled from the catalog by the loader)."""
        return Ladder(adds=self.adds or {}, willingness=self.willingness)


class BackstopChange(_Frozen):
    """The US changes its backstop level on ``day``."""

    type: Literal["backstop"]
    day: Day
    level: Level


class Withdraw(_Frozen):
    """A country withdraws on ``day``, or at a random time with ``yearly_probability``.

    Without ``country`` a yearly probability applies to every country, each drawn independently.
    """

    type: Literal["withdraw"]
    country: Optional[str] = None
    day: Optional[Day] = None
    yearly_probability: Optional[Annotated[float, Field(ge=0, lt=1)]] = None

    @model_validator(mode="after")
    def _one(self):
        if (self.day is None) == (self.yearly_probability is None):
            raise ValueError("expected exactly one of day or yearly_probability")
        if self.day is not None and self.country is None:
            raise ValueError("a withdrawal on a day needs a country")
        return self


class Reinforce(_Frozen):
    """An approved country sends ``amount`` more units of ``component`` on ``day``."""

    type: Literal["reinforce"]
    country: str
    day: Day
    component: Component
    amount: Annotated[int, Field(gt=0)]


class HubClosure(_Frozen):
    """Transit hub ``hub`` is closed from ``start_day`` for ``days``."""

    type: Literal["hub_closure"]
    hub: str
    start_day: Day
    days: Annotated[float, Field(gt=0)]


class Violations(_Frozen):
    """Ceasefire violations arrive as a Poisson process; each raises a requirement for a while.

    Each violation raises ``component``'s requirement by ``surge`` (a fraction of the base
    requirement) for ``days``; overlapping surges add up.
    """

    type: Literal["violations"]
    rate_per_year: Annotated[float, Field(ge=0)]
    component: Component
    surge: Annotated[float, Field(ge=0)]
    days: Annotated[float, Field(gt=0)]


Event = Annotated[
    Union[BackstopChange, Withdraw, Reinforce, HubClosure, Violations], Field(discriminator="type")
]


# --- friction: transit and maintenance --------------------------------------------------------


class Hub(_Frozen):
    """A transit hub: people (troops, trainers) pass it at ``throughput_per_day``."""

    name: str
    throughput_per_day: Annotated[float, Field(gt=0)] = Field(
        description="people per day (default: parameters.transit.hub_throughput_per_day[name])"
    )


class Transit(_Frozen):
    """Transit hubs. Countries name theirs with ``via`` (a list: order of preference)."""

    hubs: list[Hub] = Field(default_factory=list)


class Maintenance(_Frozen):
    """Failures and repairs for a component (replaces its fixed availability).

    Each aircraft or ship in place fails after an exponential time with mean ``mtbf_days``,
    then waits for one of the detachment's ``crews_per_detachment`` crews, which repairs it in
    an exponential time with mean ``mttr_days``. Unset values come from ``parameters``.
    """

    mtbf_days: Optional[Annotated[float, Field(gt=0)]] = None
    mttr_days: Optional[Annotated[float, Field(gt=0)]] = None
    crews_per_detachment: Optional[Annotated[int, Field(ge=1)]] = None
    detachment_size: Optional[Annotated[int, Field(ge=1)]] = None


# --- the scenario -----------------------------------------------------------------------------


class Scenario(_Frozen):
    """A whole scenario: who pledges what, what is required, when, with which backstop."""

    name: str
    description: str = ""
    horizon_days: Annotated[int, Field(gt=0, le=20000)] = 730
    replications: Annotated[int, Field(ge=1)] = 100
    seed: Annotated[int, Field(ge=0)] = 0
    countries: list[Country]
    requirements: Requirements
    us_backstop: UsBackstop = UsBackstop()
    phases: dict[Component, Phase] = Field(default_factory=dict)
    events: list[Event] = Field(default_factory=list)
    transit: Optional[Transit] = None
    maintenance: dict[Literal["sky", "sea"], Maintenance] = Field(default_factory=dict)
    parameters: Parameters

    @model_validator(mode="after")
    def _consistent(self):
        names = [c.name for c in self.countries]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"country names must be unique; repeated: {', '.join(dupes)}")
        simulated = set(self.requirements.components)
        if not simulated:
            raise ValueError("expected at least one component under requirements")
        for comp, phase in self.phases.items():
            if comp not in simulated:
                raise ValueError(f"phases.{comp}: component is not under requirements")
            if phase.after and phase.after.component not in simulated:
                raise ValueError(f"phases.{comp}.after.component: {phase.after.component} is not under requirements")
            if phase.after and phase.after.component == comp:
                raise ValueError(f"phases.{comp}.after.component: a component cannot wait for itself")
        hubs = {h.name for h in self.transit.hubs} if self.transit else set()
        if self.transit:
            for c in self.countries:
                for hub in [c.via] if isinstance(c.via, str) else (c.via or []):
                    if hub not in hubs:
                        raise ValueError(f"countries[{c.name}].via: unknown hub {hub!r}; expected one of {sorted(hubs)}")
        for i, ev in enumerate(self.events):
            name = getattr(ev, "country", None)
            if name is not None and name not in names:
                raise ValueError(f"events[{i}].country: unknown country {name!r}; expected one of the scenario's countries")
            if ev.type == "hub_closure" and ev.hub not in hubs:
                raise ValueError(f"events[{i}].hub: unknown hub {ev.hub!r}; expected one of {sorted(hubs)} (under transit.hubs)")
            if ev.type in ("reinforce", "violations") and ev.component not in simulated:
                raise ValueError(f"events[{i}].component: {ev.component} is not under requirements")
        return self

    @property
    def components(self) -> tuple[str, ...]:
        return self.requirements.components

    def country(self, name: str) -> Country:
        """The country called ``name``."""
        return next(c for c in self.countries if c.name == name)


# --- loading ----------------------------------------------------------------------------------


def merge(base: Any, override: Any) -> Any:
    """Deep-merge ``override`` into ``base``; a distribution spec (with ``dist``) replaces wholesale."""
    if isinstance(base, dict) and isinstance(override, dict) and "dist" not in override:
        out = dict(base)
        for k, v in override.items():
            out[k] = merge(base.get(k), v) if k in base else v
        return out
    return copy.deepcopy(override)


def resolve(data: Any, file: str, catalog: Catalog) -> dict:
    """Fill a raw scenario mapping with catalog defaults (refs, parameters, ladder)."""
    if not isinstance(data, dict):
        raise ScenarioError.at(file, "", "expected a mapping of scenario keys at the top level")
    data = dict(data)
    problems: list[str] = []
    countries = data.get("countries")
    if isinstance(countries, list):
        out = []
        for i, entry in enumerate(countries):
            if isinstance(entry, dict) and entry.get("ref") is not None:
                try:
                    base = catalog.country(str(entry["ref"]), file, f"countries[{i}].ref")
                except ScenarioError as exc:
                    problems.extend(exc.problems)
                    continue
                merged = merge(base, {k: v for k, v in entry.items() if k != "ref"})
                merged["ref"] = entry["ref"]
                merged.setdefault("name", entry["ref"])
                out.append(merged)
            else:
                out.append(entry)
        data["countries"] = out
    if problems:
        raise ScenarioError(problems)
    data["parameters"] = merge(catalog.parameter_values, data.get("parameters") or {})
    transit = data.get("transit")
    if isinstance(transit, dict) and isinstance(transit.get("hubs"), list):
        defaults = (data["parameters"].get("transit") or {}).get("hub_throughput_per_day") or {}
        hubs = []
        for hub in transit["hubs"]:
            if isinstance(hub, dict) and "throughput_per_day" not in hub and hub.get("name") in defaults:
                hub = {**hub, "throughput_per_day": defaults[hub["name"]]}
            hubs.append(hub)
        data["transit"] = {**transit, "hubs": hubs}
    backstop = data.get("us_backstop") or {}
    if isinstance(backstop, dict):
        ladder = catalog.ladder_data()
        backstop = dict(backstop)
        backstop.setdefault("adds", ladder["adds"])
        backstop["willingness"] = merge(ladder["willingness"], backstop.get("willingness") or {})
        data["us_backstop"] = backstop
    return data


def _key_path(loc: tuple, data: dict) -> str:
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            label = str(item)
            if parts and parts[-1] == "countries" and isinstance(node, list) and item < len(node):
                entry = node[item]
                if isinstance(entry, dict) and entry.get("name"):
                    label = str(entry["name"])
            parts[-1] = f"{parts[-1]}[{label}]" if parts else f"[{label}]"
        elif item in ("fixed", "uniform", "triangular", "lognormal", "backstop", "withdraw", "reinforce",
                      "hub_closure", "violations") or str(item).startswith(
            "function-"
        ):
            continue  # pydantic's union tags are not keys of the file
        elif item == "days" and isinstance(node, (int, float)) and not isinstance(node, bool):
            continue  # a duration written as a plain number: the number itself is the problem
        else:
            parts.append(str(item))
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts)


def _expected(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] not in ("value_error",) and "input" in err and not isinstance(err["input"], (dict, list)):
        msg = f"{msg} (got {err['input']!r})"
    return f"expected: {msg[0].lower()}{msg[1:]}" if not msg.startswith("expected") else msg


def validate(data: Any, file: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Resolve and validate a raw scenario mapping; raise :class:`ScenarioError` listing every problem."""
    catalog = catalog or Catalog.load()
    resolved = resolve(data, file, catalog)
    try:
        return Scenario.model_validate(resolved)
    except ValidationError as exc:
        lines = [problem(file, _key_path(e["loc"], resolved), _expected(e)) for e in exc.errors()]
        raise ScenarioError(list(dict.fromkeys(lines))) from None


def load_raw(path: str | Path) -> dict:
    """Read a scenario file as a plain mapping (no defaults filled)."""
    data = read_yaml(Path(path))
    if not isinstance(data, dict):
        raise ScenarioError.at(str(path), "", "expected a mapping of scenario keys at the top level")
    return data


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read, fill and validate a scenario file."""
    return validate(load_raw(path), str(path), catalog)


def json_schema() -> dict:
    """The scenario file's JSON Schema: every key the loader reads (see :mod:`sim.scenario_schema`)."""
    from .scenario_schema import scenario_schema

    return scenario_schema(Scenario.model_json_schema())
