"""The ``coalition-sim report`` command: one self-contained HTML page for a result folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def report_command(
    folder: Path = typer.Argument(..., help="output folder of a run, compare, sweep, levers, audit or goal"),
    out: Optional[Path] = typer.Option(None, "--out", help="the HTML file to write (default: FOLDER/report.html)"),
) -> None:
    """Write one self-contained HTML report (pictures, tables, assumptions, sources) of a result folder."""
    from .folder import NotAResultFolder

    if out is not None and out.is_dir():
        typer.echo(f"--out {out}: expected a file name for the report (this is a folder)", err=True)
        raise typer.Exit(2)
    try:
        path = write_for_cli(folder, out)
    except NotAResultFolder as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    except OSError as exc:
        typer.echo(f"{out or folder}: cannot write the report ({exc.strerror or exc})", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {path}")


def write_for_cli(folder: Path, out: Path | None = None) -> Path:
    """Write the report of ``folder``; the one call commands make for ``--report``."""
    from .build import write_report

    return write_report(folder, out)
