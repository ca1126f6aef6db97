"""The ``coalition-sim audit`` and ``coalition-sim goal`` commands: parse, call the library, set exit codes.

Exit status: 0 when done, 1 when points failed or the executor lost its
workers (``--resume`` continues an audit), 2 for a problem with the input or
the options (one line each, no traceback), 130 when interrupted. Everything
heavy is imported inside the commands.
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import NoReturn, Optional

import typer

from ..sweep.cli import ExecutorKind


class MethodKind(str, enum.Enum):
    """Sensitivity method."""

    morris = "morris"
    sobol = "sobol"


class OnlyKind(str, enum.Enum):
    """Which factors to vary."""

    all = "all"
    assumptions = "assumptions"
    sourced = "sourced"


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(2)


def audit_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file"),
    method: MethodKind = typer.Option(MethodKind.morris, "--method", help="Morris screening or Sobol indices"),
    trajectories: Optional[int] = typer.Option(None, "--trajectories", min=2, help="Morris trajectories (default 10)"),
    samples: Optional[int] = typer.Option(None, "--samples", min=2, help="Sobol base samples (default 64; a power of 2)"),
    reps: int = typer.Option(50, "--reps", min=1, help="replications per point"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="seed of the design and the replications (default: the file's)"),
    metric: str = typer.Option("mean_coverage", "--metric", help="mean_coverage, p_ioc_by_<DAY>, p_foc_by_<DAY> or gap_days"),
    only: OnlyKind = typer.Option(OnlyKind.all, "--only", help="vary assumptions, sourced numbers, or all"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<scenario file>-audit/)"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write audit.csv and audit.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar and no table"),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="worker processes (default: one per core)"),
    executor: ExecutorKind = typer.Option(ExecutorKind.local, "--executor", help="local processes or Dask distributed"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (default: a LocalCluster)"),
    resume: bool = typer.Option(False, "--resume", help="keep the points already run in --out and run only the rest"),
) -> None:
    """Which numbers of the evidence base move the answer: SALib sensitivity over every default the scenario uses."""
    from ..errors import ScenarioError
    from ..sweep.executors import ExecutorError, make_executor
    from ..sweep.progress import progress_bar
    from .analysis import points_needed
    from .metric import Metric, UnknownMetric
    from .report import terminal_table
    from .run import prepare, run_audit

    problems = []
    if method is MethodKind.morris and samples is not None:
        problems.append("--samples: expected --method sobol (Morris takes --trajectories)")
    if method is MethodKind.sobol and trajectories is not None:
        problems.append("--trajectories: expected --method morris (Sobol takes --samples)")
    if scheduler and executor is not ExecutorKind.dask:
        problems.append("--scheduler: expected --executor dask as well")
    try:
        Metric(metric)
    except UnknownMetric as exc:
        problems.append(f"--metric: {exc}")
    if problems:
        _fail(problems)
    size = (trajectories or 10) if method is MethodKind.morris else (samples or 64)
    folder = out or Path("plots") / f"{scenario.stem}-audit"
    try:
        prepared = prepare(scenario, method.value, size, reps, seed, only.value)
    except ScenarioError as exc:
        _fail(exc.problems)
    factors, sweep = prepared[1], prepared[3]
    if not quiet:
        n_assumed = sum(f.provenance == "assumption" for f in factors)
        typer.echo(
            f"{scenario}: {len(factors)} numbers of the evidence base ({n_assumed} assumptions, "
            f"{len(factors) - n_assumed} sourced); {method.value} {size} -> "
            f"{points_needed(method.value, len(factors), size)} points ({len(sweep.points)} distinct) "
            f"x {reps} replications",
            err=True,
        )
    try:
        ex = make_executor(executor.value, workers, scheduler)
    except ExecutorError as exc:
        _fail([f"--executor {executor.value}: {exc}"])
    try:
        with ex, progress_bar(quiet) as bar:
            result = run_audit(
                scenario,
                folder,
                ex,
                method=method.value,
                size=size,
                reps=reps,
                seed=seed,
                metric=metric,
                only=only.value,
                resume=resume,
                plots=not no_plots,
                progress=bar,
                prepared=prepared,
            )
    except ScenarioError as exc:
        _fail(exc.problems)
    except (ExecutorError, RuntimeError) as exc:
        typer.echo(f"audit stopped: {exc}; finished points are kept, continue with --resume", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo(f"interrupted; finished points are kept in {folder}/points/, continue with --resume", err=True)
        raise typer.Exit(130) from None
    if not quiet:
        typer.echo(terminal_table(result.method, result.factors, result.results, result.words()))
    t = result.timings
    typer.echo(
        f"{result.points} points x {result.reps} replications in {t['simulate_s']:.0f} s "
        f"(total {t['total_s']:.0f} s); wrote {folder}/"
    )
