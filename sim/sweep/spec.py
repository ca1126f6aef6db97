"""The sweep file, its expansion into points, and validation of every point before anything runs.

A sweep file names a base scenario and the values to vary::

    base: baseline.yaml              # relative to this file; absolute allowed
    replications: 100                # per point (default: the base scenario's)
    seed: 42                         # default: the base scenario's
    design: grid                     # grid | lhs | random
    samples: 64                      # points, for lhs and random
    parameters:
      us_backstop.level: [none, intelligence, logistics, air_support, guarantee]
      countries[France].land.troops: {low: 2000, high: 10000}
    coalition:
      leave_one_out: true            # or a list of country names

``grid`` takes the product of the listed values (the last parameter varies
fastest). ``lhs`` and ``random`` draw ``samples`` points: a ``{low, high}``
range is sampled uniformly, a list is sampled as categories. A parameter whose
base value is an integer (or, where the base has none, whose bounds are both
integers) stays an integer; other samples are rounded to 6 significant digits
so that the value written in ``results.csv`` is exactly the value that ran.
Leave-one-out crosses the design with the full coalition (``dropped`` empty)
and one variant per country dropped, in the base file's order.

Expansion (:func:`expand`) is a pure function of the spec, the base and a
generator; :func:`load_sweep` does the I/O and validates every point's
scenario, so a bad path or value is reported before any replication runs.
"""

from __future__ import annotations

import re

import copy
import hashlib
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator, field_validator

from ..catalog import Catalog
from ..documents import read_document
from ..errors import ScenarioError, problem
from ..scenario import Scenario, Warn, load_raw, validate
from ..scenario_checks import unused_parameter
from ..streams import key_word
from . import paths

Design = Literal["grid", "lhs", "random"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Range(_Frozen):
    """A continuous range for ``lhs`` and ``random`` designs."""

    low: Union[int, float]
    high: Union[int, float]

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError("expected low <= high")
        return self


class Coalition(_Frozen):
    """Who takes part: ``leave_one_out`` adds one point per country dropped (all, or those listed)."""

    leave_one_out: Union[bool, list[str]] = False


class SweepPlot(_Frozen):
    """What the sweep's pictures show."""

    metric: Optional[str] = Field(
        None, description="heatmap metric, a column of results.csv: foc_day_median (default), ioc_day_median, "
        "mean_coverage, p_ioc_by_<D> or p_foc_by_<D>"
    )

    @field_validator("metric")
    @classmethod
    def _known(cls, value):
        if value is not None:
            plot_metric(value)
        return value


def plot_metric(name: str) -> str:
    """The results.csv column for a plot metric (``ioc_day`` -> ``ioc_day_median``); ValueError if unknown."""
    from ..outcomes import outcome

    return outcome(name).statistic


class SweepSpec(_Frozen):
    """A sweep file as written."""

    base: str = Field(description="scenario file, relative to the sweep file (absolute allowed)")
    replications: Optional[int] = Field(None, ge=1, description="per point (default: the base scenario's)")
    seed: Optional[int] = Field(None, ge=0, description="sweep seed (default: the base scenario's)")
    design: Design = "grid"
    samples: Optional[int] = Field(None, ge=1, description="number of points for lhs and random")
    parameters: dict[str, Union[Range, list[Any]]] = Field(default_factory=dict)
    coalition: Coalition = Coalition()
    plot: SweepPlot = SweepPlot()

    @model_validator(mode="after")
    def _consistent(self):
        if self.design != "grid" and self.samples is None:
            raise ValueError(f"samples: expected a number of points for design {self.design}")
        for path, values in self.parameters.items():
            if isinstance(values, list) and not values:
                raise ValueError(f"parameters.{path}: expected at least one value")
            if self.design == "grid" and isinstance(values, Range):
                raise ValueError(f"parameters.{path}: expected a list of values for design grid (or use lhs/random)")
        return self


@dataclass(frozen=True)
class Parameter:
    """One swept parameter, resolved against the base: its path, steps and kind."""

    path: str
    steps: tuple[paths.Step, ...]
    kind: Literal["int", "float", "category"]
    values: Optional[tuple[Any, ...]] = None  # listed values (grid, or categories)
    low: Optional[float] = None
    high: Optional[float] = None

    def describe(self) -> dict:
        """A JSON-ready description (for ``sweep.json`` and the plots)."""
        out: dict[str, Any] = {"path": self.path, "kind": self.kind}
        if self.values is not None:
            out["values"] = list(self.values)
        else:
            out.update(low=self.low, high=self.high)
        return out


@dataclass(frozen=True)
class Point:
    """One point of the sweep: values by path, and the country dropped (None: full coalition).

    ``part`` says what of the country is dropped: ``country`` (all of it), or for a country that
    hosts a transit hub one of ``pledges`` (its units and enablers; its hub still opens on its
    approval) and ``transit_consent`` (its hub is closed all along; its pledges stay).
    """

    index: int
    values: dict[str, Any]
    dropped: Optional[str] = None
    part: Optional[str] = None

    @property
    def label(self) -> str:
        """The dropped country, with the part dropped for a hub's host (``Poland (transit consent)``)."""
        if self.dropped is None:
            return ""
        return self.dropped if self.part in (None, "country") else f"{self.dropped} ({self.part.replace('_', ' ')})"


@dataclass
class Sweep:
    """A loaded, expanded and validated sweep."""

    file: Path
    spec: SweepSpec
    base_file: Path
    base_raw: dict
    replications: int
    seed: int
    parameters: list[Parameter]
    leave_one_out: list[str]
    points: list[Point]
    scenarios: list[Scenario] = field(repr=False)
    deadlines: tuple[int, ...] = ()
    hub_hosts: list[str] = field(default_factory=list)  # countries left out that host a transit hub

    def base_point(self, point: Point) -> int:
        """The point ``point`` is compared with: the full coalition at the same values (leave-one-out), else point 0."""
        if point.dropped is not None:
            for p in self.points:
                if p.dropped is None and p.values == point.values:
                    return p.index
        return self.points[0].index if self.points else point.index

    @property
    def name(self) -> str:
        """The sweep's name: its file's stem."""
        return self.file.stem

    def resolved(self) -> dict:
        """The sweep as resolved: every default filled, paths absolute, points listed."""
        return {
            "file": str(self.file),
            "base": str(self.base_file),
            "scenario": self.scenarios[0].name if self.scenarios else None,
            "replications": self.replications,
            "seed": self.seed,
            "design": self.spec.design,
            "samples": self.spec.samples,
            "parameters": [p.describe() for p in self.parameters],
            "leave_one_out": self.leave_one_out,
            "deadlines": list(self.deadlines),
            "plot": {"metric": self.spec.plot.metric},
            "points": [{"point": p.index, "values": p.values, "dropped": p.dropped, "dropped_part": p.part}
                       for p in self.points],
            "hub_hosts": self.hub_hosts,
        }

    def fingerprint(self, code: str) -> str:
        """A digest of everything that decides the results (``--resume`` refuses a different one).

        It covers the resolved sweep, every point's validated scenario (so a changed
        catalog default counts) and ``code``, a digest of the model's source.
        """
        digest = hashlib.sha256()
        digest.update(json.dumps(self.resolved() | {"file": None}, sort_keys=True, default=repr).encode())
        for scn in self.scenarios:
            digest.update(scn.model_dump_json().encode())
        digest.update(code.encode())
        return digest.hexdigest()


# --- expansion (pure) -------------------------------------------------------------------------


def design_rng(seed: int) -> np.random.Generator:
    """The generator that places lhs/random points: keyed apart from every replication's streams."""
    seq = np.random.SeedSequence(seed, spawn_key=(key_word("sweep"), key_word("design")))
    return np.random.Generator(np.random.PCG64(seq))


def lhs_unit(n: int, d: int, rng: np.random.Generator) -> np.ndarray:
    """Latin hypercube on [0, 1)^d: in each column every stratum [k/n, (k+1)/n) holds one sample."""
    u = rng.random((n, d))
    strata = np.stack([rng.permutation(n) for _ in range(d)], axis=1) if d else np.empty((n, 0), int)
    return (strata + u) / n


def _from_unit(param: Parameter, u: float) -> Any:
    if param.values is not None:
        return param.values[min(int(u * len(param.values)), len(param.values) - 1)]
    if param.kind == "int":
        lo, hi = int(param.low), int(param.high)
        return int(min(lo + int(np.floor(u * (hi - lo + 1))), hi))
    return float(f"{param.low + u * (param.high - param.low):.6g}")


def design_points(parameters: list[Parameter], design: Design, samples: int | None, rng: np.random.Generator) -> list[dict]:
    """The design's parameter values, one mapping (path -> value) per point, in point order."""
    if design == "grid":
        combos = itertools.product(*(p.values for p in parameters))
        return [dict(zip((p.path for p in parameters), combo)) for combo in combos]
    n = int(samples or 0)
    unit = lhs_unit(n, len(parameters), rng) if design == "lhs" else rng.random((n, len(parameters)))
    return [{p.path: _from_unit(p, float(unit[i, j])) for j, p in enumerate(parameters)} for i in range(n)]


PARTS = ("pledges", "transit_consent")
"""What of a hub's host is left out in turn: its pledges (the hub stays), then its consent (the pledges stay)."""


def expand(
    parameters: list[Parameter],
    design: Design,
    samples: int | None,
    leave_one_out: list[str],
    rng: np.random.Generator,
    hub_hosts: tuple[str, ...] | list[str] = (),
) -> list[Point]:
    """All points: the design crossed with the coalition variants (full first, then each dropped).

    A country in ``hub_hosts`` gives two variants, one per part of :data:`PARTS`; any other, one
    (``part`` ``country``).
    """
    variants: list[tuple[Optional[str], Optional[str]]] = [(None, None)]
    for name in leave_one_out:
        variants.extend((name, part) for part in (PARTS if name in hub_hosts else ("country",)))
    out = []
    for values in design_points(parameters, design, samples, rng):
        for dropped, part in variants:
            out.append(Point(len(out), values, dropped, part))
    return out


def _without_pledges(entry: Any) -> Any:
    """A country entry that pledges nothing (every unit and enabler 0), the rest as it was."""
    from ..vocabulary import COMPONENTS, ENABLERS, UNITS

    zero = {comp: {UNITS[comp]: 0} for comp in COMPONENTS} | {"enablers": {e: 0 for e in ENABLERS}}
    if isinstance(entry, str):
        return {"ref": entry, **zero}
    return {**entry, **{k: ({**entry[k], **v} if isinstance(entry.get(k), dict) else v) for k, v in zero.items()}}


def point_data(base_raw: dict, parameters: list[Parameter], point: Point, horizon_days: int | None = None) -> dict:
    """The raw scenario mapping of ``point``: the base with its values set and its country (or part) dropped.

    ``pledges``: the country stays (so a hub it hosts still opens on its approval) with nothing pledged
    and its ``reinforce`` events gone; ``transit_consent``: a ``hub_closure`` of its hub from day 0 for
    ``horizon_days`` (the base's horizon), its pledges kept.
    """
    data = copy.deepcopy(base_raw)
    for p in parameters:
        paths.assign(data, p.steps, copy.deepcopy(point.values[p.path]))
    if point.dropped is None:
        return data
    name = point.dropped
    if point.part == "pledges":
        data["countries"] = [_without_pledges(c) if paths.entry_name(c) == name else c for c in data["countries"]]
        data["events"] = [e for e in data.get("events") or []
                          if not (isinstance(e, dict) and e.get("type") == "reinforce" and e.get("country") == name)]
    elif point.part == "transit_consent":
        days = data.get("horizon_days") if isinstance(data.get("horizon_days"), int) else horizon_days
        closure = {"type": "hub_closure", "hub": name, "start_day": 0, "days": days}
        data["events"] = [*(data.get("events") or []), closure]
    else:
        data["countries"] = [c for c in data["countries"] if paths.entry_name(c) != name]
    return data


# --- loading and validation (I/O at the edge) -------------------------------------------------


def _spec_problems(exc: ValidationError, file: str) -> list[str]:
    lines = []
    for e in exc.errors():
        branch = next((str(x) for x in e["loc"] if str(x).startswith(("list[", "Range"))), None)
        if branch and isinstance(e.get("input"), dict) == branch.startswith("list["):
            continue  # the other branch of "a list or {low, high}" says what is wrong
        loc = ".".join(str(x) for x in e["loc"] if not str(x).startswith(("function-", "list[", "Range")))
        msg = e["msg"].removeprefix("Value error, ")
        msg = msg[:1].lower() + msg[1:]
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        if ": " in msg and not loc:  # our own messages carry their key path
            loc, msg = msg.split(": ", 1)
        lines.append(problem(file, loc, msg if msg.startswith("expected") or msg == "unknown key" else f"expected: {msg}"))
    return list(dict.fromkeys(lines))


def _resolve_parameter(path: str, values: Any, base_raw: dict, base_dump: dict, file: str) -> Parameter:
    where = f"parameters.{path}"
    try:
        steps = paths.parse(path)
        paths.check(base_raw, steps)
    except paths.PathError as exc:
        raise ScenarioError.at(file, where, str(exc)) from None
    if isinstance(values, list):
        kind = "category"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            kind = "int"
        elif all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            kind = "float"
        return Parameter(path, steps, kind, values=tuple(values))
    try:
        current = paths.get(base_dump, steps)
    except paths.PathError:
        current = paths.MISSING
    if current is paths.MISSING or current is None:
        current = paths.get(base_raw, steps)
    if isinstance(current, bool) or isinstance(current, (str, dict, list)):
        raise ScenarioError.at(file, where, f"expected a list of values: the base value is not a number ({current!r})")
    if isinstance(current, int):
        is_int = True
    elif isinstance(current, float):
        is_int = False
    else:
        is_int = isinstance(values.low, int) and isinstance(values.high, int)
    if is_int and int(np.ceil(values.low)) > int(np.floor(values.high)):
        raise ScenarioError.at(file, where, "expected a range that holds an integer")
    low, high = (int(np.ceil(values.low)), int(np.floor(values.high))) if is_int else (values.low, values.high)
    return Parameter(path, steps, "int" if is_int else "float", low=low, high=high)


def _leave_one_out(option: Union[bool, list[str]], base_raw: dict, file: str) -> list[str]:
    names = [paths.entry_name(c) for c in base_raw.get("countries") or []]
    names = [n for n in names if n]
    if option is True:
        return names
    if not option:
        return []
    missing = [n for n in option if n not in names]
    if missing:
        raise ScenarioError(
            [problem(file, "coalition.leave_one_out", f"expected countries of the base; no {n!r} (found: {', '.join(names)})") for n in missing]
        )
    return list(option)


def _point_problems(exc: ScenarioError, file: str, swept: list[str], point: Point) -> list[str]:
    out = []
    prefix = f"{file}: "
    for line in exc.problems:
        rest = line[len(prefix):] if line.startswith(prefix) else line
        path = next((s for s in swept if rest.startswith(s + ":") or rest.startswith(s + ".")), None)
        if path is not None:
            out.append(f"{file}: parameters.{rest}")
        elif point.dropped is not None:
            out.append(f"{file}: coalition.leave_one_out: without {point.label}: {rest}")
        else:
            out.append(f"{file}: {rest}")
    return out


SCENARIO_KEYS = frozenset({"countries", "requirements", "extends", "phases", "events", "us_backstop"})
"""Keys only a scenario file has: a sweep file holding them (and no ``base``) is a scenario file."""


def _read_spec(path: Path) -> tuple[dict, list[str]]:
    """The sweep file's mapping and the problems met reading it (duplicate keys, non-finite numbers)."""
    file = str(path)
    doc = read_document(path, file)
    raw = doc.data
    if not isinstance(raw, dict):
        raise ScenarioError(doc.problems + [problem(file, "", "expected a mapping of sweep keys (base, replications, seed, design, parameters)")])
    if "base" not in raw and SCENARIO_KEYS & set(raw):
        raise ScenarioError.at(
            file, "", f"this is a scenario file (it has {', '.join(sorted(SCENARIO_KEYS & set(raw)))}), expected a sweep "
            f"file (base:, parameters:); run it with `coalition-sim run {file}`",
        )
    return raw, list(doc.problems)


def _check_paths(raw: dict, base_raw: dict, file: str) -> list[str]:
    """Problems with the parameter paths of a sweep whose spec is invalid (so they come in the same pass)."""
    out = []
    params = raw.get("parameters")
    for p in params if isinstance(params, dict) else ():
        try:
            paths.check(base_raw, paths.parse(str(p)))
        except paths.PathError as exc:
            out.append(problem(file, f"parameters.{p}", str(exc)))
    return out


def _check_point_count(parameters, design, samples, loo, base, file: str, hosts=()) -> None:
    """Refuse (one line, before expanding) a design with more points than memory can hold."""
    import math
    import pickle

    from ..memory import POINT_FACTOR, check

    per_design = math.prod(len(p.values) for p in parameters) if design == "grid" else int(samples or 0)
    n = per_design * (1 + len(loo) + len(hosts))
    check(n * len(pickle.dumps(base)) * POINT_FACTOR, f"{file}: {'parameters' if design == 'grid' else 'samples'} ({n:,} points)",
          "fewer values or samples; each point is a scenario held in memory")


def load_sweep(path: str | Path, *, warn: Warn | None = None, catalog: Catalog | None = None) -> Sweep:
    """Read a sweep file, expand it and validate every point's scenario; raise :class:`ScenarioError`.

    Every problem of the sweep file and its base scenario is reported in one pass.
    ``warn`` receives one line per warning: the base scenario's, and axes with no effect.
    ``catalog`` is the evidence base (default: :meth:`Catalog.load`).
    """
    path = Path(path)
    file = str(path)
    raw, problems = _read_spec(path)
    try:
        spec = SweepSpec.model_validate(raw)
    except ValidationError as exc:
        spec = None
        problems += _spec_problems(exc, file)
    base_value = spec.base if spec else raw.get("base")
    if not isinstance(base_value, str) or not base_value:
        raise ScenarioError(list(dict.fromkeys(problems)))
    base_file = Path(base_value) if Path(base_value).is_absolute() else path.parent / base_value
    catalog = catalog or Catalog.load()
    try:
        base_raw = load_raw(base_file)
        base = validate(copy.deepcopy(base_raw), str(base_file), catalog, warn=warn)
    except ScenarioError as exc:
        raise ScenarioError(list(dict.fromkeys(problems + exc.problems))) from None
    if spec is None:
        raise ScenarioError(list(dict.fromkeys(problems + _check_paths(raw, base_raw, file))))
    base_dump = base.model_dump(mode="python")
    parameters = []
    for p, values in spec.parameters.items():
        try:
            parameters.append(_resolve_parameter(p, values, base_raw, base_dump, file))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    loo = _leave_one_out(spec.coalition.leave_one_out, base_raw, file)
    seed = base.seed if spec.seed is None else spec.seed
    hub_names = {h.name for h in base.transit.hubs} if base.transit else set()
    hosts = [n for n in loo if n in hub_names]
    _check_point_count(parameters, spec.design, spec.samples, loo, base, file, hosts)
    points = expand(parameters, spec.design, spec.samples, loo, design_rng(seed), hosts)
    scenarios: list[Scenario] = []
    swept = [p.path for p in parameters]
    for point in points:
        try:
            data = point_data(base_raw, parameters, point, base.horizon_days)
            scenarios.append(validate(data, file, catalog))
        except paths.PathError as exc:
            problems.append(problem(file, "parameters", str(exc)))
        except ScenarioError as exc:
            problems.extend(_point_problems(exc, file, swept, point))
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    if warn is not None:
        for line in axis_warnings(parameters, base_raw, base_dump, file, catalog):
            warn(line)
    return Sweep(
        file=path,
        spec=spec,
        base_file=base_file.resolve(),
        base_raw=base_raw,
        replications=base.replications if spec.replications is None else spec.replications,
        seed=seed,
        parameters=parameters,
        leave_one_out=loo,
        points=points,
        scenarios=scenarios,
        deadlines=sweep_deadlines(spec, base),
        hub_hosts=hosts,
    )


def sweep_deadlines(spec: SweepSpec, base: Scenario, override=None) -> tuple[int, ...]:
    """``--deadlines``, else the base scenario's (:func:`sim.outcomes.deadlines_for`), with the plot metric's day."""
    from ..outcomes import deadlines_for

    days = set(deadlines_for(base, override))
    match = re.match(r"^p_(?:ioc|foc)_by_(\d+)$", spec.plot.metric or "")
    if match:
        days.add(int(match.group(1)))
    return tuple(sorted(days))


def _axis_values(param: Parameter) -> list[Any]:
    if param.values is not None:
        return list(param.values)
    return [param.low, param.high]


def axis_warnings(parameters: list[Parameter], base_raw: dict, base_dump: dict, file: str, catalog: Catalog) -> list[str]:
    """One line per swept parameter that cannot change a result.

    An axis has no effect when every one of its values (for a range: both ends)
    gives the same validated scenario, or when it overrides a parameter the base
    scenario never uses (:func:`sim.scenario_checks.unused_parameter`).
    """
    out = []
    for param in parameters:
        where = f"parameters.{param.path}"
        if param.path.startswith("parameters."):
            why = unused_parameter(param.path[len("parameters."):], base_dump)
            if why:
                out.append(problem(file, where, f"warning: this axis has no effect: {why}"))
                continue
        dumps = set()
        for value in _axis_values(param):
            data = copy.deepcopy(base_raw)
            try:
                paths.assign(data, param.steps, copy.deepcopy(value))
                dumps.add(validate(data, file, catalog).model_dump_json())
            except (paths.PathError, ScenarioError):
                dumps.add(repr(value))  # an invalid value is reported with the points; it differs at least
        if len(dumps) == 1 and len(_axis_values(param)) > 1:
            out.append(problem(file, where, "warning: this axis has no effect: every value gives the same scenario"))
    return out
