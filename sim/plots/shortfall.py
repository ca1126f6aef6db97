"""Why coverage falls short: stacked causes of the shortfall per component."""

from __future__ import annotations

import numpy as np

from .reading import RunFiles

CAUSE_COLOURS = {
    "surge": "#e41a1c",
    "unpledged": "#4d4d4d",
    "not_approved": "#984ea3",
    "withdrawn": "#a65628",
    "phase_wait": "#f781bf",
    "moving": "#ff7f00",
    "rotation_gap": "#ffd92f",
    "straits": "#1f78b4",
    "maintenance": "#66c2a5",
    "enabler": "#8da0cb",
}


def shortfall_figure(run: RunFiles):
    """One stacked area per component: the shortfall (1 - coverage) split by cause."""
    import matplotlib.pyplot as plt

    comps = run.components
    H = run.summary["horizon_days"]
    days = np.arange(H)
    fig, axes = plt.subplots(len(comps), 1, figsize=(9, 1.9 * len(comps) + 1.0), sharex=True, squeeze=False)
    used = []
    for ax, comp in zip(axes[:, 0], comps):
        parts = run.shortfall.get(comp, {})
        names = [c for c in CAUSE_COLOURS if c in parts and parts[c].max() > 1e-4]
        used += [n for n in names if n not in used]
        if names:
            ax.stackplot(days, [parts[n] for n in names], colors=[CAUSE_COLOURS[n] for n in names], linewidth=0)
        ax.set_ylim(0, 1.0)
        ax.set_ylabel(f"{comp}\nshortfall")
        ax.grid(alpha=0.2)
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=CAUSE_COLOURS[n], label=n.replace("_", " ")) for n in used],
               loc="upper center", ncol=5, fontsize=8, frameon=False, bbox_to_anchor=(0.5, 0.965))
    axes[-1, 0].set_xlabel("days from ceasefire (share of the requirement not covered, by cause)")
    fig.suptitle(f"{run.summary['scenario']}: why coverage falls short", fontsize=11, y=0.995)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig
