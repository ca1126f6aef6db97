"""Which kind of output a folder holds, and one clear line when it is damaged or incomplete.

``coalition-sim plot DIR`` redraws from files a user may have moved, edited or
half-copied. :func:`drawer` picks the run or sweep drawer from the files
present, and wraps it so that a missing or unreadable file is named in one
line (a :class:`~sim.errors.ScenarioError`) instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import ScenarioError

RUN_FILES = ("summary.json", "coverage.csv", "timeline.csv", "shortfall.csv", "scenario.json")
SWEEP_FILES = ("sweep.json", "results.csv")
AUDIT_FILES = ("audit.json", "audit.csv")
LEVERS_FILES = ("levers.json",)
COMPARE_FILES = ("compare.json", "compare.csv")
EXPECTED = "expected the output folder of a run, sweep, compare, levers or audit"

Draw = Callable[[Path], list[Path]]


def _guarded(draw: Draw, folder: Path, files: tuple[str, ...], what: str) -> Draw:
    def run(target: Path) -> list[Path]:
        try:
            return draw(target)
        except ScenarioError:
            raise
        except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError, ZeroDivisionError) as exc:
            detail = f"{type(exc).__name__}: {exc}"[:160]
            present = ", ".join(f for f in files if (folder / f).is_file())
            raise ScenarioError.at(
                str(folder), "", f"cannot draw {what} from {present or 'these files'} ({detail}); "
                "expected the files as the command wrote them"
            ) from None

    return run


def drawer(folder: Path, metric: str | None = None) -> Draw:
    """The function that redraws ``folder``, or a one-line error saying what is missing.

    Kinds are recognised most specific first: an audit (``audit.json``), levers
    (``levers.json``), a comparison (``compare.json``), a sweep
    (``sweep.json``), a run (``summary.json``).

    ``metric`` chooses a sweep heatmap's metric (see :func:`sim.sweep.plots.heatmap`).
    """
    folder = Path(folder)
    if not folder.exists():
        raise ScenarioError.at(str(folder), "", f"no such folder; {EXPECTED}")
    if not folder.is_dir():
        raise ScenarioError.at(str(folder), "", f"not a folder; {EXPECTED}")
    others = [(AUDIT_FILES, "an audit", _audit), (LEVERS_FILES, "levers", _levers), (COMPARE_FILES, "a comparison", _compare)]
    for files, what, draw in others:
        if (folder / files[0]).is_file():
            if metric is not None:
                raise ScenarioError.at(str(folder), "", f"--metric: expected a sweep's folder; this holds {what}")
            return _guarded(draw, folder, files, what)
    if any((folder / f).is_file() for f in SWEEP_FILES):
        from functools import partial

        from ..sweep.plots import draw_sweep

        return _guarded(_sweep_checked(partial(draw_sweep, metric=metric)), folder, SWEEP_FILES, "a sweep")
    if any((folder / f).is_file() for f in RUN_FILES):
        from . import draw_run

        return _guarded(draw_run, folder, RUN_FILES, "a run")
    raise ScenarioError.at(
        str(folder), "", f"{EXPECTED} (summary.json, sweep.json, compare.json, levers.json or audit.json); found none"
    )


def _audit(folder: Path) -> list[Path]:
    from ..audit.report import redraw

    return [redraw(folder)]


def _levers(folder: Path) -> list[Path]:
    from ..levers.report import redraw

    return [redraw(folder)]


def _compare(folder: Path) -> list[Path]:
    from .compare import draw_compare

    return draw_compare(folder)


def _sweep_checked(draw: Draw) -> Draw:
    """The sweep drawer, after checking that sweep.json and results.csv are there and readable."""

    def run(folder: Path) -> list[Path]:
        import csv
        import json

        from .reading import reading

        with reading(folder / "sweep.json", "a sweep"):
            doc = json.loads((folder / "sweep.json").read_text(encoding="utf-8"))
            if doc.get("kind") != "sweep" or not isinstance(doc["sweep"]["parameters"], list):
                raise ValueError("not the sweep.json of a sweep")
            doc["sweep"]["design"], doc["sweep"]["leave_one_out"]
        with reading(folder / "results.csv", "a sweep"):
            with open(folder / "results.csv", newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            if rows and "point" not in rows[0]:
                raise KeyError("point")
        return draw(folder)

    return run
