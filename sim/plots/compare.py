"""compare.png: each paired difference with its 95% interval, per component and metric."""

from __future__ import annotations

from pathlib import Path

def _is_share(metric: str) -> bool:
    return metric == "mean_coverage" or metric.startswith(("p_ioc_by_", "p_foc_by_"))


def compare_figure(rows, reference: str):
    """A grid: one row per component, shares (coverage, probabilities) on the left and days on the right."""
    import matplotlib.pyplot as plt

    comps = list(dict.fromkeys(r.component for r in rows))
    others = list(dict.fromkeys(r.scenario for r in rows))
    colours = plt.get_cmap("tab10")
    fig, axes = plt.subplots(max(1, len(comps)), 2, figsize=(12, 1.2 + 2.6 * max(1, len(comps))), squeeze=False,
                             gridspec_kw={"width_ratios": [3, 2]})
    for i, comp in enumerate(comps):
        for j, (title, keep) in enumerate((("coverage and probabilities (share)", _is_share),
                                           ("days", lambda m: not _is_share(m)))):
            ax = axes[i, j]
            sel = [r for r in rows if r.component == comp and keep(r.metric)]
            metrics = list(dict.fromkeys(r.metric for r in sel))
            step = 0.8 / max(1, len(others))
            for k, other in enumerate(others):
                for r in (r for r in sel if r.scenario == other):
                    y = metrics.index(r.metric) + (k - (len(others) - 1) / 2) * step
                    if r.diff is None:
                        ax.text(0.5, y, f"{other}: a median is 'never'", fontsize=7, va="center",
                                ha="center", color="grey", transform=ax.get_yaxis_transform())
                        continue
                    lo = r.diff - r.diff_low if r.diff_low is not None else 0
                    hi = r.diff_high - r.diff if r.diff_high is not None else 0
                    filled = r.significant
                    ax.errorbar(r.diff, y, xerr=[[lo], [hi]], fmt="o", color=colours(k % 10), capsize=3,
                                markerfacecolor=colours(k % 10) if filled else "white",
                                label=other if (i, j) == (0, 0) and r.metric == metrics[0] else None)
            ax.axvline(0, color="black", lw=0.8)
            ax.set_yticks(range(len(metrics)))
            ax.set_yticklabels(metrics, fontsize=8)
            ax.set_ylim(len(metrics) - 0.5, -0.5)
            ax.grid(axis="x", alpha=0.3)
            ax.set_title(f"{comp}: {title}", fontsize=9)
            if i == len(comps) - 1:
                ax.set_xlabel(f"difference: scenario - {reference} (95% interval)", fontsize=8)
    fig.suptitle(f"Paired differences against {reference}, same replications (filled: the 95% interval excludes 0)",
                 fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.965), ncol=min(4, len(labels)),
                   fontsize=8, frameon=False)
    return fig


def draw_compare(folder: str | Path) -> list[Path]:
    """Write compare.png from a compare folder's compare.csv and compare.json."""
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..compare import read_rows

    folder = Path(folder)
    meta = json.loads((folder / "compare.json").read_text())
    fig = compare_figure(read_rows(folder), meta["reference"])
    path = folder / "compare.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return [path]
