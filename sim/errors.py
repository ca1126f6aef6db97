"""Errors a user can cause, reported as one line per problem.

A :class:`ScenarioError` carries every problem found in an input file. Each
problem names the file, the key path inside it and what was expected, so the
CLI can print them one per line and exit with status 2 without a traceback.
"""

from __future__ import annotations


class ScenarioError(Exception):
    """One or more problems with an input file (scenario, sweep or catalog)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    @classmethod
    def at(cls, file: str, path: str, expected: str) -> "ScenarioError":
        """Build an error for a single problem at ``path`` in ``file``."""
        return cls([problem(file, path, expected)])


def problem(file: str, path: str, expected: str) -> str:
    """Format one problem as ``file: key.path: what was expected``."""
    where = f"{file}: {path}" if path else str(file)
    return f"{where}: {expected}"
