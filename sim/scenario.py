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
from typing import Annotated, Any, Callable, Literal, Optional, Sequence, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .backstop import Ladder, Willingness
from .catalog import Catalog
from .distributions import ZERO, Duration
from .documents import join, label, non_finite
from .errors import ScenarioError, problem
from .parameters import Parameters
from .scenario_checks import consistency, warnings
from .scenario_files import Chain, apply_sets, origin_of, read_chain, set_for
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


class Reconsider(_Frozen):
    """On ``day`` a government that said no decides again (a new government, a new vote): a fresh draw."""

    type: Literal["reconsider"]
    country: str
    day: Day


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
    Union[BackstopChange, Withdraw, Reinforce, Reconsider, HubClosure, Violations], Field(discriminator="type")
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


# --- reporting -------------------------------------------------------------------------------


class Report(_Frozen):
    """What the reports ask of a run (not of the model)."""

    deadlines: Optional[list[Annotated[int, Field(ge=0)]]] = Field(
        None, description="days by which P(IOC reached) and P(FOC reached) are reported "
        "(default: 90, 180, 365 and the horizon's last day)"
    )


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
    report: Report = Report()
    parameters: Parameters

    @model_validator(mode="after")
    def _consistent(self):
        problems = consistency(self.model_dump())
        if problems:  # the loader reports them all, with the field errors; here the first suffices
            path, expected = problems[0]
            raise ValueError(f"{path}: {expected}")
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


def _resolve(data: dict, file: str, catalog: Catalog) -> tuple[dict, list[tuple[str, str]]]:
    """Fill a raw scenario mapping with catalog defaults; return it and the problems met on the way."""
    data = dict(data)
    problems: list[tuple[str, str]] = []
    countries = data.get("countries")
    if isinstance(countries, list):
        out = []
        for i, entry in enumerate(countries):
            if isinstance(entry, dict) and entry.get("ref") is not None:
                ref = entry["ref"]
                base = catalog.countries.get(ref) if isinstance(ref, str) else None
                if base is None:
                    known = ", ".join(sorted(catalog.countries)) or "none"
                    problems.append((f"countries[{label(entry, i)}].ref", f"unknown country ref {ref!r}; expected one of: {known}"))
                    out.append({"name": str(ref), **{k: v for k, v in entry.items() if k != "ref"}})
                    continue
                base = {k: v for k, v in base.items() if k != "provenance"}
                merged = merge(base, {k: v for k, v in entry.items() if k != "ref"})
                merged["ref"] = ref
                if merged.get("name") is None:
                    merged["name"] = ref
                out.append(merged)
            else:
                out.append(entry)
        data["countries"] = out
    data["parameters"] = merge(catalog.parameter_values, data.get("parameters") or {})
    params = data["parameters"] if isinstance(data["parameters"], dict) else {}
    transit = data.get("transit")
    if isinstance(transit, dict) and isinstance(transit.get("hubs"), list):
        transit_params = params.get("transit") if isinstance(params.get("transit"), dict) else {}
        defaults = transit_params.get("hub_throughput_per_day")
        defaults = defaults if isinstance(defaults, dict) else {}
        hubs = []
        for i, hub in enumerate(transit["hubs"]):
            if isinstance(hub, dict) and "throughput_per_day" not in hub:
                name = hub.get("name")
                if isinstance(name, str) and name in defaults:
                    hub = {**hub, "throughput_per_day": defaults[name]}
                elif isinstance(name, str):
                    problems.append((f"transit.hubs[{name}].throughput_per_day",
                                     f"expected people per day: no default for hub {name!r} "
                                     f"(parameters.transit.hub_throughput_per_day has: {', '.join(map(str, defaults)) or 'none'})"))
            hubs.append(hub)
        data["transit"] = {**transit, "hubs": hubs}
    backstop = data.get("us_backstop") or {}
    if isinstance(backstop, dict):
        ladder = catalog.ladder_data()
        backstop = dict(backstop)
        backstop.setdefault("adds", ladder["adds"])
        backstop["willingness"] = merge(ladder["willingness"], backstop.get("willingness") or {})
        data["us_backstop"] = backstop
    return data, problems


def resolve(data: Any, file: str, catalog: Catalog) -> dict:
    """Fill a raw scenario mapping with catalog defaults (refs, parameters, ladder)."""
    if not isinstance(data, dict):
        raise ScenarioError.at(file, "", "expected a mapping of scenario keys at the top level")
    resolved, problems = _resolve(data, file, catalog)
    if problems:
        raise ScenarioError([problem(file, p, e) for p, e in problems])
    return resolved


_UNION_TAGS = {"fixed", "uniform", "triangular", "lognormal", "backstop", "withdraw", "reinforce", "reconsider", "hub_closure", "violations"}


def _key_path(loc: tuple, data: dict) -> str:
    path = ""
    node: Any = data
    for item in loc:
        if isinstance(item, int) and isinstance(node, list):
            path = f"{path}[{label(node[item], item) if item < len(node) else item}]"
        elif item in _UNION_TAGS or str(item).startswith("function-"):
            continue  # pydantic's union tags are not keys of the file
        elif item == "days" and isinstance(node, (int, float)) and not isinstance(node, bool):
            continue  # a duration written as a plain number: the number itself is the problem
        else:
            path = join(path, item)
        try:
            node = node[item]
        except (KeyError, IndexError, TypeError):
            node = None
    return path


def _expected(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] not in ("value_error",) and "input" in err and not isinstance(err["input"], (dict, list)):
        shown = repr(err["input"])
        msg = f"{msg} (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return f"expected: {msg[0].lower()}{msg[1:]}" if not msg.startswith("expected") else msg


Warn = Callable[[str], None]


def _changed(overrides: Any, defaults: Any) -> Any:
    """The part of ``overrides`` that differs from ``defaults`` (an override equal to its default changes nothing)."""
    if isinstance(overrides, dict) and isinstance(defaults, dict):
        out = {}
        for k, v in overrides.items():
            if k not in defaults:
                out[k] = v
            elif (sub := _changed(v, defaults[k])) not in ({}, None) or not isinstance(v, dict) and v != defaults[k]:
                out[k] = sub if isinstance(v, dict) else v
        return out
    return None if overrides == defaults else overrides
Describe = Callable[[str, str], str]


def validate(
    data: Any,
    file: str = "<scenario>",
    catalog: Catalog | None = None,
    *,
    problems: list[str] | None = None,
    warn: Warn | None = None,
    overrides: Any = None,
    describe: Describe | None = None,
) -> Scenario:
    """Resolve and validate a raw scenario mapping; raise :class:`ScenarioError` listing every problem.

    Field errors, cross-reference errors (:func:`sim.scenario_checks.consistency`)
    and non-finite numbers are found in one pass. ``problems`` are lines found
    earlier (e.g. duplicate keys while reading) to report with them. ``warn``
    receives one line per warning (:func:`sim.scenario_checks.warnings`) when the
    scenario is valid; ``overrides`` is the ``parameters`` mapping as written
    (default: ``data['parameters']``). ``describe(key_path, expected)`` formats a
    line (default: ``file: key_path: expected``).
    """
    say = describe or (lambda path, expected: problem(file, path, expected))
    if not isinstance(data, dict):
        raise ScenarioError(list(problems or []) + [say("", "expected a mapping of scenario keys at the top level")])
    catalog = catalog or Catalog.load()
    lines = list(problems or [])
    resolved, found = _resolve(data, file, catalog)
    found += [(path, f"expected a finite number (got {value})") for path, value in non_finite(resolved)]
    reported = {path for path, _ in found}
    try:
        scenario = Scenario.model_validate(resolved)
    except ValidationError as exc:
        scenario = None
        for e in exc.errors():
            if not e["loc"] and e["type"] == "value_error":
                continue  # a cross-key check: consistency() below reports every one
            path = _key_path(e["loc"], resolved)
            if not any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in reported):
                lines.append(say(path, _expected(e)))
    except (OverflowError, RecursionError) as exc:  # numbers or nesting beyond what a model can hold
        scenario = None
        lines.append(say("", f"expected numbers and nesting of ordinary size ({type(exc).__name__})"))
    lines += [say(p, e) for p, e in found + consistency(resolved)]
    lines = list(dict.fromkeys(lines))
    if lines or scenario is None:
        raise ScenarioError(lines or [say("", "expected a valid scenario")])
    if warn is not None:
        written = _changed((data.get("parameters") if overrides is None else overrides) or {}, catalog.parameter_values)
        for path, message in warnings(resolved, written):
            warn(say(path, f"warning: {message}"))
    return scenario


def load_raw(path: str | Path) -> dict:
    """Read a scenario file as a plain mapping: the files it extends merged in, no defaults filled."""
    chain = read_chain(path)
    if chain.problems:
        raise ScenarioError(chain.problems)
    return chain.data


def load_chain(
    path: str | Path,
    sets: Sequence[str] = (),
    catalog: Catalog | None = None,
    *,
    warn: Warn | None = None,
) -> tuple[Scenario, Chain]:
    """Read a scenario file and those it extends, apply ``--set`` assignments, validate.

    Returns the scenario and its :class:`~sim.scenario_files.Chain` (the files
    read and the assignments applied). Every problem of every file, each naming
    the file that holds it, comes in one :class:`ScenarioError`.
    """
    chain = read_chain(path)
    apply_sets(chain, sets)

    def describe(key_path: str, expected: str) -> str:
        by = set_for(chain, key_path)
        file = origin_of(chain, key_path) if key_path and not by else chain.files[0]
        line = problem(file, key_path, expected)
        return f"{line} (from --set {by})" if by else line

    scenario = validate(chain.data, chain.files[0], catalog, problems=chain.problems, warn=warn, describe=describe)
    return scenario, chain


def load_scenario(
    path: str | Path, catalog: Catalog | None = None, *, warn: Warn | None = None, sets: Sequence[str] = ()
) -> Scenario:
    """Read, fill and validate a scenario file; every problem of the file in one :class:`ScenarioError`."""
    return load_chain(path, sets, catalog, warn=warn)[0]


def json_schema() -> dict:
    """The scenario file's JSON Schema: every key the loader reads (see :mod:`sim.scenario_schema`)."""
    from .scenario_schema import scenario_schema

    return scenario_schema(Scenario.model_json_schema())
