"""``coalition-sim compare``: a thin command over :mod:`sim.compare`."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .cli_common import WriteReport, fail_lines


def compare_command(
    scenarios: List[Path] = typer.Argument(
        ..., help="REF.yaml OTHER.yaml [MORE.yaml ...]: the reference first (files or library names)"
    ),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, help="replications (default: the reference's)"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="random seed (default: the reference's)"),
    deadlines: Optional[str] = typer.Option(
        None, "--deadlines", help="days for p_ioc_by_<D>/p_foc_by_<D>, e.g. 90,180,365 (default: the reference's "
        "report.deadlines, else 90, 180, 365 and the last day)"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/compare-<ref>-<other>/)"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write compare.csv and compare.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only where the files went"),
    report: WriteReport = False,
) -> None:
    """Compare scenarios on the same seed and replications: paired differences with 95% intervals."""
    from .compare import MARKER, compare, table, write_files
    from .errors import ScenarioError
    from .library import resolve
    from .outcomes import parse_deadlines
    from .output import check_target, default_folder, write_aside
    from .scenario import load_scenario

    if len(scenarios) < 2:
        fail_lines(["compare: expected a reference scenario and at least one other (REF.yaml OTHER.yaml ...)"])
    paths = [resolve(s) for s in scenarios]
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(load_scenario(path, warn=lambda line: typer.echo(line, err=True)))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        fail_lines(problems)
    try:
        days = parse_deadlines(deadlines, min(s.horizon_days for s in loaded))
    except ValueError as exc:
        fail_lines([str(exc)])
    folder = out or default_folder("compare-" + "-".join(dict.fromkeys(s.name for s in loaded[:2])))
    try:
        check_target(folder, replaces=MARKER)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    if not quiet:
        n = reps or loaded[0].replications
        typer.echo(f"comparing {len(loaded)} scenarios x {n} replications (same seed and replications)", err=True)
    result = compare(loaded, reps=reps, seed=seed, deadlines=days)
    with write_aside(folder, replaces=MARKER) as tmp:
        write_files(result, tmp, files=paths)
        if not no_plots:
            from .plots.compare import draw_compare

            draw_compare(tmp)
    if not quiet:
        typer.echo(table(result))
    if report:
        from .report.cli import write_for_cli

        write_for_cli(folder)
    typer.echo(f"wrote {folder}/")
