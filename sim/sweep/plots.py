"""Figures of a finished sweep, chosen from its design and drawn from ``results.csv`` and ``sweep.json``.

- one swept parameter (grid): a line chart per component, median with a p05-p95 band;
- two or more (grid): a heatmap of the first two per component, colour = days to FOC
  (median; averaged over any further parameters), cells that never reach FOC shown grey;
- leave-one-out: a tornado chart of each country's effect on each component (mean coverage
  without the country minus with it, averaged over the design);
- lhs / random: standardised regression coefficients of each parameter on mean coverage.

Plots read files and return paths; they never run a simulation. ``matplotlib``
is imported inside :func:`draw_sweep` with the Agg backend.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from . import store

OUTCOMES = {"mean_coverage": "mean coverage", "foc_day_median": "days to FOC (median)"}


def read_results(folder: Path) -> list[dict[str, str]]:
    """The rows of ``results.csv`` as text."""
    with open(Path(folder) / store.RESULTS, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> float:
    return float(text) if text not in ("", None) else np.nan


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _levels(param: dict, rows: list[dict]) -> list[str]:
    """The values of a parameter in design order, as written in results.csv."""
    if param.get("values") is not None:
        listed = [store.fmt(v) for v in param["values"]]
        return list(dict.fromkeys(listed))
    return sorted({r[param["path"]] for r in rows}, key=_num)


def _components(doc: dict, rows: list[dict]) -> list[str]:
    seen = list(dict.fromkeys(r["component"] for r in rows))
    return [c for c in doc.get("components", seen) if c in seen] + [c for c in seen if c not in doc.get("components", [])]


def _ok(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r.get("error") and (r.get("dropped") or "") == ""]


def _column(by: dict[str, dict], levels: list[str], name: str) -> np.ndarray:
    return np.array([_num(by[v][name]) if v in by else np.nan for v in levels])


def line_chart(doc: dict, rows: list[dict], folder: Path) -> Path:
    """One parameter: mean coverage, share reaching FOC and days to FOC against its values (bands p05-p95)."""
    plt = _pyplot()
    param = doc["sweep"]["parameters"][0]
    levels = _levels(param, rows)
    numeric = param["kind"] in ("int", "float")
    xs = [_num(v) for v in levels] if numeric else list(range(len(levels)))
    comps = _components(doc, rows)
    panels = (
        ("mean_coverage", ("mean_coverage_p05", "mean_coverage_p95"), "mean coverage", (0, 1.02)),
        ("foc_reached", None, "share of replications reaching FOC", (0, 1.02)),
        ("foc_day_median", ("foc_day_p05", "foc_day_p95"), "days to FOC (median; gap = not reached)", (0, doc.get("horizon_days"))),
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(15, 4.2))
    for ax, (metric, band, label, ylim) in zip(axes, panels):
        for comp in comps:
            by = {r[param["path"]]: r for r in _ok(rows) if r["component"] == comp}
            (line,) = ax.plot(xs, _column(by, levels, metric), marker="o", label=comp)
            if metric == "mean_coverage" and rows and "mean_coverage_low" in rows[0]:
                y = _column(by, levels, metric)
                lo, hi = _column(by, levels, "mean_coverage_low"), _column(by, levels, "mean_coverage_high")
                ax.errorbar(xs, y, yerr=[y - lo, hi - y], fmt="none", ecolor=line.get_color(), capsize=3)
            if band:
                lo, hi = _column(by, levels, band[0]), _column(by, levels, band[1])
                ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.15, linewidth=0)
        ax.set_xlabel(param["path"])
        ax.set_ylabel(label)
        ax.set_ylim(*ylim)
        if not numeric:
            ax.set_xticks(xs, levels, rotation=20)
        ax.grid(alpha=0.3)
    axes[0].legend(frameon=False, loc="lower right")
    fig.suptitle(f"{doc['sweep']['scenario']}: {param['path']} ({doc['replications']} replications per point; bands: "
                 "p05-p95 of replications; bars: 95% interval of the mean)")
    fig.tight_layout()
    return _save(fig, folder / "line.png", plt)


def heatmap(doc: dict, rows: list[dict], folder: Path, metric: str | None = None) -> Path:
    """First two parameters: ``metric`` per component (default days to FOC, median); grey where there is none.

    ``metric`` (or the sweep file's ``plot: {metric: ...}``) is a column of ``results.csv``.
    """
    plt = _pyplot()
    metric = metric or (doc["sweep"].get("plot") or {}).get("metric") or "foc_day_median"
    from .spec import plot_metric

    metric = plot_metric(metric)
    if rows and metric not in rows[0]:
        raise ValueError(f"results.csv has no column {metric}; deadlines of this sweep: {doc['sweep'].get('deadlines')}")
    is_days = metric.endswith("_median")
    px, py = doc["sweep"]["parameters"][:2]
    xl, yl = _levels(px, rows), _levels(py, rows)
    comps = _components(doc, rows)
    horizon = doc.get("horizon_days")
    grids = {}
    for comp in comps:
        cells: dict[tuple[str, str], list[float]] = defaultdict(list)
        for r in _ok(rows):
            if r["component"] == comp:
                cells[(r[py["path"]], r[px["path"]])].append(_num(r[metric]))
        grid = np.full((len(yl), len(xl)), np.nan)
        for i, yv in enumerate(yl):
            for j, xv in enumerate(xl):
                vals = cells.get((yv, xv), [])
                grid[i, j] = np.nan if not vals or np.isnan(vals).any() else float(np.mean(vals))
        grids[comp] = grid
    finite = [g[np.isfinite(g)] for g in grids.values()]
    top = max([float(f.max()) for f in finite if f.size] or [horizon or 1]) if is_days else 1.0
    ncols = min(2, len(comps))
    nrows = -(-len(comps) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(0.9 * len(xl) * ncols + 3 * ncols, 0.55 * len(yl) * nrows + 1.6 * nrows), squeeze=False)
    cmap = plt.get_cmap("viridis_r" if is_days else "viridis").with_extremes(bad="#d0d0d0")
    for ax, comp in zip(axes.flat, comps):
        grid = grids[comp]
        im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, aspect="auto", origin="lower", vmin=0, vmax=top)
        for i in range(len(yl)):
            for j in range(len(xl)):
                v = grid[i, j]
                shown = f"{v:.0f}" if is_days else f"{v:.2f}"
                dark = v > 0.55 * top if is_days else v < 0.45
                text, dark = ("-", False) if np.isnan(v) else (shown, dark)
                ax.text(j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black")
        ax.set_xticks(range(len(xl)), xl, rotation=25, ha="right")
        ax.set_yticks(range(len(yl)), yl)
        ax.set_xlabel(px["path"])
        ax.set_ylabel(py["path"])
        ax.set_title(comp)
        fig.colorbar(im, ax=ax, label=metric)
    for ax in list(axes.flat)[len(comps):]:
        ax.axis("off")
    extra = " (averaged over the other parameters)" if len(doc["sweep"]["parameters"]) > 2 else ""
    from ..outcomes import outcome

    what = {"foc_day_median": "days to full operating capability (median)",
            "ioc_day_median": "days to initial operating capability (median)"}.get(metric, outcome(metric).description)
    grey = f"; grey '-': not within {horizon} days" if is_days else ""
    fig.suptitle(f"{doc['sweep']['scenario']}: {what}{extra}{grey}")
    fig.tight_layout()
    return _save(fig, folder / "heatmap.png", plt)


def tornado(doc: dict, rows: list[dict], folder: Path) -> Path:
    """Leave-one-out: change in mean coverage when each country is dropped, per component, with 95% intervals.

    Each bar is the paired difference against the full coalition at the same design values
    (``diff_mean_coverage`` and its interval in results.csv; averaged over the design when there
    are several points). A country that hosts a transit hub has two bars: its pledges left out (its
    hub still opens on its approval) and its transit consent left out (its hub closed, its pledges
    kept). The last panel ranks the countries by their mean effect across components, with the same
    aggregate as ``ranking.csv`` (:mod:`sim.sweep.ranking`).
    """
    from .ranking import label, ranking

    plt = _pyplot()
    comps = _components(doc, rows)
    paired = bool(rows) and "diff_mean_coverage" in rows[0]
    params = [p["path"] for p in doc["sweep"]["parameters"]]
    full: dict[tuple, float] = {}
    for r in rows:
        if not r.get("error") and not r.get("dropped"):
            full[(tuple(r[p] for p in params), r["component"])] = _num(r["mean_coverage"])
    effects: dict[str, dict[str, list[tuple[float, float, float]]]] = {c: defaultdict(list) for c in comps}
    for r in rows:
        if r.get("error") or not r.get("dropped"):
            continue
        if paired and r["diff_mean_coverage"] != "":
            d, lo, hi = _num(r["diff_mean_coverage"]), _num(r["diff_low"]), _num(r["diff_high"])
        else:  # an older results.csv: the difference of means, no interval
            ref = full.get((tuple(r[p] for p in params), r["component"]))
            if ref is None:
                continue
            d = lo = hi = _num(r["mean_coverage"]) - ref
        effects[r["component"]][label(r["dropped"], r.get("dropped_part"))].append((d, lo, hi))
    n = len({k for per in effects.values() for k in per}) or len(doc["sweep"]["leave_one_out"])
    fig, axes = plt.subplots(1, len(comps) + 1, figsize=(4.2 * (len(comps) + 1) + 1, 0.32 * n + 2.2), squeeze=False)
    for ax, comp in zip(axes[0], comps):
        eff = {k: np.mean(np.array(v), axis=0) for k, v in effects[comp].items()}
        names = sorted(eff, key=lambda k: abs(eff[k][0]))
        vals = np.array([eff[k][0] for k in names])
        los, his = np.array([eff[k][1] for k in names]), np.array([eff[k][2] for k in names])
        sig = (los > 1e-12) | (his < -1e-12)
        colours = ["#c0392b" if v < 0 else "#2e86c1" for v in vals]
        bars = ax.barh(names, vals, color=colours, xerr=[vals - los, his - vals] if len(names) else None,
                       error_kw={"capsize": 2, "elinewidth": 0.8})
        for bar, significant in zip(bars, sig):
            bar.set_alpha(1.0 if significant else 0.35)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_title(comp)
        ax.set_xlabel("change in mean coverage without the country")
        ax.grid(axis="x", alpha=0.3)
    ax = axes[0][-1]
    ranked = [e for e in ranking(rows, comps) if e["mean_diff"] is not None] if paired else []
    if not ranked:  # an older results.csv: the plain mean of the bars drawn
        ranked = [{"label": k, "mean_diff": float(np.mean([np.mean(np.array(effects[c][k]), axis=0)[0] for c in comps
                                                           if k in effects[c]])), "rank": 0}
                  for k in {k for per in effects.values() for k in per}]
        ranked.sort(key=lambda e: e["mean_diff"])
    ranked = ranked[::-1]  # barh draws bottom-up: rank 1 on top
    ax.barh([f"{e['rank']}. {e['label']}" if e["rank"] else e["label"] for e in ranked],
            [e["mean_diff"] for e in ranked], color="#7f8c8d")
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_title("ranking across components")
    ax.set_xlabel("mean change over the components\n(rank 1: coverage falls most)")
    ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"{doc['sweep']['scenario']}: who is critical (leave one out, {doc['replications']} replications; "
                 "bars: 95% interval of the paired difference, faded: not significant). A country that hosts a transit "
                 "hub has two bars: its pledges (its hub stays) and its transit consent (its hub closes).", fontsize=9)
    fig.tight_layout()
    return _save(fig, folder / "tornado.png", plt)


def regression_coefficients(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised regression coefficients of ``y`` on the columns of ``x``, and R^2."""
    sx, sy = x.std(axis=0), y.std()
    keep = sx > 0
    src = np.zeros(x.shape[1])
    if sy == 0 or not keep.any():
        return src, 0.0
    z = (x[:, keep] - x[:, keep].mean(axis=0)) / sx[keep]
    zy = (y - y.mean()) / sy
    coef, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(zy)), z]), zy, rcond=None)
    src[keep] = coef[1:]
    fitted = np.column_stack([np.ones(len(zy)), z]) @ coef
    r2 = 1 - float(np.sum((zy - fitted) ** 2) / np.sum(zy**2))
    return src, r2


def _encode(param: dict, values: list[str]) -> np.ndarray:
    if param["kind"] in ("int", "float"):
        return np.array([_num(v) for v in values])
    order = {v: i for i, v in enumerate(_levels(param, []))} if param.get("values") else {}
    return np.array([order.get(v, np.nan) for v in values], dtype=float)  # categories as their listed rank


def sensitivity(doc: dict, rows: list[dict], folder: Path) -> Path:
    """Sensitivity for lhs / random designs: standardised regression coefficients on mean coverage, one bar per component."""
    plt = _pyplot()
    params = doc["sweep"]["parameters"]
    comps = _components(doc, rows)
    results = {}
    for comp in comps:
        sel = [r for r in _ok(rows) if r["component"] == comp]
        x = np.column_stack([_encode(p, [r[p["path"]] for r in sel]) for p in params]) if sel else np.empty((0, len(params)))
        y = np.array([_num(r["mean_coverage"]) for r in sel])
        good = (~np.isnan(x).any(axis=1) & ~np.isnan(y)) if sel else np.array([], bool)
        results[comp] = regression_coefficients(x[good], y[good]) if good.sum() > len(params) else (np.zeros(len(params)), 0.0)
    order = np.argsort(np.max(np.abs([results[c][0] for c in comps]), axis=0)) if comps else []
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(params) * max(1, len(comps)) ** 0.5 + 2))
    height = 0.8 / max(1, len(comps))
    for k, comp in enumerate(comps):
        src, r2 = results[comp]
        ys = np.arange(len(params)) + (k - (len(comps) - 1) / 2) * height
        ax.barh(ys, src[order], height=height, label=f"{comp} (R² {r2:.2f})")
    ax.set_yticks(range(len(params)), [params[i]["path"] for i in order])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel("standardised regression coefficient on mean coverage")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.set_title(
        f"{doc['sweep']['scenario']}: sensitivity ({doc['sweep']['design']}, {doc['sweep']['samples']} points x "
        f"{doc['replications']} replications; categories by listed rank)",
        fontsize=10,
    )
    fig.tight_layout()
    return _save(fig, folder / "sensitivity.png", plt)


def _save(fig: Any, path: Path, plt) -> Path:
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw_sweep(folder: str | Path, metric: str | None = None) -> list[Path]:
    """Redraw every figure of a finished sweep in ``folder`` from its files; return the paths written.

    ``metric``: the heatmap's metric (default: the sweep file's ``plot.metric``, else foc_day_median).
    """
    folder = Path(folder)
    doc = store.read_json(folder / store.SWEEP_JSON)
    if doc is None or doc.get("kind") != "sweep":
        raise FileNotFoundError(f"{folder}: no sweep.json of a sweep")
    rows = read_results(folder)
    if not rows:
        return []
    spec = doc["sweep"]
    n = len(spec["parameters"])
    out = []
    if spec["design"] == "grid":
        if n == 1:
            out.append(line_chart(doc, rows, folder))
        elif n >= 2:
            out.append(heatmap(doc, rows, folder, metric))
    elif n:
        out.append(sensitivity(doc, rows, folder))
    if spec["leave_one_out"]:
        out.append(tornado(doc, rows, folder))
    return out
