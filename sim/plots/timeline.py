"""Who arrives when: a Gantt chart, one row per country and target (component or enabler).

Each row is one contingent: a country's pledge to a component or an enabler,
or a reinforcement (a ``reinforce`` event, on a row of its own: it is sent
only where the country approved, so merged with the pledge it would inflate
the pledge's arrival share). A bar runs from the median arrival day to the
median departure day among the replications where the contingent arrived (a
replication where it stays counts as leaving at the horizon, so a bar ends
before the horizon only when most arrivals withdraw); whiskers mark the
p05-p95 arrival days, and an x the median departure of those that withdraw
where fewer than half do. The label on the right says what each share is: of all
replications, the share in which the country approves (a reinforcement: is
sent), arrives, and withdraws after arriving.
"""

from __future__ import annotations

import numpy as np

from . import COLOURS
from .reading import RunFiles

ENABLER_COLOUR = "#7f8c8d"


def _day(x) -> float | None:
    return None if x in ("", None) else float(x)


def arrival_rows(run: RunFiles) -> list[dict]:
    """Per contingent (country, target, reinforcement day): shares of replications and arrival/departure days.

    Keys: ``country``, ``target``, ``component`` (the same as ``target``), ``enabler`` (the target is not a
    simulated component), ``reinforcement_day`` (None for the pledge), ``amount``, ``replications``,
    ``approved_share`` (pledge: share of replications approving; reinforcement: share it is sent),
    ``arrived_share``, ``withdrawn_share`` (arrived, then left before the horizon), and among arrivals
    ``p05``/``median``/``p95`` arrival day, ``end`` (median departure, the horizon where it stays) and
    ``withdraw_median`` (median departure of those that withdraw, where any does).
    """
    H = float(run.summary["horizon_days"])
    n_reps = int(run.summary.get("replications") or 0) or len({r["rep"] for r in run.timeline}) or 1
    groups: dict[tuple[str, str, float | None], list] = {}
    for r in run.timeline:
        key = (r["country"], r["component"], _day(r.get("reinforcement_day")))
        groups.setdefault(key, []).append(r)
    out = []
    for (country, target, reinforced), rows in groups.items():
        arrived = [r for r in rows if _day(r["arrival_day"]) is not None]
        days = np.array([_day(r["arrival_day"]) for r in arrived])
        leave = np.array([_day(r["departure_day"]) if _day(r["departure_day"]) is not None else H for r in arrived])
        reps = n_reps if reinforced is not None else len(rows)  # a pledge has a row in every replication
        row = {
            "country": country,
            "target": target,
            "component": target,
            "enabler": target not in run.components,
            "reinforcement_day": reinforced,
            "amount": float(rows[0]["amount"]),
            "replications": reps,
            "approved_share": sum(r["approved"] == "true" for r in rows) / reps,
            "arrived_share": len(arrived) / reps,
            "withdrawn_share": float(np.sum(leave < H)) / reps,
        }
        if len(days):
            row.update(zip(("p05", "median", "p95"), np.percentile(days, [5, 50, 95])))
            row["end"] = float(np.median(leave))
            if np.any(leave < H):
                row["withdraw_median"] = float(np.median(leave[leave < H]))
        out.append(row)
    order = {c: i for i, c in enumerate(run.components)}
    out.sort(key=lambda r: (r["enabler"], r.get("median", np.inf), order.get(r["target"], 99), r["country"],
                            r["reinforcement_day"] is not None, r["reinforcement_day"] or 0))
    return out


def row_label(r: dict) -> str:
    """The row's name: country, target, amount, and the reinforcement's day."""
    what = f"{r['target']} (enabler)" if r["enabler"] else r["target"]
    extra = f", reinforcement day {r['reinforcement_day']:g}" if r["reinforcement_day"] is not None else ""
    return f"{r['country']} · {what} ({r['amount']:g}{extra})"


def share_label(r: dict) -> str:
    """What the shares are, in words: of all replications, approve (or: sent), arrive, withdraw."""
    first = "sent" if r["reinforcement_day"] is not None else "approve"
    text = f"{first} {r['approved_share']:.0%} · arrive {r['arrived_share']:.0%}"
    if r["withdrawn_share"] > 0:
        text += f" · withdraw {r['withdrawn_share']:.0%}"
    return text


def timeline_figure(run: RunFiles):
    """Bars from median arrival to median departure, whiskers for p05-p95 arrival, colour by component."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    H = run.summary["horizon_days"]
    rows = arrival_rows(run)
    fig, ax = plt.subplots(figsize=(10, 0.28 * len(rows) + 1.8))
    for y, r in enumerate(rows):
        colour = ENABLER_COLOUR if r["enabler"] else COLOURS.get(r["component"], "0.5")
        if "median" in r:
            ax.barh(y, max(r["end"] - r["median"], 0.5), left=r["median"], color=colour,
                    alpha=0.35 + 0.6 * min(1.0, r["arrived_share"]), height=0.6,
                    hatch="//" if r["reinforcement_day"] is not None else None)
            if "withdraw_median" in r and r["end"] >= H:  # fewer than half withdraw: where those that do leave
                ax.plot(r["withdraw_median"], y, marker="x", color="black", markersize=4, linewidth=0)
            ax.errorbar(r["median"], y, xerr=[[r["median"] - r["p05"]], [r["p95"] - r["median"]]],
                        fmt="|", color="black", capsize=3, linewidth=1)
        else:
            ax.text(2, y, "never arrives", va="center", fontsize=7, color="0.45")
        ax.text(H * 1.005, y, share_label(r), va="center", fontsize=7)
        ax.text(-H * 0.01, y, row_label(r), ha="right", va="center", fontsize=7)
    ax.set_yticks([])
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, H)
    ax.set_xlabel("days from ceasefire: bar from median arrival to median departure (where most arrivals withdraw; "
                  "else the horizon), x: median departure of the arrivals that withdraw,\n"
                  "whiskers p05-p95 arrival, hatched: a reinforcement. "
                  "Right: share of all replications in which the country approves (a reinforcement: is sent), "
                  "the contingent arrives, and it withdraws after arriving", fontsize=8)
    comps = sorted({r["component"] for r in rows if not r["enabler"]},
                   key=lambda c: list(COLOURS).index(c) if c in COLOURS else 99)
    handles = [Patch(color=COLOURS.get(c, "0.5"), label=c) for c in comps]
    if any(r["enabler"] for r in rows):
        handles.append(Patch(color=ENABLER_COLOUR, label="enabler"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(handles), fontsize=8,
              frameon=False)
    s = run.summary
    ax.set_title(f"{s['scenario']}: arrivals by country, component and enabler ({s['replications']} replications)",
                 fontsize=11, pad=24)
    ax.grid(axis="x", alpha=0.2)
    fig.tight_layout()
    return fig
