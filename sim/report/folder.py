"""What a folder holds: its kind (run, compare, sweep, levers, audit, goal), its pictures and its tables.

The kind is recognised by the files the commands write, most specific first:

=========  ==========================================
goal       ``goal.json``
audit      ``audit.csv``
levers     ``levers.csv``
compare    ``compare.csv``
sweep      ``sweep.json`` (with ``results.csv``)
run        ``summary.json``
=========  ==========================================

A folder may hold several of these (a levers folder is also a sweep); the
report shows every part it finds, and the kind only decides the title and the
order.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS: tuple[tuple[str, str], ...] = (
    ("goal", "goal.json"),
    ("audit", "audit.csv"),
    ("levers", "levers.csv"),
    ("compare", "compare.csv"),
    ("sweep", "sweep.json"),
    ("run", "summary.json"),
)
"""Kinds of folder, most specific first, each with the file that marks it."""

PICTURE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg")
MAX_ROWS = 40
"""Rows of a CSV shown in a table before the rest are summarised."""


class NotAResultFolder(ValueError):
    """The folder holds none of the files the tool writes."""


def kind_of(folder: Path) -> str:
    """The kind of result ``folder`` holds.

    Raises:
        NotAResultFolder: when it holds none of the marking files.
    """
    for kind, marker in KINDS:
        if (folder / marker).is_file():
            return kind
    expected = ", ".join(marker for _, marker in KINDS)
    raise NotAResultFolder(f"{folder}: expected the output folder of a coalition-sim command (one of {expected})")


def read_json(path: Path) -> dict | None:
    """The JSON object in ``path`` (None when it is absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@dataclass(frozen=True)
class Picture:
    """A picture file of the folder."""

    path: Path
    name: str


def pictures(folder: Path, order: tuple[str, ...] = ()) -> list[Picture]:
    """Every picture in ``folder`` and its immediate subfolders; names in ``order`` first, then by name."""
    found = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES]
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found += [p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in PICTURE_SUFFIXES]
    rank = {name: i for i, name in enumerate(order)}

    def key(p: Path) -> tuple:
        rel = p.relative_to(folder).as_posix()
        return (rel.count("/"), rank.get(p.stem, len(rank)), rel)

    return [Picture(p, p.relative_to(folder).as_posix()) for p in sorted(found, key=key)]


@dataclass(frozen=True)
class Table:
    """Rows of a CSV file ready to show: at most ``MAX_ROWS`` of ``total``."""

    name: str
    columns: list[str]
    rows: list[list[str]]
    total: int
    note: str = ""

    @property
    def hidden(self) -> int:
        """Rows not shown."""
        return self.total - len(self.rows)

    @property
    def numeric(self) -> list[bool]:
        """Per column, whether every non-empty shown cell is a number (numbers align right)."""
        return [all(_is_number(r[i]) for r in self.rows if r[i] != "") for i in range(len(self.columns))]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def interval_flags(columns: list[str], row: list[str]) -> str:
    """``yes`` when some ``X_low``/``X_high`` interval of the row excludes 0, else empty."""
    for i, col in enumerate(columns):
        if col.endswith("_low") and col[:-4] + "_high" in columns:
            low, high = _float(row[i]), _float(row[columns.index(col[:-4] + "_high")])
            if low is not None and high is not None and (low > 0 or high < 0):
                return "yes"
            if low is not None and high is not None:
                return "no"
    return ""


def fmt_cell(text: str) -> str:
    """A CSV cell for reading: numbers to four significant digits, empty stays empty."""
    try:
        x = float(text)
    except ValueError:
        return text
    if math.isnan(x):
        return ""
    if x.is_integer() and abs(x) < 1e15 and "e" not in text.lower():
        return str(int(x))
    return f"{x:.4g}"


def read_table(
    path: Path, max_rows: int = MAX_ROWS, drop_empty: bool = True, sort_by: str | None = None, per: str | None = None
) -> Table:
    """Read a CSV file for display: the first ``max_rows`` rows, columns empty in every shown row dropped.

    Where the file has ``X_low``/``X_high`` interval columns, a ``significant``
    column says whether the interval excludes 0. ``sort_by`` names a numeric
    column to order the rows by, largest first (before the cap). ``per`` names
    a column (``component``) whose every value keeps its first rows, sharing the cap.
    """
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        raw = list(reader)
    total = len(raw)
    note = ""
    if sort_by in header:
        k = header.index(sort_by)
        raw.sort(key=lambda r: -(_float(r[k]) or 0.0) if k < len(r) else 0.0)
        note = f"largest {sort_by} first"
    if per in header and raw:
        k = header.index(per)
        groups = list(dict.fromkeys(r[k] for r in raw if k < len(r)))
        each = max(1, max_rows // max(1, len(groups)))
        seen: dict[str, int] = {}
        kept = []
        for r in raw:
            g = r[k] if k < len(r) else ""
            if seen.get(g, 0) < each:
                seen[g] = seen.get(g, 0) + 1
                kept.append(r)
        if len(kept) < len(raw):
            note = f"the first {each} per {per}"
        raw = kept
    flags = any(c.endswith("_low") and c[:-4] + "_high" in header for c in header)
    rows: list[list[str]] = []
    for row in raw[:max_rows]:
        row = row + [""] * (len(header) - len(row))
        cells = [fmt_cell(c) for c in row]
        if flags:
            cells.append(interval_flags(header, row))
        rows.append(cells)
    if flags:
        header = header + ["significant"]
    keep = list(range(len(header)))
    if drop_empty and rows:
        keep = [i for i in keep if any(i < len(r) and r[i] != "" for r in rows)]
    return Table(
        name=path.name,
        columns=[header[i] for i in keep],
        rows=[[r[i] if i < len(r) else "" for i in keep] for r in rows],
        total=total,
        note=note,
    )


def data_files(folder: Path) -> list[tuple[str, int]]:
    """The folder's data files (CSV, JSON, JSONL) with their sizes in bytes."""
    return [
        (p.name, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() in (".csv", ".json", ".jsonl")
    ]


def csv_column(path: Path, name: str) -> list[str]:
    """One column of a CSV file (empty when the file or column is absent)."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            return [row.get(name, "") for row in csv.DictReader(f)]
    except OSError:
        return []


def scalar_items(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """The scalar leaves of a JSON object as ``(dotted key, text)`` pairs, lists of scalars joined."""
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        label = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out += scalar_items(value, label)
        elif isinstance(value, list):
            if all(not isinstance(v, (dict, list)) for v in value):
                out.append((label, ", ".join(scalar_text(v) for v in value)))
            else:
                out.append((label, f"{len(value)} entries"))
        else:
            out.append((label, scalar_text(value)))
    return out


def scalar_text(value: Any) -> str:
    """A JSON scalar for reading: ``none``, ``yes``/``no``, floats to four significant digits."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
