"""Who arrives when: a Gantt chart, one row per country and component."""

from __future__ import annotations

import numpy as np

from . import COLOURS
from .reading import RunFiles


def arrival_rows(run: RunFiles) -> list[dict]:
    """Per (country, component): arrival share and median/p05/p95 arrival day among arrivals."""
    groups: dict[tuple[str, str], list] = {}
    for r in run.timeline:
        if r["component"] not in run.components:
            continue  # enablers are in timeline.csv but not on the chart
        groups.setdefault((r["country"], r["component"]), []).append(r)
    out = []
    for (country, comp), rows in groups.items():
        days = np.array([float(r["arrival_day"]) for r in rows if r["arrival_day"] not in ("", None)])
        row = {"country": country, "component": comp, "share": len(days) / len(rows), "amount": float(rows[0]["amount"])}
        if len(days):
            row.update(zip(("p05", "median", "p95"), np.percentile(days, [5, 50, 95])))
        out.append(row)
    order = {c: i for i, c in enumerate(run.components)}
    out.sort(key=lambda r: (r.get("median", np.inf), order.get(r["component"], 99), r["country"]))
    return out


def timeline_figure(run: RunFiles):
    """Bars from median arrival to the horizon, whiskers for p05-p95 arrival, colour by component."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    H = run.summary["horizon_days"]
    rows = arrival_rows(run)
    fig, ax = plt.subplots(figsize=(9, 0.28 * len(rows) + 1.6))
    for y, r in enumerate(rows):
        colour = COLOURS.get(r["component"], "0.5")
        label = f"{r['country']} · {r['component']} ({r['amount']:g})"
        if "median" in r:
            ax.barh(y, H - r["median"], left=r["median"], color=colour, alpha=0.35 + 0.6 * r["share"], height=0.6)
            ax.errorbar(r["median"], y, xerr=[[r["median"] - r["p05"]], [r["p95"] - r["median"]]],
                        fmt="|", color="black", capsize=3, linewidth=1)
            ax.text(H * 1.005, y, f"{r['share']:.0%}", va="center", fontsize=7)
        else:
            ax.text(2, y, "never arrives", va="center", fontsize=7, color="0.45")
        ax.text(-H * 0.01, y, label, ha="right", va="center", fontsize=7)
    ax.set_yticks([])
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, H)
    ax.set_xlabel("days from ceasefire: bar from median arrival, whiskers p05-p95 arrival; right: share of replications it arrives",
                  fontsize=8)
    comps = sorted({r["component"] for r in rows}, key=lambda c: list(COLOURS).index(c) if c in COLOURS else 99)
    ax.legend(handles=[Patch(color=COLOURS.get(c, "0.5"), label=c) for c in comps], loc="lower center",
              bbox_to_anchor=(0.5, 1.0), ncol=len(comps), fontsize=8, frameon=False)
    s = run.summary
    ax.set_title(f"{s['scenario']}: arrivals by country and component ({s['replications']} replications)",
                 fontsize=11, pad=24)
    ax.grid(axis="x", alpha=0.2)
    fig.tight_layout()
    return fig
