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
    """Format one problem as ``file: key.path: what was expected``, always on one line.

    Control characters and line breaks (a key written with a newline in it) are escaped.
    """
    where = f"{file}: {path}" if path else str(file)
    return one_line(f"{where}: {expected}")


_BREAKS = {c: repr(c)[1:-1] for c in ("\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")}


def one_line(text: str) -> str:
    """``text`` with every character that could break a line, or any other control character, escaped."""
    if text.isprintable():
        return text
    return "".join(_BREAKS.get(c) or (c if c.isprintable() or c == " " else c.encode("unicode_escape").decode()) for c in text)
