"""What it takes: the smallest value of one number that meets a target, by bisection.

``coalition-sim goal`` varies one sweep path (``countries[United Kingdom].sky.aircraft``)
over a grid ``low, low + step, ..., high`` and finds the first grid value whose
estimate meets a target such as ``sky:p_foc_by_180>=0.8``. Every evaluation
runs the same replication indices with the same seed (common random numbers),
so two values differ by the value, not by luck, and a metric that improves
with the value in every replication improves on the grid too. The search
assumes that once the target is met it stays met as the value grows
(monotone), and then needs about ``log2(grid size) + 2`` evaluations:

1. evaluate ``high``: if it misses, the target is not reached (the best value
   found is reported);
2. evaluate ``low``: if it meets, it is the answer;
3. bisect between the last value that misses and the first that meets.

The answer comes with the metric's estimate and 95% interval there, and the
same one step lower (``below``), which bisection has always evaluated.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

import numpy as np

from ..catalog import Catalog
from ..errors import ScenarioError
from ..runner import run_reps
from ..scenario import Scenario, validate
from ..sweep import paths
from ..sweep.worker import METRICS
from .metric import Metric, UnknownMetric

_TARGET = re.compile(r"^\s*(?P<comp>[a-z_]+)\s*:\s*(?P<metric>[a-z0-9_]+)\s*(?P<op>>=|<=)\s*(?P<value>[-+0-9.eE]+)\s*$")


@dataclass(frozen=True)
class Target:
    """``COMPONENT:METRIC>=VALUE`` (or ``<=``)."""

    component: str
    metric: Metric
    op: str
    value: float

    def met(self, estimate: float) -> bool:
        """Whether an estimate meets the target."""
        return estimate >= self.value if self.op == ">=" else estimate <= self.value

    def words(self) -> str:
        """``P(sky FOC by day 180) >= 0.8``."""
        return f"{self.metric.describe(self.component)} {self.op} {self.value:g}"


def parse_target(text: str) -> Target:
    """Read ``COMPONENT:METRIC>=VALUE``; raise ValueError saying what was expected."""
    m = _TARGET.match(text or "")
    if not m:
        raise ValueError(f"expected COMPONENT:METRIC>=VALUE or <=VALUE, e.g. sky:p_foc_by_180>=0.8 (got {text!r})")
    try:
        metric = Metric(m.group("metric"))
    except UnknownMetric as exc:
        raise ValueError(str(exc)) from None
    try:
        value = float(m.group("value"))
    except ValueError:
        raise ValueError(f"expected a number after {m.group('op')} (got {m.group('value')!r})") from None
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number after {m.group('op')}")
    return Target(m.group("comp"), metric, m.group("op"), value)


@dataclass(frozen=True)
class Evaluation:
    """The metric at one value: estimate and 95% interval over the replications."""

    value: float
    estimate: float
    low: float
    high: float
    met: bool


@dataclass
class GoalResult:
    """What the search found."""

    answer: Optional[float]
    estimate: float
    low: float
    high: float
    below: Optional[Evaluation]
    evaluations: int
    reached: bool
    best: Optional[Evaluation] = None
    history: list[Evaluation] = field(default_factory=list)

    def document(self) -> dict:
        """The JSON-ready result (``goal.json``'s core keys)."""
        return {
            "answer": self.answer,
            "estimate": self.estimate,
            "low": self.low,
            "high": self.high,
            "below": asdict(self.below) if self.below else None,
            "evaluations": self.evaluations,
            "reached": self.reached,
            "best": asdict(self.best) if self.best else None,
            "history": [asdict(e) for e in self.history],
        }


def grid(low: float, high: float, step: float, integer: bool) -> list[float]:
    """``low, low + step, ...`` up to ``high`` (included); whole numbers for counts."""
    if integer:
        low, high, step = math.ceil(low), math.floor(high), max(1, round(step))
    n = max(0, math.ceil((high - low) / step - 1e-9))
    values = [min(low + k * step, high) for k in range(n + 1)]
    if integer:
        return [int(v) for v in values]
    return [float(f"{v:.10g}") for v in values]


def bisect(values: list[float], evaluate: Callable[[float], Evaluation], higher_is_better: bool) -> GoalResult:
    """The first of ``values`` whose evaluation meets the target, assuming meeting is monotone."""
    seen: dict[int, Evaluation] = {}

    def at(k: int) -> Evaluation:
        if k not in seen:
            seen[k] = evaluate(values[k])
        return seen[k]

    top = len(values) - 1
    if not at(top).met:
        at(0)
        sign = 1 if higher_is_better else -1
        best = max(seen.values(), key=lambda e: (sign * e.estimate, -e.value))
        return GoalResult(None, best.estimate, best.low, best.high, None, len(seen), False, best, _history(seen))
    if at(0).met:
        e = at(0)
        return GoalResult(e.value, e.estimate, e.low, e.high, None, len(seen), True, None, _history(seen))
    lo, hi = 0, top  # lo misses, hi meets
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if at(mid).met:
            hi = mid
        else:
            lo = mid
    e = at(hi)
    return GoalResult(e.value, e.estimate, e.low, e.high, at(lo), len(seen), True, None, _history(seen))


def _history(seen: dict[int, Evaluation]) -> list[Evaluation]:
    return [seen[k] for k in sorted(seen)]


# --- the scenario side --------------------------------------------------------------------------


def base_value(raw: dict, scn: Scenario, path: str):
    """The value ``path`` has in the scenario as loaded (defaults filled), or in the file."""
    steps = paths.parse(path)
    try:
        current = paths.get(scn.model_dump(mode="python"), steps)
    except paths.PathError:
        current = paths.MISSING
    if current is paths.MISSING or current is None:
        current = paths.get(raw, steps)
    return current


def is_count(raw: dict, scn: Scenario, path: str, low: float, high: float) -> bool:
    """Whether ``path`` holds a whole number (its current value is an integer, or both bounds are)."""
    current = base_value(raw, scn, path)
    if isinstance(current, bool):
        return False
    if isinstance(current, int):
        return True
    if isinstance(current, float):
        return False
    return float(low).is_integer() and float(high).is_integer()


def evaluator(
    raw: dict, file: str, path: str, target: Target, reps: int, seed: int, catalog: Catalog, integer: bool
) -> Callable[[float], Evaluation]:
    """A function evaluating the target's metric at a value of ``path`` (same seed and replications each time)."""
    steps = paths.parse(path)

    def evaluate(value: float) -> Evaluation:
        data = copy.deepcopy(raw)
        v = int(value) if integer else float(value)
        paths.assign(data, steps, v)
        scn = validate(data, file, catalog)
        if target.component not in scn.components:
            raise ScenarioError.at(file, "requirements", f"expected the component {target.component!r} of the target (found: {', '.join(scn.components)})")
        metrics = run_reps(scn, seed, range(reps))[target.component]
        per_rep = target.metric.per_rep(np.stack([np.asarray(metrics[k], dtype=float) for k in METRICS]))
        est, lo, hi = target.metric.estimate(per_rep)
        return Evaluation(v, round(est, 6), round(lo, 6), round(hi, 6), target.met(est))

    return evaluate


# --- words ----------------------------------------------------------------------------------------

_THE = ("United Kingdom", "United States", "Netherlands", "Czech Republic")
_UNITS = {"sky.aircraft": "aircraft", "sea.ships": "ships", "land.troops": "troops", "regeneration.trainers": "trainers"}
_COUNTRY = re.compile(r"^countries\[(?P<name>[^\]]+)\]\.(?P<field>.+)$")


def _num(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _who(name: str) -> str:
    return f"the {name}" if name in _THE else name


def _amount(path: str, value: float) -> str:
    """``32 aircraft`` for a pledge; ``approval.probability 0.9`` otherwise."""
    m = _COUNTRY.match(path)
    if m and m.group("field") in _UNITS:
        return f"{_num(value)} {_UNITS[m.group('field')]}"
    if m and m.group("field").startswith("enablers."):
        return f"{_num(value)} {m.group('field').split('.', 1)[1].replace('_', ' ')} units"
    return f"{m.group('field') if m else path} = {_num(value)}"


def sentence(path: str, target: Target, result: GoalResult, high: float) -> str:
    """The answer in one sentence, with the estimate and its 95% interval."""
    m = _COUNTRY.match(path)
    interval = f"estimate {result.estimate:.2f} [{result.low:.2f}, {result.high:.2f}]"
    if not result.reached:
        best = result.best
        return (
            f"not reached: even {_amount(path, high)} misses {target.words()}; "
            f"best {_amount(path, best.value)}: {interval}"
        )
    if m:
        return f"{_who(m.group('name'))} needs {_amount(path, result.answer)} for {target.words()}: {interval}"
    return f"{path} needs {_num(result.answer)} for {target.words()}: {interval}"
