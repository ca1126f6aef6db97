"""Compare scenarios fairly: same seed, same replications, paired differences with 95% intervals.

Every scenario runs the same replications with the same seed. Because random
streams are keyed by what they draw for (:mod:`sim.streams`), replication
``r`` of two scenarios shares every draw the scenarios have in common, so the
difference of an outcome replication by replication is the scenario's effect
plus only the noise the change itself brings. :mod:`sim.outcomes` gives each
metric's per-replication value and its paired 95% interval.

Files written to the output folder (through :mod:`sim.output`):

``compare.csv``   ``scenario,component,metric,reference,value,diff,diff_low,diff_high``: one row per
                  other scenario, shared component and metric (``diff = value - reference``)
``compare.json``  the scenarios, seed, replications, deadlines, interval methods, and the
                  components that only one side simulates (named, not compared)
``compare.png``   each difference with its interval, per component and metric
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from . import outcomes
from .runner import run as run_scenario
from .scenario import Scenario

COLUMNS = ("scenario", "component", "metric", "reference", "value", "diff", "diff_low", "diff_high")
MARKER = "compare.csv"
METHODS = {
    "mean_coverage": "paired t on the per-replication differences",
    "gap_days": "paired t on the per-replication differences",
    "p_ioc_by_<D>, p_foc_by_<D>": "Tango's score interval for paired proportions (from the replications that go "
    "0->1 and 1->0); 0 in [0, 0] when no replication changes",
    "ioc_day_median, foc_day_median": f"paired percentile bootstrap over replications ({outcomes.BOOTSTRAP} "
    "resamples); never reaching counts as infinitely late",
}


@dataclass
class Row:
    """One compared metric: the reference's and the other scenario's aggregate, and their paired difference."""

    scenario: str
    component: str
    metric: str
    reference: Optional[float]
    value: Optional[float]
    diff: Optional[float]
    diff_low: Optional[float]
    diff_high: Optional[float]

    @property
    def significant(self) -> bool:
        """The 95% interval excludes 0."""
        if self.diff_low is None or self.diff_high is None:
            return False
        return self.diff_low > 1e-12 or self.diff_high < -1e-12


@dataclass
class Comparison:
    """Every row of a comparison, with what made it."""

    reference: str
    others: list[str]
    seed: int
    reps: int
    deadlines: tuple[int, ...]
    rows: list[Row] = field(default_factory=list)
    not_compared: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # other -> {only_in_x: [comps]}


def default_deadlines(scenarios: Sequence[Scenario]) -> tuple[int, ...]:
    """The reference's deadlines (its ``report.deadlines`` or the defaults), within every horizon."""
    shortest = min(s.horizon_days for s in scenarios)
    days = outcomes.deadlines_for(scenarios[0])
    kept = tuple(d for d in days if d < shortest)
    return kept if kept else outcomes.default_deadlines(shortest)


def compare(
    scenarios: Sequence[Scenario],
    reps: int | None = None,
    seed: int | None = None,
    deadlines: Sequence[int] | None = None,
    names: Sequence[str] | None = None,
) -> Comparison:
    """Run ``scenarios`` (the first is the reference) on the same seed and replications and compare them.

    Args:
        scenarios: the reference first, then one or more others.
        reps: replications (default: the reference's).
        seed: the seed (default: the reference's).
        deadlines: days for ``p_ioc_by_<D>`` / ``p_foc_by_<D>`` (default: :func:`default_deadlines`).
        names: labels for the scenarios (default: their ``name``; made unique by position if repeated).
    """
    ref = scenarios[0]
    reps = ref.replications if reps is None else int(reps)
    seed = ref.seed if seed is None else int(seed)
    days = tuple(sorted(set(deadlines))) if deadlines else default_deadlines(scenarios)
    labels = unique_labels(list(names) if names else [s.name for s in scenarios])
    runs = [run_scenario(s, reps=reps, seed=seed) for s in scenarios]
    metrics = [r.metrics() for r in runs]
    out = Comparison(reference=labels[0], others=labels[1:], seed=seed, reps=reps, deadlines=days)
    wanted = outcomes.compare_names(days)
    for label, scn, m, res in zip(labels[1:], scenarios[1:], metrics[1:], runs[1:]):
        shared = [c for c in ref.components if c in scn.components]
        only_ref = [c for c in ref.components if c not in scn.components]
        only_other = [c for c in scn.components if c not in ref.components]
        if only_ref or only_other:
            out.not_compared[label] = {f"only_in_{labels[0]}": only_ref, f"only_in_{label}": only_other}
        for comp in shared:
            same = same_series(runs[0], res, comp)
            for name in wanted:
                o = outcomes.outcome(name)
                a, b = o.values(metrics[0][comp]), o.values(m[comp])
                diff, lo, hi = o.paired(a, b, seed=seed, identical=same)
                out.rows.append(Row(label, comp, name, o.estimate(a), o.estimate(b), diff, lo, hi))
    return out


def same_series(reference, other, component: str) -> bool:
    """Whether two runs' daily coverage of ``component`` agrees in every replication and day.

    Then the change does not reach the component and every difference is exactly
    0 in [0, 0]; otherwise a share that happens to agree in every replication
    still gets its interval (:func:`sim.outcomes.paired_proportion`).
    """
    i, j = reference.components.index(component), other.components.index(component)
    return bool(np.array_equal(reference.coverage[:, i, :], other.coverage[:, j, :]))


def unique_labels(names: list[str]) -> list[str]:
    """``names`` with repeats told apart (``baseline``, ``baseline#2``)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}#{seen[n]}")
    return out


# --- files ------------------------------------------------------------------------------------


def _cell(x: Optional[float]) -> str:
    if x is None:
        return ""
    return repr(round(float(x), 6) + 0.0)  # + 0.0: no negative zero


def write_files(comparison: Comparison, folder: str | Path, files: Sequence[str] = ()) -> None:
    """Write ``compare.csv`` and ``compare.json`` into the existing folder ``folder``."""
    folder = Path(folder)
    with open(folder / "compare.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in comparison.rows:
            w.writerow([r.scenario, r.component, r.metric, *(_cell(getattr(r, k)) for k in COLUMNS[3:])])
    meta = {
        "reference": comparison.reference,
        "others": comparison.others,
        "files": [str(f) for f in files],
        "seed": comparison.seed,
        "replications": comparison.reps,
        "deadlines": list(comparison.deadlines),
        "interval": "95%",
        "methods": METHODS,
        "not_compared": comparison.not_compared,
        "significant": [
            {"scenario": r.scenario, "component": r.component, "metric": r.metric} for r in comparison.rows if r.significant
        ],
    }
    (folder / "compare.json").write_text(json.dumps(meta, indent=2) + "\n")


def read_rows(folder: str | Path) -> list[Row]:
    """The rows of a ``compare.csv``."""

    def num(x: str) -> Optional[float]:
        return float(x) if x != "" else None

    with open(Path(folder) / "compare.csv", newline="") as fh:
        return [Row(r["scenario"], r["component"], r["metric"], *(num(r[k]) for k in COLUMNS[3:]))
                for r in csv.DictReader(fh)]


# --- terminal -----------------------------------------------------------------------------------


def _num(metric: str, x: Optional[float], signed: bool = False) -> str:
    if x is None:
        return "never" if metric.endswith("_median") and not signed else "-"
    if metric.endswith("_median") or metric == "gap_days":
        return f"{x:+.1f}" if signed else f"{x:.0f}"
    return f"{x:+.3f}" if signed else f"{x:.3f}"


def table(comparison: Comparison) -> str:
    """The comparison as plain text; ``*`` marks a difference whose 95% interval excludes 0."""
    lines = [
        f"{', '.join(comparison.others)} against {comparison.reference}: {comparison.reps} replications, "
        f"seed {comparison.seed}, same replications in every scenario",
        f"{'scenario':<26}{'component':<13}{'metric':<16}{'reference':>10}{'value':>9}{'diff':>9}  95% interval",
    ]
    for r in comparison.rows:
        interval = f"[{_num(r.metric, r.diff_low, True)}, {_num(r.metric, r.diff_high, True)}]"
        mark = " *" if r.significant else ""
        lines.append(f"{r.scenario[:25]:<26}{r.component:<13}{r.metric:<16}{_num(r.metric, r.reference):>10}"
                     f"{_num(r.metric, r.value):>9}{_num(r.metric, r.diff, True):>9}  {interval}{mark}")
    n_sig = sum(r.significant for r in comparison.rows)
    lines.append(f"* significant: the 95% interval of the paired difference excludes 0 ({n_sig} of {len(comparison.rows)}); "
                 "unmarked differences are within what the replications' noise allows")
    for other, parts in comparison.not_compared.items():
        for where, comps in parts.items():
            if comps:
                lines.append(f"not compared ({other}): {', '.join(comps)} {where.replace('_', ' ')} (simulated by one side only)")
    return "\n".join(lines)
