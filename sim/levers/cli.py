"""The ``coalition-sim levers`` command: parse, load, run the levers on the sweep engine, write, summarise.

Exit status: 0 when done, 1 when lever runs failed or the executor lost its
workers (``--resume`` continues), 2 for a problem with the input or the options
(one line each, no traceback), 130 when interrupted. Everything heavy is
imported inside the command.
"""

from __future__ import annotations

import json
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

MARKERS = ("levers.json", "points/sweep.json")
"""Files that mark a folder as an earlier levers output (which a new run may replace)."""



def levers_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file, or a library scenario's name (baseline)"),
    reps: Optional[int] = typer.Option(None, "--reps", min=2, help="replications per lever (default: the file's)"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="random seed (default: the file's)"),
    deadlines: Optional[str] = typer.Option(None, "--deadlines", help="days for P(IOC/FOC by day), e.g. 90,180,365"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<scenario name>-levers/)"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write levers.csv and levers.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar and no table"),
    workers: Workers = None,
    executor: Executor = ExecutorKind.local,
    scheduler: Scheduler = None,
    resume: bool = typer.Option(False, "--resume", help="keep the lever runs already in --out and run only the rest"),
    shapley: bool = typer.Option(False, "--shapley", help="also exact Shapley values across up to six levers"),
    levers: Optional[str] = typer.Option(None, "--levers", help="levers to run, e.g. all_approve,all_enablers "
                                         "(default: all; with --shapley: those to split, else the six largest)"),
    metric: str = typer.Option("mean_coverage", "--metric", help="an outcome: mean_coverage, p_ioc_by_<DAY>, p_foc_by_<DAY>, gap_days, foc_day_median, ..."),
    write_report: WriteReport = False,
) -> None:
    """Why coverage falls short: re-simulate with each cause removed (levers.csv, levers.png)."""
    from .. import outcomes
    from ..errors import ScenarioError
    from ..library import resolve
    from ..output import check_target, default_folder
    from ..scenario import load_scenario
    from ..sweep.executors import ExecutorError
    from ..sweep.progress import progress_bar
    from ..sweep.store import atomic_write
    from . import edits, report
    from .estimate import Metric, UnknownMetric
    from .run import MAX_SHAPLEY, plan, run_levers

    t0 = time.perf_counter()
    scenario = resolve(scenario)
    try:
        scn = load_scenario(scenario, warn=lambda line: typer.echo(line, err=True))
    except ScenarioError as exc:
        fail_lines(exc.problems)
    problems = []
    problems += executor_problems(executor, scheduler)
    try:
        Metric(metric)
        if shapley and not Metric(metric).linear:
            problems.append(f"--metric: {metric} is a median; --shapley needs a mean or a probability")
    except UnknownMetric as exc:
        problems.append(f"--metric: {exc}")
    try:
        days = outcomes.deadlines_for(scn, outcomes.parse_deadlines(deadlines, scn.horizon_days))
    except ValueError as exc:
        problems.append(str(exc))
        days = ()
    names = None
    if levers is not None:
        names = [n.strip() for n in levers.split(",") if n.strip()]
        known = edits.lever_names(scn)
        for n in names:
            if n not in known:
                problems.append(f"--levers: unknown lever {n!r}; expected some of {', '.join(known)}")
        if shapley and len(names) > MAX_SHAPLEY:
            problems.append(f"--levers: expected at most {MAX_SHAPLEY} levers with --shapley, got {len(names)}")
    if problems:
        fail_lines(problems)
    folder = out or default_folder(f"{scn.name}-levers")
    try:
        check_target(folder, replaces=MARKERS)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    if not quiet:
        runs, idle = plan(scn, names or edits.lever_names(scn))
        typer.echo(f"{scenario}: {len(runs)} levers to re-simulate ({len(idle)} cannot change it) "
                   f"x {reps or scn.replications} replications", err=True)
    ex = open_executor(executor, workers, scheduler)
    try:
        with ex, progress_bar(quiet) as bar:
            table = run_levers(scenario, scn, folder, ex, reps=reps, seed=seed, metric=metric, deadlines=days,
                               levers=names, shapley_levers=(names or []) if shapley else None,
                               resume=resume, progress=bar)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    except (ExecutorError, RuntimeError) as exc:
        typer.echo(f"levers stopped: {exc}; finished runs are kept, continue with --resume", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo(f"interrupted; finished runs are kept in {folder}/, continue with --resume", err=True)
        raise typer.Exit(130) from None
    files = {"table": "levers.csv"}
    atomic_write(Path(folder) / "levers.csv", report.csv_text(table))
    if table.shapley is not None:
        atomic_write(Path(folder) / "levers_shapley.csv", report.shapley_csv_text(table))
        files["shapley"] = "levers_shapley.csv"
    if not no_plots:
        tmp = Path(folder) / ".levers.png.tmp.png"
        report.draw(table, tmp)
        tmp.replace(Path(folder) / "levers.png")
        files["figure"] = "levers.png"
    table.timings["total_s"] = round(time.perf_counter() - t0, 2)
    atomic_write(Path(folder) / "levers.json", json.dumps(report.document(table, scenario, files), indent=2) + "\n")
    if not quiet:
        typer.echo(report.terminal_table(table))
    if write_report:
        from ..report.cli import write_for_cli

        write_for_cli(Path(folder))
    typer.echo(f"{len(table.levers)} levers ({sum(table.applies(n) for n in table.levers)} run) x {table.reps} "
               f"replications in {table.timings['total_s']:.0f} s; wrote {folder}/")
