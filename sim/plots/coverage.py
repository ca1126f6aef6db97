"""Coverage over time: per component, the mean with its p05-p95 band, and beside it the share of
replications holding IOC and FOC each day (outcomes are often two-peaked: a mean hides that)."""

from __future__ import annotations

import numpy as np

from . import COLOURS
from .reading import RunFiles


def coverage_figure(run: RunFiles):
    """Mean coverage with its p05-p95 band, IOC/FOC lines and days, phase openings and events."""
    import matplotlib.pyplot as plt

    comps = run.components
    s = run.summary
    ioc, foc = s["thresholds"]["ioc"], s["thresholds"]["foc"]
    holds = all("p_ioc" in run.coverage[c] for c in comps)
    fig, axes = plt.subplots(len(comps), 2 if holds else 1, figsize=(14 if holds else 9, 1.9 * len(comps) + 0.8),
                             sharex=True, squeeze=False, gridspec_kw={"width_ratios": [3, 2]} if holds else None)
    days = np.arange(s["horizon_days"])
    events = run.scenario.get("events", [])
    for ax, comp in zip(axes[:, 0], comps):
        c = run.coverage[comp]
        colour = COLOURS.get(comp, "grey")
        ax.fill_between(days, c["p05"], c["p95"], color=colour, alpha=0.25, linewidth=0, label="p05-p95")
        ax.plot(days, c["mean"], color=colour, linewidth=2, label="mean")
        for level, style in ((ioc, ":"), (foc, "--")):
            ax.axhline(level, color="0.4", linewidth=0.8, linestyle=style)
        info = s["components"][comp]
        for key, label in (("ioc_day", "IOC"), ("foc_day", "FOC")):
            day = info[key]["median"]
            if day is not None:
                y = ioc if label == "IOC" else foc
                ax.plot([day], [y], marker="o", color="black", markersize=5, zorder=5,
                        label="median day IOC / FOC first reached, across replications" if label == "IOC" else None)
                ax.annotate(f"{label} median d{day:.0f} ({info[key]['reached']:.0%} reach it)", (day, y),
                            textcoords="offset points", xytext=(4, -11), fontsize=7)
        opens = info.get("opens_day", {})
        opened = opens.get("median")
        if opened:
            ax.axvline(opened, color=colour, linestyle="-.", linewidth=1)
            ax.annotate(f"opens (median d{opened:.0f}; in {opens.get('reached', 1):.0%} of replications)", (opened, 1.02),
                        fontsize=7, color=colour, ha="left", annotation_clip=False)
        for ev in events:
            day = ev.get("day", ev.get("start_day"))
            if day is None or not _concerns(ev, comp):
                continue
            if ev.get("type") == "hub_closure":
                ax.axvspan(day, min(day + ev["days"], days[-1]), color="crimson", alpha=0.07)
            ax.axvline(day, color="crimson", linewidth=0.8, alpha=0.6)
            ax.annotate(_event_label(ev), (day, 0.04), fontsize=7, color="crimson", rotation=90, va="bottom")
        if comp == "regeneration" and run.trained is not None:
            twin = ax.twinx()
            t = run.trained
            twin.fill_between(days, t["p05"], t["p95"], color="0.5", alpha=0.12, linewidth=0)
            twin.plot(days, t["mean"], color="0.3", linewidth=1.2, linestyle="--", label="trained (cumulative)")
            twin.set_ylabel("trained", fontsize=8, color="0.3")
            twin.tick_params(labelsize=7, colors="0.3")
            twin.set_ylim(bottom=0)
            twin.legend(loc="center right", fontsize=7, frameon=False)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(comp)
        ax.text(0.995, 0.05, f"mean over days 0-{s['horizon_days'] - 1}: {info['mean_coverage']:.2f}",
                transform=ax.transAxes, ha="right", fontsize=8)
        ax.grid(alpha=0.2)
        if holds:
            right = axes[comps.index(comp), 1]
            c = run.coverage[comp]
            right.plot(days, c["p_ioc"], color=colour, linewidth=1.6, linestyle=":", label=f"P(coverage >= IOC {ioc:g})")
            right.plot(days, c["p_foc"], color=colour, linewidth=1.6, linestyle="--", label=f"P(coverage >= FOC {foc:g})")
            right.set_ylim(0, 1.05)
            right.set_ylabel("share of replications", fontsize=8)
            right.grid(alpha=0.2)
            right.legend(loc="center right", fontsize=7, frameon=False)
    axes[0, 0].legend(loc="upper left", fontsize=8, ncol=2, frameon=False)
    axes[-1, 0].set_xlabel("days from ceasefire")
    if holds:
        axes[0, 1].set_title("probability of holding IOC / FOC that day", fontsize=9)
        axes[-1, 1].set_xlabel("days from ceasefire")
    fig.suptitle(
        f"{s['scenario']}: coverage of each component ({s['replications']} replications, US backstop {s['us_backstop']})",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def _concerns(ev: dict, comp: str) -> bool:
    """Whether an event is drawn on a component's panel."""
    if ev.get("type") == "hub_closure":
        return comp in ("land", "regeneration")
    if ev.get("type") == "reinforce":
        return ev.get("component") == comp
    return True


def _event_label(ev: dict) -> str:
    kind = ev.get("type", "event")
    detail = ev.get("level") or ev.get("country") or ev.get("hub") or ""
    return f"{kind} {detail}".strip()
