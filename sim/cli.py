"""The command line: parse, call the library, set exit codes.

Every command is a thin layer over the Python API. Problems with input files
are printed one per line (file, key path, what was expected) with exit
status 2 and no traceback. ``matplotlib`` is imported only by commands that
draw.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn, Optional

import typer

from .cli_common import WriteReport, fail_lines
from .errors import ScenarioError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="coalition-sim: discrete-event scenarios of a coalition reassurance force for Ukraine.",
)


def fail(exc: ScenarioError) -> NoReturn:
    """Print every problem on its own line and exit with status 2."""
    fail_lines(exc.problems)


def warn(line: str) -> None:
    """Print a warning (allowed, but probably not meant) on stderr."""
    typer.echo(line, err=True)


def deadline_option(text: Optional[str], horizon_days: int):
    """``--deadlines`` as days (None if not given); a bad value is a :class:`ScenarioError` (exit 2)."""
    from .outcomes import parse_deadlines

    try:
        return parse_deadlines(text, horizon_days)
    except ValueError as exc:
        raise ScenarioError([str(exc)]) from None


@app.command()
def run(
    scenario: Path = typer.Argument(..., help="scenario YAML file, or a library scenario's name (baseline)"),
    reps: Optional[int] = typer.Option(None, "--reps", min=1, help="replications (default: the file's)"),
    seed: Optional[int] = typer.Option(None, "--seed", min=0, help="random seed (default: the file's)"),
    out: Optional[Path] = typer.Option(
        None, "--out", help="output folder (default: plots/<scenario name>/; with --set: plots/<name>-set-<changes>/)"),
    no_plots: bool = typer.Option(False, "--no-plots", help="write CSV and JSON only"),
    sets: Optional[list[str]] = typer.Option(
        None, "--set", metavar="PATH=VALUE",
        help="change one value, e.g. us_backstop.level=guarantee or countries[France].land.troops=6000 (repeatable)",
    ),
    deadlines: Optional[str] = typer.Option(
        None, "--deadlines", help="days for P(IOC/FOC reached by day), e.g. 90,180,365 (default: the file's report.deadlines, "
        "else 90, 180, 365 and the last day)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    report: WriteReport = False,
) -> None:
    """Run a scenario: coverage.csv, timeline.csv, shortfall.csv, summary.json and plots."""
    from .library import resolve
    from .memory import check_run
    from .output import changed_name, check_target, default_folder, write_aside
    from .results import RUN_MARKER, summary_table, write_run_files
    from .run_progress import run_progress
    from .runner import run as run_scenario
    from .scenario import load_chain

    scenario = resolve(scenario)
    try:
        scn, chain = load_chain(scenario, sets or (), warn=warn)
        days = deadline_option(deadlines, scn.horizon_days)
        folder = out or default_folder(changed_name(scn.name, sets or ()))
        check_target(folder, replaces=RUN_MARKER)
        n = scn.replications if reps is None else reps
        check_run(scn, n, scn.seed if seed is None else seed, f"--reps {reps}" if reps else f"{scenario}: replications: {n}")
    except ScenarioError as exc:
        fail(exc)
    with run_progress(quiet) as progress:
        result = run_scenario(scn, reps=reps, seed=seed, progress=progress)
    try:
        with write_aside(folder, replaces=RUN_MARKER) as tmp:
            summary = write_run_files(result, tmp, scenario_file=scenario, chain=chain, deadlines=days)
            if not no_plots:
                from .plots import draw_run

                draw_run(tmp)
            if report:
                from .report.cli import write_for_cli

                write_for_cli(tmp)
    except ScenarioError as exc:
        fail(exc)
    typer.echo(summary_table(summary))
    typer.echo(f"wrote {folder}/")


@app.command()
def validate(
    scenario: Path = typer.Argument(..., help="scenario YAML file, or a library scenario's name"),
    sets: Optional[list[str]] = typer.Option(None, "--set", metavar="PATH=VALUE", help="as for run (repeatable)"),
) -> None:
    """Check a scenario file: exit 0 if valid, else 2 with one line per problem."""
    from .library import resolve
    from .scenario import load_scenario

    scenario = resolve(scenario)
    try:
        scn = load_scenario(scenario, warn=warn, sets=sets or ())
    except ScenarioError as exc:
        fail(exc)
    typer.echo(f"{scenario}: ok ({scn.name}: {len(scn.countries)} countries, components {', '.join(scn.components)})")


@app.command()
def schema() -> None:
    """Print the scenario file's JSON Schema (from the pydantic models)."""
    from .scenario import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


# --- more commands register below (sweep, plot, sources, countries) ---------------------------

from .sweep.cli import sweep_command  # noqa: E402 - light: the sweep's heavy imports happen inside the command

app.command("sweep")(sweep_command)

from .compare_cli import compare_command  # noqa: E402 - light: runs and plots import inside the command

app.command("compare")(compare_command)

from .audit.cli import audit_command, goal_command  # noqa: E402 - light, like the sweep's

app.command("audit")(audit_command)
app.command("goal")(goal_command)

from .library_cli import scenarios_command  # noqa: E402

app.command("scenarios")(scenarios_command)

from .levers.cli import levers_command  # noqa: E402 - light, like the sweep's

app.command("levers")(levers_command)

from .report.cli import report_command  # noqa: E402 - light: Jinja2 is imported when a report is written

app.command("report")(report_command)


@app.command()
def sources(
    query: Optional[list[str]] = typer.Argument(
        None,
        help="a country (France; 'France land.troops'), a parameter path or prefix (sky.availability, "
        "enablers.tanker), a backstop level (guarantee; 'backstop' for all) or a source id",
        show_default=False,
    ),
) -> None:
    """Where a number comes from: without QUERY every source; with it, the values and their sources."""
    from .catalog import Catalog
    from .provenance import UnknownQuery, explain, source_list

    try:
        catalog = Catalog.load()
    except ScenarioError as exc:
        fail(exc)
    if not query:
        typer.echo(source_list(catalog))
        return
    try:
        typer.echo(explain(catalog, " ".join(query)))
    except UnknownQuery as exc:
        typer.echo(str(exc.args[0]), err=True)
        raise typer.Exit(2)


@app.command()
def countries() -> None:
    """The country catalog (seeds/countries.yaml) as a table: stance, conditions, contributions."""
    from .catalog import Catalog
    from .provenance import catalog_table

    try:
        catalog = Catalog.load()
    except ScenarioError as exc:
        fail(exc)
    typer.echo(catalog_table(catalog))


@app.command()
def plot(
    folder: Path = typer.Argument(..., help="output folder of a finished run, sweep, compare, levers or audit"),
    metric: Optional[str] = typer.Option(
        None, "--metric", help="a sweep heatmap's metric: foc_day_median, ioc_day_median, mean_coverage, "
        "p_ioc_by_<D>, p_foc_by_<D> (default: the sweep file's plot.metric)"),
) -> None:
    """Redraw the plots of a finished run, sweep, comparison, levers or audit from its files, without re-running."""
    from .plots.damage import drawer

    try:
        if metric is not None:
            from .sweep.spec import plot_metric

            try:
                column = plot_metric(metric)
            except ValueError as exc:
                raise ScenarioError([f"--metric: {exc}"]) from None
            results = folder / "results.csv"
            if not results.is_file():
                raise ScenarioError([f"--metric: {folder} is not a sweep's folder (no results.csv); --metric chooses a sweep heatmap's metric"])
            with open(results, encoding="utf-8") as fh:
                columns = fh.readline().strip().split(",")
            if column not in columns:
                days = sorted({int(c.rsplit("_", 1)[1]) for c in columns if c.startswith("p_foc_by_")})
                raise ScenarioError([f"--metric: {results} has no column {column}; its deadlines are {days} "
                                     "(sweep again with --deadlines to add one)"])
        draw = drawer(folder, metric)
        paths = draw(folder)
    except ScenarioError as exc:
        fail(exc)
    for path in paths:
        typer.echo(f"wrote {path}")


def main() -> None:
    """Console entry point: Ctrl-C ends any command with status 130 (SIGTERM: 143), output left whole."""
    from .interrupt import Interrupted, handle_signals

    handle_signals()
    try:
        app()
    except ScenarioError as exc:  # raised outside a command's own handling
        for line in exc.problems:
            print(line, file=sys.stderr)
        sys.exit(2)
    except Interrupted as exc:
        print("interrupted; nothing was half-written", file=sys.stderr)
        sys.exit(exc.status)
