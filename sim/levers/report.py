"""What levers found, as files and words: levers.csv, levers_shapley.csv, levers.json, the table, levers.png."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from .estimate import Gain
from .run import LeverTable

COLUMNS = ["lever", "component", "baseline", "value", "gain", "gain_low", "gain_high"]
SHAPLEY_COLUMNS = COLUMNS + ["share"]
SHOWN = 15
"""Levers drawn per component in levers.png (the largest effects; levers.csv has them all)."""


def _f(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x:.6g}"


def _csv(columns: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    return buf.getvalue()


def csv_text(table: LeverTable) -> str:
    """``levers.csv``: one row per lever and component; a lever that cannot change the scenario has no gain."""
    def row(name: str, comp: str) -> list[str]:
        g = table.gains[name][comp]
        return [name, comp, _f(table.baseline[comp]), "", "", "", ""] if g is None else [name, comp, *(_f(x) for x in g)]

    return _csv(COLUMNS, (row(n, c) for n in table.levers for c in table.components))


def shapley_csv_text(table: LeverTable) -> str:
    """``levers_shapley.csv``: each chosen lever's Shapley value per component, and its share of the total gain."""
    def row(name: str, comp: str) -> list[str]:
        g, share = table.shapley[name][comp]
        return [name, comp, *(_f(x) for x in g), _f(share)]

    return _csv(SHAPLEY_COLUMNS, (row(n, c) for n in table.shapley_levers for c in table.components))


def document(table: LeverTable, scenario_file: Path, files: dict) -> dict:
    """The contents of ``levers.json``: what ran, which levers did not apply, deadline gains, timings."""

    def gain_dict(g: Gain | None):
        return None if g is None else {"baseline": g.baseline, "value": g.value, "gain": g.gain,
                                       "gain_low": g.low, "gain_high": g.high}

    return {
        "kind": "levers",
        "scenario": table.scenario,
        "scenario_file": str(scenario_file),
        "metric": table.metric.name,
        "replications": table.reps,
        "seed": table.seed,
        "components": list(table.components),
        "levers": {name: {"applies": table.applies(name),
                          "gains": {c: gain_dict(table.gains[name][c]) for c in table.components},
                          "deadlines": {c: {k: gain_dict(g) for k, g in table.extra.get(name, {}).get(c, {}).items()}
                                        for c in table.components}}
                   for name in table.levers},
        "shapley": None if table.shapley is None else {
            "levers": table.shapley_levers,
            "values": {n: {c: dict(gain_dict(g), share=s) for c, (g, s) in table.shapley[n].items()}
                       for n in table.shapley_levers},
        },
        "files": files,
        "timings": table.timings,
    }


def ranked(table: LeverTable, comp: str) -> list[tuple[str, Gain]]:
    """The levers that changed ``comp``, best first (a larger gain, or a smaller one for gap days)."""
    sign = 1.0 if table.metric.higher_is_better else -1.0
    rows = [(n, table.gains[n][comp]) for n in table.levers if table.gains[n][comp] is not None]
    return sorted(rows, key=lambda r: -sign * r[1].gain)


def terminal_table(table: LeverTable, top: int = 5) -> str:
    """The levers that matter most, per component: gain with its interval (* where it excludes 0)."""
    lines = [f"{table.scenario}: {table.metric.name}, {table.reps} replications, seed {table.seed} "
             f"(gain = lever minus baseline, paired; 95% interval; * excludes 0)"]
    idle = [n for n in table.levers if not table.applies(n)]
    for comp in table.components:
        lines.append(f"{comp} (baseline {table.baseline[comp]:.3f})")
        for name, g in ranked(table, comp)[:top]:
            star = "*" if g.low > 0 or g.high < 0 else " "
            foc = {k.rsplit("_", 1)[1]: d.gain for k, d in table.extra.get(name, {}).get(comp, {}).items()
                   if k.startswith("p_foc")}
            deadline = f"  P(FOC by {'/'.join(foc)}) {'/'.join(f'{x:+.2f}' for x in foc.values())}" if foc else ""
            lines.append(f"  {name:<28}{g.gain:+8.3f} [{g.low:+.3f}, {g.high:+.3f}]{star}{deadline}")
    if idle:
        lines.append(f"cannot change this scenario (not run): {', '.join(idle)}")
    if table.shapley is not None:
        lines.append(f"Shapley split of the gain of {' + '.join(table.shapley_levers)} together:")
        for comp in table.components:
            parts = ", ".join(f"{n} {round(table.shapley[n][comp][1], 2) + 0.0:.0%}" for n in table.shapley_levers)
            g = table.shapley[table.shapley_levers[0]][comp][0]
            lines.append(f"  {comp:<13} {g.baseline:.3f} -> {g.value:.3f}: {parts}")
    return "\n".join(lines)


def draw(table: LeverTable, path: Path) -> Path:
    """``levers.png``: a tornado per component, each lever's gain with its 95% interval (levers that change nothing left out)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comps = table.components

    def shown(comp):  # the levers that moved this component, largest first, at most SHOWN
        rows = [(n, g) for n, g in ranked(table, comp) if g.gain != 0 or g.low != 0 or g.high != 0]
        return sorted(rows, key=lambda r: -abs(r[1].gain))[:SHOWN]

    n = max(1, max(len(shown(c)) for c in comps))
    fig, axes = plt.subplots(1, len(comps), figsize=(4.2 * len(comps), 0.32 * n + 1.6), squeeze=False)
    for ax, comp in zip(axes[0], comps):
        rows = shown(comp)[::-1]
        y = range(len(rows))
        gains = [g.gain for _, g in rows]
        err = [[g.gain - g.low for _, g in rows], [g.high - g.gain for _, g in rows]]
        colours = ["#2a7" if x >= 0 else "#c44" for x in gains]
        ax.barh(list(y), gains, xerr=err, color=colours, error_kw={"elinewidth": 1, "capsize": 2})
        ax.set_yticks(list(y), [name for name, _ in rows], fontsize=7)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(f"{comp} (baseline {table.baseline[comp]:.2f})", fontsize=9)
        ax.set_xlabel(f"gain in {table.metric.name}", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(f"{table.scenario}: each lever's gain, re-simulated ({table.reps} paired replications, 95% intervals)",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def redraw(folder: Path) -> Path:
    """Draw ``levers.png`` again from a finished run's ``levers.json``."""
    import json

    from .estimate import Gain, Metric
    from .run import LeverTable

    folder = Path(folder)
    doc = json.loads((folder / "levers.json").read_text(encoding="utf-8"))
    comps = tuple(doc["components"])

    def gain(d) -> Gain | None:
        return None if d is None else Gain(d["baseline"], d["value"], d["gain"], d["gain_low"], d["gain_high"])

    gains = {name: {c: gain(lever["gains"][c]) for c in comps} for name, lever in doc["levers"].items()}
    baseline = {c: next((g.baseline for per in gains.values() if (g := per[c]) is not None), float("nan")) for c in comps}
    table = LeverTable(doc["scenario"], Metric(doc["metric"]), doc["replications"], doc["seed"], comps,
                       list(doc["levers"]), gains, baseline)
    return draw(table, folder / "levers.png")
