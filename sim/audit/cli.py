"""The ``coalition-sim audit`` and ``coalition-sim goal`` commands: parse, call the library, set exit codes.

Exit status: 0 when done, 1 when points failed or the executor lost its
workers (``--resume`` continues an audit), 2 for a problem with the input or
the options (one line each, no traceback), 130 when interrupted. Everything
heavy is imported inside the commands.
"""

from __future__ import annotations

import enum
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


class MethodKind(str, enum.Enum):
    """Sensitivity method."""

    morris = "morris"
    sobol = "sobol"


class OnlyKind(str, enum.Enum):
    """Which factors to vary."""

    all = "all"
    assumptions = "assumptions"
    sourced = "sourced"



def audit_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file, or a library scenario's name (baseline)"),
    method: MethodKind = typer.Option(MethodKind.morris, "--method", help="Morris screening or Sobol indices"),
    trajectories: Optional[int] = typer.Option(None, "--trajectories", min=2, help="Morris trajectories (default 10)"),
    samples: Optional[int] = typer.Option(None, "--samples", min=2, help="Sobol base samples (default 64; a power of 2)"),
    reps: int = typer.Option(50, "--reps", min=1, help="replications per point"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="seed of the design and the replications (default: the file's)"),
    metric: str = typer.Option("mean_coverage", "--metric", help="mean_coverage, p_ioc_by_<DAY>, p_foc_by_<DAY> or gap_days"),
    only: OnlyKind = typer.Option(OnlyKind.all, "--only", help="vary assumptions, sourced numbers, or all"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<scenario>-audit/)"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write audit.csv and audit.json only"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar and no table"),
    workers: Workers = None,
    executor: Executor = ExecutorKind.local,
    scheduler: Scheduler = None,
    resume: bool = typer.Option(False, "--resume", help="keep the points already run in --out and run only the rest"),
    write_report: WriteReport = False,
) -> None:
    """Which numbers of the evidence base move the answer: SALib sensitivity over every default the scenario uses."""
    from ..errors import ScenarioError
    from ..library import resolve
    from ..output import default_folder
    from ..sweep.executors import ExecutorError
    from ..sweep.progress import progress_bar
    from .analysis import points_needed
    from .metric import Metric, UnknownMetric
    from .report import terminal_table
    from .run import check_folder, prepare, run_audit

    problems = []
    if method is MethodKind.morris and samples is not None:
        problems.append("--samples: expected --method sobol (Morris takes --trajectories)")
    if method is MethodKind.sobol and trajectories is not None:
        problems.append("--trajectories: expected --method morris (Sobol takes --samples)")
    problems += executor_problems(executor, scheduler)
    try:
        Metric(metric)
    except UnknownMetric as exc:
        problems.append(f"--metric: {exc}")
    if problems:
        fail_lines(problems)
    size = (trajectories or 10) if method is MethodKind.morris else (samples or 64)
    scenario = resolve(scenario)
    folder = out or default_folder(f"{scenario.stem}-audit")
    try:
        check_folder(folder)
        prepared = prepare(scenario, method.value, size, reps, seed, only.value)
    except ScenarioError as exc:
        fail_lines(exc.problems)
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
    ex = open_executor(executor, workers, scheduler)
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
        fail_lines(exc.problems)
    except (ExecutorError, RuntimeError) as exc:
        typer.echo(f"audit stopped: {exc}; finished points are kept, continue with --resume", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo(f"interrupted; finished points are kept in {folder}/points/, continue with --resume", err=True)
        raise typer.Exit(130) from None
    if not quiet:
        typer.echo(terminal_table(result.method, result.factors, result.results, result.words()))
    if write_report:
        from ..report.cli import write_for_cli

        write_for_cli(Path(folder))
    t = result.timings
    typer.echo(
        f"{result.points} points x {result.reps} replications in {t['simulate_s']:.0f} s "
        f"(total {t['total_s']:.0f} s); wrote {folder}/"
    )


def goal_command(
    scenario: Path = typer.Argument(..., help="scenario YAML file, or a library scenario's name (baseline)"),
    vary: str = typer.Option(..., "--vary", help="sweep path of the number to vary, e.g. 'countries[United Kingdom].sky.aircraft'"),
    low: float = typer.Option(..., "--low", help="smallest value to try"),
    high: float = typer.Option(..., "--high", help="largest value to try"),
    step: Optional[float] = typer.Option(None, "--step", help="grid step (default: 1 for counts, (high - low) / 100 otherwise)"),
    target: str = typer.Option(..., "--target", help="COMPONENT:METRIC>=VALUE or <=VALUE, e.g. sky:p_foc_by_180>=0.8"),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, help="replications per value (default: the file's)"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="random seed (default: the file's)"),
    out: Optional[Path] = typer.Option(None, "--out", help="output folder (default: plots/<scenario>-goal/)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="print only the answer"),
) -> None:
    """What it takes: the smallest value of one number that meets a target (bisection, common random numbers)."""
    import json
    import math

    from ..catalog import Catalog
    from ..errors import ScenarioError
    from ..library import resolve
    from ..output import check_target, default_folder, write_aside
    from ..scenario import load_raw, validate
    from ..sweep import paths
    from .goal import bisect, evaluator, grid, is_count, parse_target, sentence

    problems = []
    try:
        tgt = parse_target(target)
    except ValueError as exc:
        problems.append(f"--target: {exc}")
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        problems.append(f"--low/--high: expected finite numbers with low <= high (got {low:g}, {high:g})")
    if step is not None and not (math.isfinite(step) and step > 0):
        problems.append(f"--step: expected a positive number (got {step:g})")
    try:
        steps = paths.parse(vary)
    except paths.PathError as exc:
        problems.append(f"--vary: {exc}")
    if problems:
        fail_lines(problems)
    scenario = resolve(scenario)
    folder = out or default_folder(f"{scenario.stem}-goal")
    try:
        check_target(folder, replaces="goal.json")
        raw = load_raw(scenario)
        catalog = Catalog.load()
        scn = validate(dict(raw), str(scenario), catalog)
        paths.check(raw, steps)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    except paths.PathError as exc:
        fail_lines([f"--vary: {exc}"])
    if tgt.component not in scn.components:
        fail_lines([f"--target: expected a component of {scenario} ({', '.join(scn.components)}), got {tgt.component!r}"])
    integer = is_count(raw, scn, vary, low, high)
    if integer and (step is not None and not float(step).is_integer()):
        fail_lines([f"--step: expected a whole number: {vary} is a count (got {step:g})"])
    values = grid(low, high, step or (1 if integer else (high - low) / 100 or 1), integer)
    if not values:
        fail_lines([f"--low/--high: expected a range that holds a whole number for the count {vary}"])
    reps = reps or scn.replications
    seed = scn.seed if seed is None else seed
    evaluate = evaluator(raw, str(scenario), vary, tgt, reps, seed, catalog, integer)

    def shown(value):
        e = evaluate(value)
        if not quiet:
            typer.echo(f"  {vary} = {e.value}: {e.estimate:.3f} [{e.low:.3f}, {e.high:.3f}] {'meets' if e.met else 'misses'}", err=True)
        return e

    if not quiet:
        typer.echo(f"{scenario}: {tgt.words()} over {vary} in [{values[0]}, {values[-1]}] ({len(values)} values, {reps} replications each)", err=True)
    try:
        result = bisect(values, shown, tgt.metric.higher_is_better)
    except ScenarioError as exc:
        fail_lines(exc.problems)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing written", err=True)
        raise typer.Exit(130) from None
    text = sentence(vary, tgt, result, values[-1])
    doc = result.document() | {
        "sentence": text,
        "scenario": scn.name,
        "scenario_file": str(scenario),
        "vary": vary,
        "range": [values[0], values[-1]],
        "step": values[1] - values[0] if len(values) > 1 else None,
        "target": {"component": tgt.component, "metric": tgt.metric.name, "op": tgt.op, "value": tgt.value},
        "replications": reps,
        "seed": seed,
    }
    with write_aside(folder, replaces="goal.json") as tmp:
        (tmp / "goal.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    typer.echo(text)
    if not quiet:
        typer.echo(f"{result.evaluations} evaluations; wrote {folder}/goal.json")
