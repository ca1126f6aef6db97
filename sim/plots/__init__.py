"""Figures from result files. Plots take results and return figures; they never run a simulation.

:func:`draw_run` redraws every figure of a finished run from its folder, so
``coalition-sim plot DIR`` needs no re-run.
"""

from __future__ import annotations

from pathlib import Path

COLOURS = {"sky": "#3a7dc9", "sea": "#1b9e77", "land": "#a0522d", "regeneration": "#d9a300"}


def draw_run(folder: str | Path) -> list[Path]:
    """Write coverage.png, timeline.png and shortfall.png from a run folder's files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .coverage import coverage_figure
    from .reading import read_run
    from .shortfall import shortfall_figure
    from .timeline import timeline_figure

    folder = Path(folder)
    run = read_run(folder)
    written = []
    for name, make in (("coverage", coverage_figure), ("timeline", timeline_figure), ("shortfall", shortfall_figure)):
        fig = make(run)
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(fig)
        written.append(path)
    return written
