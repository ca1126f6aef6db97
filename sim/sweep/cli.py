"""The ``coalition-sim sweep`` command: parse, load and validate, run, summarise, set the exit code.

Exit status: 0 when every point ran, 1 when some points failed (each is
recorded with its error in ``results.csv`` and ``sweep.json``) or the
executor lost its workers (finished points are kept: ``--resume``), 2 for a
problem with the sweep file, its base scenario, the options or starting the
executor (one line per problem, no traceback), 130 when interrupted.
Everything heavy is imported inside the command.
"""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import Optional

import typer


class ExecutorKind(str, enum.Enum):
    """Where the replications run."""

    local = "local"
    dask = "dask"


def _fail(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(2)


def sweep_command(
    sweep_file: Path = typer.Argument(
        ..., help="sweep YAML file (base scenario, design, parameters), or a library sweep's name (leave_one_out)"
    ),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="worker processes (default: one per core)"),
    executor: ExecutorKind = typer.Option(ExecutorKind.local, "--executor", help="local processes or Dask distributed"),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)"
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<sweep file name>/)"),
    resume: bool = typer.Option(False, "--resume", help="keep the points already in --out and run only the rest"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write results.csv and sweep.json only"),
    report: bool = typer.Option(False, "--report", help="also write report.html, one self-contained page"),
) -> None:
    """Run a parameter sweep: every point x replications -> results.csv, sweep.json and plots."""
    from ..errors import ScenarioError
    from .executors import ExecutorError, make_executor
    from .progress import progress_bar
    from .run import run_sweep
    from .spec import load_sweep

    if scheduler and executor is not ExecutorKind.dask:
        _fail(["--scheduler: expected --executor dask as well"])
    from ..library import resolve

    sweep_file = resolve(sweep_file, "sweeps")
    t0 = time.perf_counter()
    try:
        sweep = load_sweep(sweep_file, warn=lambda line: typer.echo(line, err=True))
    except ScenarioError as exc:
        _fail(exc.problems)
    timings = {"load_validate_s": round(time.perf_counter() - t0, 3)}
    from ..output import check_target, default_folder

    folder = out or default_folder(sweep.name)
    try:
        check_target(folder, replaces="sweep.json")
    except ScenarioError as exc:
        _fail(exc.problems)
    n_reps = len(sweep.points) * sweep.replications
    if not quiet:
        typer.echo(
            f"{sweep_file}: {len(sweep.points)} points x {sweep.replications} replications "
            f"({sweep.spec.design}{', leave-one-out' if sweep.leave_one_out else ''}) = {n_reps} runs",
            err=True,
        )
    try:
        ex = make_executor(executor.value, workers, scheduler)
    except ExecutorError as exc:
        _fail([f"--executor {executor.value}: {exc}"])
    try:
        with ex, progress_bar(quiet) as bar:
            outcome = run_sweep(sweep, folder, ex, resume=resume, progress=bar, timings=timings)
    except ScenarioError as exc:
        _fail(exc.problems)
    except ExecutorError as exc:
        typer.echo(f"sweep stopped: {exc}; finished points are kept, continue with --resume", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo(f"interrupted; finished points are kept in {folder}/, continue with --resume", err=True)
        raise typer.Exit(130) from None
    if not no_plots:
        from .plots import draw_sweep

        try:
            draw_sweep(folder)
        except Exception as exc:  # noqa: BLE001 - a figure must not hide finished results
            typer.echo(f"plots: not drawn ({type(exc).__name__}: {exc})", err=True)
    if report:
        from ..report.cli import write_for_cli

        write_for_cli(folder)
    resumed = f", {outcome.points_resumed} kept from before" if outcome.points_resumed else ""
    typer.echo(
        f"{outcome.points_total} points ({outcome.points_run} run{resumed}), {outcome.reps_run} replications "
        f"in {outcome.run_s:.1f} s ({outcome.reps_per_s:.0f}/s); wrote {folder}/"
    )
    if outcome.failures:
        typer.echo(f"{len(outcome.failures)} of {outcome.points_total} points failed:", err=True)
        for point, error in outcome.failures[:20]:
            typer.echo(f"  point {point}: {error}", err=True)
        if len(outcome.failures) > 20:
            typer.echo(f"  ... and {len(outcome.failures) - 20} more (see {folder}/results.csv)", err=True)
        raise typer.Exit(1)
