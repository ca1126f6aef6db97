"""The ``coalition-sim scenarios`` command: list the scenario library, or copy it to a folder to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def scenarios_command(
    names: Optional[list[str]] = typer.Argument(
        None, help="library scenarios to show or copy (default: all)", show_default=False
    ),
    copy_to: Optional[Path] = typer.Option(
        None, "--copy-to", help="copy the scenarios (and any file they extend) into this folder to edit; with --sweeps, the sweeps "
        "into DIR/sweeps/ and their base scenarios into DIR/scenarios/"
    ),
    sweeps: bool = typer.Option(False, "--sweeps", help="list the example sweeps instead of the scenarios"),
) -> None:
    """The scenario library, each with its question; run one by name (coalition-sim run baseline)."""
    from .errors import ScenarioError
    from .library import copy, entries, question

    kind = "sweeps" if sweeps else "scenarios"
    try:
        if copy_to is not None:
            for path in copy(list(names or []), copy_to, kind):
                typer.echo(f"wrote {path}")
            return
        library = entries(kind)
        unknown = [n for n in names or [] if n.removesuffix(".yaml") not in library]
        if unknown:
            raise ScenarioError([f"{n}: expected a library {kind[:-1]}; known: {', '.join(library)}" for n in unknown])
    except ScenarioError as exc:
        for line in exc.problems:
            typer.echo(line, err=True)
        raise typer.Exit(2)
    shown = [n.removesuffix(".yaml") for n in names] if names else list(library)
    command = "sweep" if sweeps else "run"
    typer.echo(f"Library {kind} (run one by name: coalition-sim {command} NAME; to edit: --copy-to DIR):")
    width = max(len(n) for n in shown) + 2 if shown else 0
    for name in shown:
        typer.echo(f"  {name:<{width}}{question(library[name]) or '(no # Question: line)'}")
