"""Outcomes, declared once: a name, a value per replication, and how replications are aggregated.

Every command that reports a result (``run``, ``sweep``, ``compare``, and the
analyses built on them) reads its numbers through this module, so a metric
means the same thing everywhere. An outcome is one component's scalar per
replication, computed from the replication's daily coverage, or (``sustainable_coverage``) from
its trace:

=================  ===========  ==========================================================
name               aggregation  per replication
=================  ===========  ==========================================================
mean_coverage      mean         mean daily coverage over the whole horizon
ioc_day            median       first day at or above the IOC threshold (NaN: never)
foc_day            median       first day at or above the FOC threshold (NaN: never)
gap_days           mean         days below IOC after first reaching it
longest_gap        mean         the longest run of such days
p_ioc_by_<D>       probability  1 if IOC was reached on or before day D, else 0
p_foc_by_<D>       probability  1 if FOC was reached on or before day D, else 0
sustainable_       mean         long-run coverage the pools the replication deployed can hold
coverage                        under the rotation rule (:mod:`sim.sustain`): read from the
                                trace (who deployed what, the US level at the horizon), not
                                from the series; ``run``'s metrics and ``run_reps`` carry it,
                                and so do sweeps (``results.csv``), levers, goal and audit
                                (``sim.sweep.worker.METRICS`` = :data:`BASE` + :data:`FROM_TRACE`)
=================  ===========  ==========================================================

Usage::

    from sim import outcomes
    per_rep = result.metrics()["sky"]                   # the base outcomes per replication
    x = outcomes.values(per_rep, "p_foc_by_180")        # 0/1 per replication
    o = outcomes.outcome("p_foc_by_180")
    o.estimate(x), o.interval(x)                        # share, Wilson 95% interval
    o.paired(x_reference, x_other)                      # other - reference, paired 95% interval

Intervals (95%):

* means: Student t on the replications (``interval``); the paired difference
  is the t interval of the per-replication differences (paired t);
* probabilities: Wilson score interval for one share; for a paired difference,
  Tango's score interval for paired proportions (:func:`tango_interval`): it
  depends on how many replications go from 0 to 1 and from 1 to 0, and stays
  wide when only a handful differ, where the paired t (Wald) interval of the
  -1/0/1 differences is too narrow (measured on pairs drawn with common
  random numbers, 200 replications, a true difference of 0.01 so about two
  discordant ones: Tango covered it 98.6% of the time, the paired t 86.6%). When no replication differs, the difference is 0 in [0, 0]: the
  runs agree in every replication (Tango's interval would be +-z^2/(n+z^2),
  +-0.019 at 200 replications).
* medians (``ioc_day``, ``foc_day``): a paired percentile bootstrap over
  replications (2000 resamples, seeded by the caller); a replication that never
  reaches the level counts as infinitely late, and a median or bound that falls
  on such a replication is reported as ``None``.

A difference that is the same in every replication gives an interval
collapsed on it, and a run against itself gives 0 in [0, 0].
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist
from typing import Callable, Literal, Mapping, Optional

import numpy as np

from .metrics import first_day, gaps

LEVEL = 0.95
Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)
BOOTSTRAP = 2000

BASE = ("mean_coverage", "ioc_day", "foc_day", "gap_days", "longest_gap")
"""The outcomes computed from a coverage series; the deadline probabilities are derived from these."""

FROM_TRACE = ("sustainable_coverage",)
"""Outcomes computed from a replication's trace rather than its series (:func:`sim.runner.rep_metrics`)."""

DEFAULT_DEADLINES = (90, 180, 365)
"""Deadline days reported by default, with the horizon's last day (those within the horizon)."""

Kind = Literal["mean", "probability", "median"]
Interval = tuple[Optional[float], Optional[float], Optional[float]]


# --- per replication --------------------------------------------------------------------------


def base_values(series: np.ndarray, ioc: float, foc: float) -> dict[str, np.ndarray]:
    """The :data:`BASE` outcomes of one component, per replication, from its (R, H) daily coverage."""
    gap_days, longest = gaps(series, ioc)
    return {
        "mean_coverage": series.mean(axis=1),
        "ioc_day": first_day(series, ioc),
        "foc_day": first_day(series, foc),
        "gap_days": gap_days,
        "longest_gap": longest,
    }


def holding(series: np.ndarray, level: float) -> np.ndarray:
    """Share of replications at or above ``level`` on each day, from (R, H) daily coverage."""
    if series.shape[0] == 0:
        return np.zeros(series.shape[1])
    return (series >= level - 1e-12).mean(axis=0)


def _reached_by(day_name: str, deadline: int) -> Callable[[Mapping[str, np.ndarray]], np.ndarray]:
    def read(m: Mapping[str, np.ndarray]) -> np.ndarray:
        days = np.asarray(m[day_name], dtype=float)
        return (np.nan_to_num(days, nan=np.inf) <= deadline).astype(float)

    return read


# --- aggregation and intervals ----------------------------------------------------------------


def t_two_sided(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with integer ``df`` (Abramowitz & Stegun 26.7.3 and 26.7.4)."""
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2:  # odd
        term, total = c, c if df > 1 else 0.0
        for k in range(3, df - 1, 2):
            term *= (k - 1) / k * c * c
            total += term
        return 2 / math.pi * (theta + s * total)
    term = total = 1.0
    for k in range(2, df - 1, 2):
        term *= (k - 1) / k * c * c
        total += term
    return s * total


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: int) -> float:
    """Quantile ``p`` (> 0.5) of Student's t with ``df`` degrees of freedom.

    Worked out once per ``(p, df)``: a sweep asks for the same few hundred times per point.

    The Cornish-Fisher expansion in powers of ``1/df`` (Abramowitz & Stegun
    26.7.5) starts a bisection on the exact distribution function (26.7.3-4);
    above 200 degrees of freedom the expansion alone is exact to 1e-9.
    """
    if df <= 0:
        return math.nan
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    guess = z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4
    if df > 200:
        return guess
    target = 2 * p - 1
    lo, hi = 0.0, max(2 * guess, 1.0)
    while t_two_sided(hi, df) < target:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if t_two_sided(mid, df) < target:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2


def t_interval(x: np.ndarray) -> tuple[Optional[float], Optional[float]]:
    """95% Student t interval of the mean of ``x`` (collapsed when ``x`` is constant)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n == 0:
        return None, None
    mean = float(x.mean())
    if n == 1:
        return None, None
    sd = float(x.std(ddof=1))
    if sd <= 1e-12 * max(1.0, abs(mean)):
        return mean, mean
    half = t_quantile(0.5 + LEVEL / 2, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


def wilson(successes: float, n: int) -> tuple[Optional[float], Optional[float]]:
    """95% Wilson score interval of a share ``successes / n``."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def tango_score(gains: int, losses: int, n: int, delta: float) -> float:
    """Tango's score statistic for a paired difference of shares equal to ``delta``.

    Over ``n`` pairs, ``gains`` are replications at 1 in the other run and 0 in the
    reference, ``losses`` the reverse; the difference of shares is
    ``(gains - losses) / n``. The variance is taken at the maximum-likelihood
    share of losses under ``delta`` (Tango 1998, Statistics in Medicine 17:891-908),
    which is what keeps the interval honest when only a few replications differ.
    """
    g, lo, n = float(gains), float(losses), float(n)
    w = -g - lo + (2 * n - g + lo) * delta
    root = math.sqrt(max(0.0, w * w + 8 * n * lo * delta * (1 - delta)))
    p_losses = (-w + root) / (4 * n)
    var = n * (2 * p_losses + delta * (1 - delta))
    num = g - lo - n * delta
    if var <= 1e-300:
        return math.copysign(math.inf, num) if num else 0.0
    return num / math.sqrt(var)


def tango_interval(gains: int, losses: int, n: int) -> tuple[float, float]:
    """95% score interval of a paired difference of shares (Tango 1998): every ``delta`` with ``|score| <= z``."""
    est = (gains - losses) / n

    def solve(lo: float, hi: float, target: float) -> float:
        # the score falls as delta rises: find where it crosses ``target`` between lo and hi
        for _ in range(80):
            mid = (lo + hi) / 2
            if tango_score(gains, losses, n, mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    low = -1.0 if tango_score(gains, losses, n, -1.0) <= Z else solve(-1.0, est, Z)
    high = 1.0 if tango_score(gains, losses, n, 1.0) >= -Z else solve(est, 1.0, -Z)
    return max(-1.0, low), min(1.0, high)


def paired_proportion(reference: np.ndarray, other: np.ndarray, identical: Optional[bool] = None) -> Interval:
    """Difference of two paired shares (other - reference) with Tango's 95% score interval.

    ``identical`` says whether the two runs are the same run (their daily coverage
    agrees in every replication): then the difference is exactly 0 in [0, 0]. With
    ``None``, equal values in every replication count as the same run; with
    ``False``, equal values still get Tango's interval, which is not empty (at
    200 replications +-0.019): a handful of replications could have differed.
    """
    a, b = np.asarray(reference, dtype=bool), np.asarray(other, dtype=bool)
    n = a.size
    if n == 0:
        return None, None, None
    d = b.astype(float) - a.astype(float)
    diff = float(d.mean())
    if identical or (identical is None and not d.any()):
        return diff, diff, diff
    gains, losses = int(np.sum(b & ~a)), int(np.sum(a & ~b))
    lo, hi = tango_interval(gains, losses, n)
    return diff, min(lo, diff), max(hi, diff)


def _median(x: np.ndarray) -> float:
    v = np.where(np.isnan(x), np.inf, x)
    return float(np.percentile(v, 50, method="inverted_cdf")) if v.size else math.inf


def _finite(x: float) -> Optional[float]:
    return float(x) if x is not None and np.isfinite(x) else None


def _bootstrap_rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(name.encode()), 0xB007]))


def _medians(x: np.ndarray, idx: np.ndarray) -> np.ndarray:
    v = np.where(np.isnan(x), np.inf, x)[idx]
    return np.percentile(v, 50, axis=1, method="inverted_cdf")


def _quantiles(d: np.ndarray) -> tuple[Optional[float], Optional[float]]:
    """2.5% and 97.5% of bootstrap values that may be infinite or undefined (inf - inf counts as both tails)."""
    lo = np.percentile(np.where(np.isnan(d), -np.inf, d), 100 * (1 - LEVEL) / 2, method="inverted_cdf")
    hi = np.percentile(np.where(np.isnan(d), np.inf, d), 100 * (1 + LEVEL) / 2, method="inverted_cdf")
    return _finite(lo), _finite(hi)


# --- the outcome ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One named outcome: its value per replication and how replications are aggregated."""

    name: str
    kind: Kind
    read: Callable[[Mapping[str, np.ndarray]], np.ndarray]
    description: str

    def values(self, per_rep: Mapping[str, np.ndarray]) -> np.ndarray:
        """Per-replication values from a component's :data:`BASE` outcomes."""
        return np.asarray(self.read(per_rep), dtype=float)

    @property
    def statistic(self) -> str:
        """The name under which the aggregate is reported (``ioc_day_median``, ``p_foc_by_180``, ...)."""
        return f"{self.name}_median" if self.kind == "median" else self.name

    def estimate(self, x: np.ndarray) -> Optional[float]:
        """The aggregate over replications: mean, share, or median (None if it is 'never')."""
        x = np.asarray(x, dtype=float)
        if x.size == 0:
            return None
        if self.kind == "median":
            return _finite(_median(x))
        return float(x.mean())

    def interval(self, x: np.ndarray, seed: int = 0) -> tuple[Optional[float], Optional[float]]:
        """A 95% interval of :meth:`estimate` (t, Wilson, or percentile bootstrap)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "mean":
            return t_interval(x)
        if self.kind == "probability":
            return wilson(float(x.sum()), x.size)
        if x.size == 0:
            return None, None
        idx = _bootstrap_rng(seed, self.name).integers(0, x.size, size=(BOOTSTRAP, x.size))
        return _quantiles(_medians(x, idx))

    def paired(self, reference: np.ndarray, other: np.ndarray, seed: int = 0, identical: Optional[bool] = None) -> Interval:
        """``(diff, low, high)``: other minus reference over the same replications, 95% interval.

        ``identical``: whether the two runs are known to be the same (see :func:`paired_proportion`);
        it matters for shares only, where equal values do not prove equal runs.
        """
        a, b = np.asarray(reference, dtype=float), np.asarray(other, dtype=float)
        if a.shape != b.shape:
            raise ValueError(f"{self.name}: paired runs need the same replications ({a.size} vs {b.size})")
        if self.kind == "mean":
            d = b - a
            if d.size == 0:
                return None, None, None
            lo, hi = t_interval(d)
            return float(d.mean()), lo, hi
        if self.kind == "probability":
            return paired_proportion(a > 0.5, b > 0.5, identical)
        if a.size == 0:
            return None, None, None
        ma, mb = _median(a), _median(b)
        diff = _finite(mb - ma) if np.isfinite(ma) and np.isfinite(mb) else None
        if np.array_equal(a, b, equal_nan=True):
            return (0.0, 0.0, 0.0) if diff is not None else (None, None, None)
        idx = _bootstrap_rng(seed, self.name).integers(0, a.size, size=(BOOTSTRAP, a.size))
        with np.errstate(invalid="ignore"):
            lo, hi = _quantiles(_medians(b, idx) - _medians(a, idx))
        return diff, lo, hi


_FIXED = {
    "mean_coverage": ("mean", "mean daily coverage over the horizon"),
    "ioc_day": ("median", "first day at or above IOC (median across replications)"),
    "foc_day": ("median", "first day at or above FOC (median across replications)"),
    "gap_days": ("mean", "days below IOC after first reaching it"),
    "longest_gap": ("mean", "longest run of days below IOC after first reaching it"),
    "sustainable_coverage": ("mean", "long-run coverage the deployed pools can hold under the rotation rule"),
}
_DEADLINE = re.compile(r"^p_(ioc|foc)_by_(\d+)$")


def outcome(name: str) -> Outcome:
    """The outcome called ``name`` (also ``ioc_day_median`` / ``foc_day_median`` for the day outcomes).

    Raises:
        ValueError: ``name`` is not an outcome; the message lists the known ones.
    """
    if name.endswith("_median") and name[: -len("_median")] in ("ioc_day", "foc_day"):
        name = name[: -len("_median")]
    if name in _FIXED:
        kind, text = _FIXED[name]
        return Outcome(name, kind, lambda m, n=name: m[n], text)
    match = _DEADLINE.match(name)
    if match:
        level, day = match.group(1), int(match.group(2))
        return Outcome(name, "probability", _reached_by(f"{level}_day", day),
                       f"probability that {level.upper()} is reached by day {day}")
    raise ValueError(f"unknown outcome {name!r}; expected one of {', '.join(_FIXED)}, p_ioc_by_<day>, p_foc_by_<day>")


def values(per_rep: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    """Per-replication values of outcome ``name`` from a component's :data:`BASE` outcomes."""
    return outcome(name).values(per_rep)


def deadline_names(deadlines) -> list[str]:
    """``p_ioc_by_<D>`` and ``p_foc_by_<D>`` for each deadline, in that order."""
    return [f"p_{level}_by_{d}" for d in deadlines for level in ("ioc", "foc")]


def compare_names(deadlines) -> list[str]:
    """The metrics ``compare`` reports, in order."""
    return ["mean_coverage", *deadline_names(deadlines), "gap_days", "ioc_day_median", "foc_day_median"]


# --- deadlines --------------------------------------------------------------------------------


def default_deadlines(horizon_days: int) -> tuple[int, ...]:
    """:data:`DEFAULT_DEADLINES` within the horizon, and the horizon's last day."""
    last = horizon_days - 1
    return tuple(sorted({d for d in DEFAULT_DEADLINES if d <= last} | {last}))


def deadlines_for(scenario, override=None) -> tuple[int, ...]:
    """Deadlines of a run: ``override`` (``--deadlines``), else the scenario's ``report.deadlines``, else the defaults."""
    if override:
        return tuple(sorted({int(d) for d in override}))
    report = getattr(scenario, "report", None)
    if report is not None and report.deadlines:
        return tuple(sorted({int(d) for d in report.deadlines}))
    return default_deadlines(scenario.horizon_days)


def parse_deadlines(text: str | None, horizon_days: int | None = None, where: str = "--deadlines") -> Optional[tuple[int, ...]]:
    """Days from ``"90,180,365"`` (None for None or empty).

    Raises:
        ValueError: one line naming ``where`` and what was expected.
    """
    if text is None or not str(text).strip():
        return None
    out = []
    for part in str(text).split(","):
        part = part.strip()
        if not part.isdigit():
            raise ValueError(f"{where}: {part!r} is not a day; expected whole days >= 0 separated by commas, e.g. 90,180,365")
        day = int(part)
        if horizon_days is not None and day >= horizon_days:
            raise ValueError(f"{where}: day {day} is beyond the horizon's last day {horizon_days - 1}")
        out.append(day)
    return tuple(sorted(set(out)))


def deadline_table(per_rep: Mapping[str, np.ndarray], deadlines) -> list[dict]:
    """Per deadline: P(IOC reached by then), P(FOC reached by then), with Wilson 95% intervals."""
    rows = []
    for day in deadlines:
        row: dict = {"day": int(day)}
        for level in ("ioc", "foc"):
            o = outcome(f"p_{level}_by_{day}")
            x = o.values(per_rep)
            lo, hi = o.interval(x)
            row[f"p_{level}"] = _round(o.estimate(x))
            row[f"p_{level}_low"] = _round(lo)
            row[f"p_{level}_high"] = _round(hi)
        rows.append(row)
    return rows


def _round(x: Optional[float], digits: int = 4) -> Optional[float]:
    return None if x is None else round(float(x), digits)
