"""Pieces every command shares: how a problem ends a command, and where replications run.

A command that finds problems prints each on its own line on stderr and
exits with status 2 (:func:`fail_lines`). Every command that writes a result
folder takes ``--report`` alike (:data:`WriteReport`). Commands that spread replications
over workers (``sweep``, ``audit``, ``levers``) declare the same three options
with the annotated types below and open their executor with
:func:`open_executor`, so the options read, check and fail alike everywhere.
"""

from __future__ import annotations

import enum
from typing import Annotated, NoReturn, Optional

import typer


def fail_lines(lines: list[str]) -> NoReturn:
    """Print every problem on its own line (stderr) and exit with status 2."""
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(2)


class ExecutorKind(str, enum.Enum):
    """Where the replications run."""

    local = "local"
    dask = "dask"


Workers = Annotated[
    Optional[int], typer.Option("--workers", min=1, help="worker processes (default: one per core)")
]
Executor = Annotated[ExecutorKind, typer.Option("--executor", help="local processes or Dask distributed")]
Scheduler = Annotated[
    Optional[str],
    typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 (default: a LocalCluster)"),
]


WriteReport = Annotated[bool, typer.Option("--report", help="also write report.html, one self-contained page")]
"""``--report``: every command that writes a result folder can also write its page."""


def executor_problems(executor: ExecutorKind, scheduler: Optional[str]) -> list[str]:
    """Problems with the executor options, one line each (empty when they agree)."""
    if scheduler and executor is not ExecutorKind.dask:
        return ["--scheduler: expected --executor dask as well"]
    return []


def open_executor(executor: ExecutorKind, workers: Optional[int], scheduler: Optional[str]):
    """The executor the options ask for; a failure to start it ends the command with status 2."""
    from .sweep.executors import ExecutorError, make_executor

    try:
        return make_executor(executor.value, workers, scheduler)
    except ExecutorError as exc:
        fail_lines([f"--executor {executor.value}: {exc}"])
