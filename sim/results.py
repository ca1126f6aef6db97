"""Write a run's results, with the scenario, seed and version that made them.

Files written to the output folder:

``coverage.csv``   ``day,component,mean,p05,p50,p95,p_ioc,p_foc`` across replications (``p_ioc``,
                   ``p_foc``: share of replications at or above IOC / FOC that day)
``timeline.csv``   one row per contingent and replication
``shortfall.csv``  ``day,component,cause,mean``: the shortfall split by cause, as fractions of the
                   requirement (they add up to ``1 - mean coverage`` on each day)
``summary.json``   milestones, gaps, per-country burden, and the defaults used with their sources.
                   ``components.<c>.min_mean_coverage``: the lowest mean coverage counted from the
                   component's opening, each replication from its own opening day (day k after
                   opening, averaged over the replications that opened; k up to the horizon less the
                   median opening day, so at least half of them count); it is 0 wherever units start
                   moving only when the phase opens, so ``min_mean_coverage_after_ioc`` counts the same
                   way from each replication's first day at IOC (the worst dip once held); ``withdrawals``: the share of
                   replications in which each country that pledges units or enablers withdraws;
                   ``transit_withdrawals``: the same for each transit hub's host (its hub closes);
                   ``countries.<name>.contributions`` are the pledges alone, each ``reinforce``
                   event has its own entry under ``countries.<name>.reinforcements``
``scenario.json``  the fully resolved scenario (every default filled in, files it extends merged, ``--set``
                   applied), and under ``loaded_from`` the files read and the assignments applied
"""

from __future__ import annotations

import csv
import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from .catalog import Catalog
from .coverage import CAUSES
from . import outcomes, sustain
from .assumptions import assumptions_used
from .library import evidence_base
from .metrics import spread
from .model.rotation import policy
from .provenance import value_at
from .report.question import question_of
from .runner import TIMELINE_COLUMNS, RunResult
from .scenario import load_raw


def package_version() -> str:
    """The installed version of coalition-sim."""
    try:
        return version("coalition-sim")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def _fmt(x: float | None) -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return ""
    return f"{x:.4f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def coverage_table(result: RunResult) -> dict[str, np.ndarray]:
    """Mean, p05/p50/p95 and the shares at or above IOC and FOC across replications, per component and day."""
    cov = result.coverage
    q = np.percentile(cov, [5, 50, 95], axis=0)
    thresholds = result.scenario.parameters.coverage
    holds = {
        f"p_{level}": np.stack([outcomes.holding(cov[:, i, :], getattr(thresholds, level)) for i in range(cov.shape[1])])
        for level in ("ioc", "foc")
    }
    return {"mean": cov.mean(axis=0), "p05": q[0], "p50": q[1], "p95": q[2], **holds}


def loaded_from(scenario_file: str | Path | None, chain=None) -> dict:
    """The files a scenario was read from (the file given, then each it extends) and the ``--set`` applied."""
    if chain is not None:
        return {"files": list(chain.files), "set": list(chain.sets)}
    return {"files": [str(scenario_file)] if scenario_file else [], "set": []}


def summarise(
    result: RunResult, scenario_file: str | Path | None = None, catalog: Catalog | None = None, chain=None,
    deadlines=None,
) -> dict:
    """The run's summary as a JSON-ready mapping.

    ``chain`` (a :class:`sim.scenario_files.Chain`) records the files read and the ``--set`` applied;
    ``deadlines``: see :func:`sim.outcomes.deadlines_for`.
    """
    scn = result.scenario
    deadlines = outcomes.deadlines_for(scn, deadlines)
    mean = result.coverage.mean(axis=0) if len(result.reps) else np.zeros((len(scn.components), scn.horizon_days))
    metrics = result.metrics()
    required = sustain.required_with_rotation(scn)
    comps = {}
    for i, comp in enumerate(scn.components):
        m = metrics[comp]
        horizon_mean = round(float(mean[i].mean()), 4)
        long_run = None
        if "sustainable_coverage" in m and len(result.reps):
            long_run = round(outcomes.outcome("sustainable_coverage").estimate(m["sustainable_coverage"]), 4)
        comps[comp] = {
            "mean_coverage": horizon_mean,
            "sustainable_coverage": long_run,
            "exceeds_sustainable": long_run is not None and horizon_mean > long_run + SUSTAIN_TOLERANCE,
            **required[comp],
            "min_mean_coverage": _round4(min_mean_from_opening(result.coverage[:, i, :], result.phase_open[:, i])),
            "min_mean_coverage_after_ioc": _round4(min_mean_from_opening(result.coverage[:, i, :], m["ioc_day"])),
            "ioc_day": spread(m["ioc_day"]),
            "foc_day": spread(m["foc_day"]),
            "gap_days": spread(m["gap_days"]),
            "longest_gap_days": spread(m["longest_gap"]),
            "opens_day": spread(result.phase_open[:, i]),
            "deadlines": outcomes.deadline_table(m, deadlines),
        }
    if result.trained is not None and "regeneration" in comps:
        comps["regeneration"]["trained_by_horizon"] = spread(result.trained[:, -1])
    hubs = {}
    for name, q in result.hub_queue.items():
        waits = np.asarray(result.hub_waits.get(name, []), dtype=float)
        hubs[name] = {
            "mean_queue": round(float(q.mean()), 4) if q.size else 0.0,
            "mean_wait_days": round(float(waits.mean()), 3) if waits.size else 0.0,
            "max_wait_days": round(float(waits.max()), 3) if waits.size else 0.0,
            "contingents_per_replication": round(waits.size / max(1, len(result.reps)), 3),
        }
    withdrawn: dict[str, int] = {}
    for _, country, _day in result.withdrawals:
        withdrawn[country] = withdrawn.get(country, 0) + 1
    n_reps = max(1, len(result.reps))
    pledging = {c.name for c in scn.countries if pledges_anything(c, scn.components)}
    hosts = {h.name for h in scn.transit.hubs} & {c.name for c in scn.countries} if scn.transit else set()
    return {
        "scenario": scn.name,
        "description": scn.description,
        "question": question_of(scenario_file),
        "scenario_file": str(scenario_file) if scenario_file else None,
        "scenario_files": loaded_from(scenario_file, chain)["files"],
        "set": loaded_from(scenario_file, chain)["set"],
        "seed": result.seed,
        "replications": len(result.reps),
        "horizon_days": scn.horizon_days,
        "version": package_version(),
        "runtime_s": round(result.runtime_s, 3),
        "us_backstop": scn.us_backstop.level,
        "thresholds": {"ioc": scn.parameters.coverage.ioc, "foc": scn.parameters.coverage.foc},
        "components": comps,
        "hubs": hubs,
        "withdrawals": {k: round(withdrawn.get(k, 0) / n_reps, 4) for k in sorted(pledging)},
        "transit_withdrawals": {k: round(withdrawn.get(k, 0) / n_reps, 4) for k in sorted(hosts)},
        "countries": country_burden(result),
        "defaults_used": defaults_used(result, scenario_file, catalog, chain),
        "assumptions_used": assumptions_used(scn, scenario_raw(scenario_file, chain), catalog),
        "evidence_base": evidence_base(catalog.directory if catalog else None).record(),
    }


def pledges_anything(country, components) -> bool:
    """Whether ``country`` pledges units to a simulated component or an enabler."""
    return any(country.pledge(c) > 0 for c in components) or any(n > 0 for n in country.enablers.values())


def min_mean_from_opening(coverage: np.ndarray, opened: np.ndarray) -> float | None:
    """Lowest mean coverage counted from the opening, each replication from its own opening day.

    ``coverage`` is one component's (R, H) daily coverage, ``opened`` the day it opened in each
    replication (NaN: never). Day k after opening is averaged over the replications that opened
    and whose day ``ceil(open) + k`` is within the horizon; k runs up to the horizon less the
    median opening day, so every mean has at least half the opened replications. None if the
    component never opens.
    """
    opened = np.asarray(opened, dtype=float)
    keep = ~np.isnan(opened)
    if not keep.any():
        return None
    H = coverage.shape[1]
    start = np.ceil(opened[keep]).astype(int)
    span = H - int(np.ceil(np.median(start)))
    if span <= 0:
        return None
    days = start[:, None] + np.arange(span)[None, :]
    inside = days < H
    values = np.take_along_axis(coverage[keep], np.minimum(days, H - 1), axis=1)
    counts = inside.sum(axis=0)
    means = np.where(inside, values, 0.0).sum(axis=0) / np.maximum(counts, 1)
    return float(means[counts > 0].min())


def _round4(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


SUSTAIN_TOLERANCE = 0.005
"""Horizon coverage above the long-run coverage by more than this is flagged (rounding of both)."""


def country_burden(result: RunResult) -> dict:
    """Per country and target: numbers deployed, approval share, and what the country commits with rotation.

    ``contributions`` describe the pledges alone; each ``reinforce`` event gets its own entry under
    ``reinforcements`` (a reinforcement exists only where the country approved and had not withdrawn
    by its day, so mixing its rows with the pledge's would inflate the pledge's shares).
    ``deployed_mean`` is the mean over replications of the units that arrived (none where the country
    never deployed); ``committed_with_rotation`` is that times the pool ratio of the country's rotation
    for the target (1 without relief): the people or platforms held at home and away to keep them there.
    """
    scn = result.scenario
    tl = result.timeline
    n_reps = max(1, len(result.reps))
    reinforced = tl.get("reinforcement_day") or [None] * len(tl["country"])
    out: dict[str, dict] = {}
    for country in scn.countries:
        rows = [i for i, c in enumerate(tl["country"]) if c == country.name]
        pledge_rows = [i for i in rows if reinforced[i] is None]
        targets: dict[str, dict] = {}
        for target in dict.fromkeys(tl["component"][i] for i in pledge_rows):
            rot = policy(scn, country, target)
            ratio = rot.ratio if rot is not None else 1
            sel = [i for i in pledge_rows if tl["component"][i] == target]
            placed = [tl["amount"][i] for i in sel if tl["arrival_day"][i] is not None]
            peak = max(placed, default=0.0)
            deployed_mean = float(np.sum(placed)) / n_reps
            targets[target] = {
                "pledged": tl["amount"][sel[0]] if sel else 0.0,
                "approved_share": round(float(np.mean([tl["approved"][i] for i in sel])), 4),
                "arrived_share": round(len(placed) / len(sel), 4) if sel else 0.0,
                "peak_deployed": peak,
                "peak_deployed_mean": round(float(np.sum(placed) / len(sel)), 2) if sel else 0.0,
                "deployed_mean": round(deployed_mean, 2),
                "rotation_ratio": ratio,
                "rotation_tour_days": rot.tour_days if rot is not None else None,
                "committed_with_rotation": round(deployed_mean * ratio, 2),
            }
        reinforcements = []
        for e in scn.events:
            if e.type != "reinforce" or e.country != country.name:
                continue
            sel = [i for i in rows if reinforced[i] == e.day and tl["component"][i] == e.component]
            placed = [tl["amount"][i] for i in sel if tl["arrival_day"][i] is not None]
            rot = policy(scn, country, e.component)
            ratio = rot.ratio if rot is not None else 1
            entry = {"component": e.component, "day": e.day, "amount": e.amount}
            if entry in [{k: r[k] for k in entry} for r in reinforcements]:
                continue  # identical events share their rows
            deployed_mean = float(np.sum(placed)) / n_reps
            reinforcements.append(entry | {
                "sent_share": round(len({tl["rep"][i] for i in sel}) / n_reps, 4),
                "arrived_share": round(len({tl["rep"][i] for i in sel if tl["arrival_day"][i] is not None}) / n_reps, 4),
                "deployed_mean": round(deployed_mean, 2),
                "committed_with_rotation": round(deployed_mean * ratio, 2),
            })
        out[country.name] = {"ref": country.ref, "stance": country.stance, "contributions": targets,
                             "reinforcements": reinforcements}
    return out


def scenario_raw(scenario_file, chain=None) -> dict:
    """The scenario as its file(s) wrote it, before defaults (empty when unknown)."""
    if chain is not None:
        return chain.data
    if scenario_file:
        try:
            return load_raw(scenario_file)
        except Exception:  # the file was read once already; provenance is best effort
            return {}
    return {}


def defaults_used(result: RunResult, scenario_file, catalog: Catalog | None, chain=None) -> dict:
    """Which catalog defaults the run used, with their source ids or assumption notes."""
    catalog = catalog or Catalog.load()
    raw = scenario_raw(scenario_file, chain)
    overrides = raw.get("parameters") or {}
    params = {p: prov for p, prov in catalog.parameter_provenance.items() if value_at(overrides, p) is None}
    countries = {}
    for c in result.scenario.countries:
        if c.ref and c.ref in catalog.countries:
            countries[c.name] = catalog.countries[c.ref].get("provenance", {})
    levels = {lv["name"]: lv.get("provenance") for lv in catalog.levels}
    return {"parameters": params, "countries": countries, "backstop": levels}


RUN_MARKER = "summary.json"
"""The file that marks a folder as a run's output (an earlier run's folder may be replaced)."""


COVERAGE_STATS = ("mean", "p05", "p50", "p95", "p_ioc", "p_foc")


def write_run(result: RunResult, folder: str | Path, scenario_file: str | Path | None = None, deadlines=None) -> dict:
    """Write every result file of a run to ``folder``, replacing an earlier run there; return the summary.

    The files are written beside ``folder`` and moved into place when all are
    written (see :mod:`sim.output`): an error leaves an earlier ``folder`` as it was.
    """
    from .output import write_aside

    with write_aside(folder, replaces=RUN_MARKER) as tmp:
        return write_run_files(result, tmp, scenario_file, deadlines=deadlines)


def write_run_files(
    result: RunResult, folder: str | Path, scenario_file: str | Path | None = None, chain=None, deadlines=None
) -> dict:
    """Write every result file of a run into the existing folder ``folder``; return the summary.

    Use :func:`write_run` unless ``folder`` is already a temporary folder of
    :func:`sim.output.write_aside` (so that plots can join the files before the move).
    """
    folder = Path(folder)
    scn = result.scenario
    table = coverage_table(result)
    with open(folder / "coverage.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["day", "component", *COVERAGE_STATS])
        for d in range(scn.horizon_days):
            for i, comp in enumerate(scn.components):
                w.writerow([d, comp] + [_fmt(float(table[k][i, d])) for k in COVERAGE_STATS])
    tl = result.timeline
    with open(folder / "timeline.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(TIMELINE_COLUMNS)
        for row in zip(*(tl[k] for k in TIMELINE_COLUMNS)):
            rep, country, comp, amount, approved, arrival, departure, hub, wait, reinforced = row
            w.writerow([rep, country, comp, _fmt(float(amount)), "true" if approved else "false",
                        _fmt(arrival if arrival is None else float(arrival)),
                        _fmt(departure if departure is None else float(departure)),
                        hub or "", _fmt(wait if wait is None else float(wait)),
                        _fmt(reinforced if reinforced is None else float(reinforced))])
    if result.trained is not None:
        q = np.percentile(result.trained, [5, 50, 95], axis=0)
        mean = result.trained.mean(axis=0)
        with open(folder / "trained.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["day", "mean", "p05", "p50", "p95"])
            for d in range(scn.horizon_days):
                w.writerow([d] + [_fmt(float(x)) for x in (mean[d], q[0, d], q[1, d], q[2, d])])
    with open(folder / "shortfall.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["day", "component", "cause", "mean"])
        for d in range(scn.horizon_days):
            for i, comp in enumerate(scn.components):
                for k, cause in enumerate(CAUSES):
                    w.writerow([d, comp, cause, _fmt(float(result.shortfall[i, k, d]))])
    summary = summarise(result, scenario_file, chain=chain, deadlines=deadlines)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    resolved = scn.model_dump(mode="json") | {"loaded_from": loaded_from(scenario_file, chain)}
    (folder / "scenario.json").write_text(json.dumps(resolved, indent=2) + "\n")
    return summary


def summary_table(summary: dict) -> str:
    """A short plain-text table of a summary for the terminal."""
    head = f"{summary['scenario']}: {summary['replications']} replications, seed {summary['seed']}, US backstop {summary['us_backstop']}"
    lines = [head, f"{'component':<13}{'mean cov':>9}{'long run':>10}{'IOC day':>9}{'FOC day':>9}{'FOC reached':>13}"
                   f"{'gap days':>10}"]

    def day(x):
        return "never" if x is None else f"{x:.0f}"

    flagged = False
    for comp, c in summary["components"].items():
        long_run = c.get("sustainable_coverage")
        mark = " !" if c.get("exceeds_sustainable") else "  "
        flagged = flagged or c.get("exceeds_sustainable", False)
        lr = "" if long_run is None else f"{long_run:.2f}{mark}"
        lines.append(
            f"{comp:<13}{c['mean_coverage']:>9.2f}{lr:>10}{day(c['ioc_day']['median']):>9}{day(c['foc_day']['median']):>9}"
            f"{c['foc_day']['reached']:>12.0%} {day(c['gap_days']['median']):>9}"
        )
    if flagged:
        lines.append("! the horizon's mean coverage is above what the pledged pools can hold in the long run "
                     "(rotation, Montreux, availability: docs/model.md)")
    lines.extend(deadline_lines(summary))
    return "\n".join(lines)


def deadline_lines(summary: dict) -> list[str]:
    """P(IOC / FOC reached by each deadline day), with 95% Wilson intervals, one line per component and level."""
    comps = summary["components"]
    days = [d["day"] for d in next(iter(comps.values()), {}).get("deadlines", [])]
    if not days:
        return []
    width = 17
    out = ["P(reached by day)" + "".join(f"{'day ' + str(d):>{width}}" for d in days)]
    for comp, c in comps.items():
        for level in ("ioc", "foc"):
            cells = []
            for d in c.get("deadlines", []):
                p, lo, hi = d[f"p_{level}"], d[f"p_{level}_low"], d[f"p_{level}_high"]
                cells.append("" if p is None else f"{p:.0%} [{lo:.0%}-{hi:.0%}]")
            out.append(f"{comp + ' ' + level.upper():<17}" + "".join(f"{x:>{width}}" for x in cells))
    return out
