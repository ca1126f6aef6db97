"""The ``coalition-sim sweep`` command: parse, load and validate, run, summarise, set the exit code.

Exit status: 0 when every point ran, 1 when some points failed (each is
recorded with its error in ``results.csv`` and ``sweep.json``) or the
executor lost its workers (finished points are kept: ``--resume``), 2 for a
problem with the sweep file, its base scenario, the options or starting the
executor (one line per problem, no traceback), 130 when interrupted.

A sweep never deletes results it was not asked to: into a folder that holds
another sweep or a run it exits 2 and names ``--resume`` (continue it),
``--force`` (replace it: the new sweep runs beside it and takes its place only
once complete) or another ``--out``; a folder of other files is never replaced.
Everything heavy is imported inside the command.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional

import typer

from ..cli_common import (
    Executor,
    ExecutorKind,
    Scheduler,
    Workers,
    WriteReport,
    executor_problems,
    fail_lines,
    open_executor,
)

MARKERS = ("sweep.json", "points.jsonl", "summary.json")
"""Files that make a folder an earlier result --force may replace (a sweep's, or a run's)."""


def holds(folder: Path) -> str:
    """What ``folder`` holds, in words ('' when it is absent or empty)."""
    from . import store

    try:
        if not folder.is_dir() or not any(folder.iterdir()):
            return ""
    except OSError:
        return ""
    if (folder / store.SWEEP_JSON).is_file() or (folder / store.JOURNAL).is_file():
        doc = store.read_json(folder / store.SWEEP_JSON) or {}
        done = len(store.Journal(folder).read())
        return "a sweep" + (" (complete)" if doc.get("status") == "complete" else f" ({done} points done)")
    if (folder / "summary.json").is_file():
        return "a run's results"
    return "other files"


def check_sweep_memory(sweep, workers: int, sweep_file: Path) -> None:
    """Refuse (one line) a sweep whose replications would not fit in memory, before any worker starts."""
    import pickle

    from ..memory import batch_bytes, check, sweep_bytes

    worst = max(sweep.scenarios, key=lambda s: batch_bytes(s, 32))
    check(batch_bytes(worst, 32) * workers, f"{sweep_file}: a point's ceasefire violations",
          "lower the rate of ceasefire violations")
    point = len(pickle.dumps(sweep.scenarios[0])) * 6
    need = sweep_bytes(sweep.scenarios[0], len(sweep.points), sweep.replications, workers, point)
    check(need, f"{sweep_file}: {len(sweep.points)} points x {sweep.replications} replications",
          "lower the replications or the points, or use fewer --workers")



def sweep_command(
    sweep_file: Path = typer.Argument(
        ..., help="sweep YAML file (base scenario, design, parameters), or a library sweep's name (leave_one_out)"
    ),
    workers: Workers = None,
    executor: Executor = ExecutorKind.local,
    scheduler: Scheduler = None,
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<sweep file name>/)"),
    resume: bool = typer.Option(False, "--resume", help="keep the points already in --out and run only the rest"),
    force: bool = typer.Option(
        False, "--force", help="replace the result already in --out, once the new sweep is complete"
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write results.csv and sweep.json only"),
    deadlines: Optional[str] = typer.Option(
        None, "--deadlines", help="days for the p_ioc_by_<D>/p_foc_by_<D> columns, e.g. 90,180,365 (default: the base "
        "scenario's report.deadlines, else 90, 180, 365 and the last day)"),
    report: WriteReport = False,
) -> None:
    """Run a parameter sweep: every point x replications -> results.csv, sweep.json and plots."""
    from ..errors import ScenarioError
    from ..interrupt import Interrupted
    from .executors import ExecutorError
    from .progress import progress_bar
    from .run import run_sweep
    from .spec import load_sweep

    if problems := executor_problems(executor, scheduler):
        fail_lines(problems)
    from ..library import resolve

    sweep_file = resolve(sweep_file, "sweeps")
    t0 = time.perf_counter()
    try:
        sweep = load_sweep(sweep_file, warn=lambda line: typer.echo(line, err=True))
    except ScenarioError as exc:
        fail_lines(exc.problems)
    if deadlines is not None:
        import dataclasses

        from ..outcomes import parse_deadlines
        from .spec import sweep_deadlines

        try:
            days = parse_deadlines(deadlines, min(s.horizon_days for s in sweep.scenarios))
        except ValueError as exc:
            fail_lines([str(exc)])
        sweep = dataclasses.replace(sweep, deadlines=sweep_deadlines(sweep.spec, sweep.scenarios[0], days))
    timings = {"load_validate_s": round(time.perf_counter() - t0, 3)}
    from ..output import check_target, default_folder

    folder = out or default_folder(sweep.name)
    if resume and force:
        fail_lines(["--resume and --force: expected one of them (continue the sweep in --out, or replace it)"])
    held = holds(folder)
    try:
        check_target(folder, replaces=MARKERS)  # a file, an unwritable place, a folder of the user's
    except ScenarioError as exc:
        fail_lines(exc.problems)
    if held and resume and not held.startswith("a sweep"):
        fail_lines([f"{folder}: holds {held}, not a sweep to resume; use --force to replace it, or another --out"])
    if held and not resume and not force:
        fail_lines([f"{folder}: holds {held}; use --resume to continue it, --force to replace it when the new "
               "sweep completes, or another --out"])
    aside = bool(held) and force  # the earlier result stays until the new sweep is complete
    n_reps = len(sweep.points) * sweep.replications
    try:
        check_sweep_memory(sweep, workers or os.cpu_count() or 1, sweep_file)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    if not quiet:
        typer.echo(
            f"{sweep_file}: {len(sweep.points)} points x {sweep.replications} replications "
            f"({sweep.spec.design}{', leave-one-out' if sweep.leave_one_out else ''}) = {n_reps} runs",
            err=True,
        )
    ex = open_executor(executor, workers, scheduler)
    def run_into(target: Path):
        outcome = run_sweep(sweep, target, ex, resume=resume, progress=bar, timings=timings)
        if not no_plots:
            from .plots import draw_sweep

            try:
                draw_sweep(target)
            except Exception as exc:  # noqa: BLE001 - a figure must not hide finished results
                typer.echo(f"plots: not drawn ({type(exc).__name__}: {exc})", err=True)
        if report:
            from ..report.cli import write_for_cli

            write_for_cli(target)
        return outcome

    try:
        with ex, progress_bar(quiet) as bar:
            if aside:
                from ..output import write_aside

                with write_aside(folder, replaces=MARKERS) as tmp:
                    outcome = run_into(tmp)
            else:
                outcome = run_into(folder)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    except ExecutorError as exc:
        kept = f"the earlier result in {folder}/ is unchanged" if aside else "finished points are kept, continue with --resume"
        typer.echo(f"sweep stopped: {exc}; {kept}", err=True)
        raise typer.Exit(1) from None
    except (KeyboardInterrupt, Interrupted):
        if aside:
            typer.echo(f"interrupted; the earlier result in {folder}/ is unchanged", err=True)
        else:
            typer.echo(f"interrupted; finished points are kept in {folder}/, continue with --resume", err=True)
        raise typer.Exit(130) from None
    resumed = f", {outcome.points_resumed} kept from before" if outcome.points_resumed else ""
    typer.echo(
        f"{outcome.points_total} points ({outcome.points_run} run{resumed}), {outcome.reps_run} replications "
        f"in {outcome.run_s:.1f} s ({outcome.reps_per_s:.0f}/s); wrote {folder}/"
    )
    if sweep.leave_one_out and not quiet:  # who is critical, ranked across components (sim/sweep/ranking.py)
        from .ranking import read_ranking, table

        typer.echo(table(read_ranking(folder), list(sweep.scenarios[0].components)))
    if outcome.failures:
        typer.echo(f"{len(outcome.failures)} of {outcome.points_total} points failed:", err=True)
        for point, error in outcome.failures[:20]:
            typer.echo(f"  point {point}: {error}", err=True)
        if len(outcome.failures) > 20:
            typer.echo(f"  ... and {len(outcome.failures) - 20} more (see {folder}/results.csv)", err=True)
        raise typer.Exit(1)
