"""The question a scenario file asks, from its leading ``# Question:`` comment.

Scenario files open with a comment such as::

    # Question: with the coalition as the reports describe it, how fast is the
    # sky covered, and what stays short?
    #
    # Countries come from the catalog ...

The question runs from ``# Question:`` to the first empty comment line or the
first line that is not a comment.
"""

from __future__ import annotations

import re
from pathlib import Path

_START = re.compile(r"^\s*#\s*Question:\s*(.*)$", re.IGNORECASE)


def question_in(text: str) -> str | None:
    """The ``# Question:`` comment of a scenario file's text, joined into one line (None when absent)."""
    words: list[str] = []
    inside = False
    for line in text.splitlines():
        if not inside:
            m = _START.match(line)
            if m:
                inside = True
                words.append(m.group(1).strip())
            continue
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        body = stripped.lstrip("#").strip()
        if not body:
            break
        words.append(body)
    question = " ".join(w for w in words if w)
    return question or None


def question_of(path: str | Path | None) -> str | None:
    """The question of the scenario file at ``path`` (None when there is no file or no question)."""
    if not path:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return question_in(text)
