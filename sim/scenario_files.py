"""Scenario files that state only their differences (``extends:``), and ``--set PATH=VALUE``.

A scenario file may start from another::

    extends: baseline.yaml        # relative to this file (absolute allowed); the base may extend too
    name: us-none
    us_backstop: {level: none}    # maps merge deeply: only this key of us_backstop changes
    countries:
      - ref: Turkey               # countries merge by name or ref: an entry overrides the base's fields
        approval: {probability: 0.9}
      - {name: Germany, drop: true}   # drop: true removes the base's country
      - ref: Spain                # a name the base does not have is appended
    events: []                    # other lists replace the base's list whole

``loaded_from`` (written by ``run`` into ``scenario.json``: the files and the
``--set`` a run was loaded from) is informational and ignored, so a
``scenario.json`` runs again as it is.

A key set to ``null`` is removed from the merged mapping. Two kinds of mapping
replace the base's whole instead of merging, because a mix of the two could
never be valid: a duration written as a distribution (``{dist: ...}``), and a
component's phase (``phases: {land: {start_day: 100}}`` replaces the base's
``after`` gate for land; the other components keep the base's phases). Without ``name`` the
file's own name (its stem) is used, so a variant never takes the base's output
folder.

:func:`read_chain` reads a file and every file it extends, merges them, and
reports the problems of each file (naming that file) in one pass.
:func:`apply_sets` applies ``--set`` assignments in the sweep's path syntax
(:mod:`sim.sweep.paths`). :func:`origin_of` says which file of the chain a key
path comes from, so a problem names the file where it was written.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .documents import parse, read_document
from .errors import ScenarioError, problem
from .sweep import paths

MAX_DEPTH = 32
"""Longest chain of ``extends`` followed before giving up (a longer one is almost surely a mistake)."""


@dataclass
class Chain:
    """A scenario file merged with every file it extends."""

    files: list[str]  # the file given first, then its base, then the base's base ...
    layers: list[dict]  # each file's own mapping, in the same order (``extends`` removed)
    data: dict  # the merged mapping (no catalog defaults yet)
    problems: list[str] = field(default_factory=list)  # found while reading; reported with validation's
    sets: list[str] = field(default_factory=list)  # ``--set`` assignments applied, as given


def merge_layer(base: Any, override: Any) -> Any:
    """Deep-merge ``override`` (a file that extends) over ``base``; see the module docstring."""
    if isinstance(base, dict) and isinstance(override, dict) and "dist" not in override:
        out = dict(base)
        for key, value in override.items():
            if value is None:
                out.pop(key, None)
            elif key == "countries" and isinstance(base.get(key), list) and isinstance(value, list):
                out[key] = merge_countries(base[key], value)
            elif key == "phases" and isinstance(base.get(key), dict) and isinstance(value, dict):
                out[key] = {**base[key], **copy.deepcopy(value)}  # a component's phase replaces the base's whole
                out[key] = {c: p for c, p in out[key].items() if p is not None}
            elif key in base:
                out[key] = merge_layer(base[key], value)
            else:
                out[key] = copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def _keys(entry: Any) -> set[str]:
    if not isinstance(entry, dict):
        return set()
    return {str(entry[k]) for k in ("name", "ref") if isinstance(entry.get(k), (str, int)) and not isinstance(entry.get(k), bool)}


def merge_countries(base: list, override: list) -> list:
    """Countries of a file that extends: by name or ref, override fields, ``drop: true`` removes, new ones append.

    An entry without name or ref is appended as written (validation reports it);
    a ``drop`` entry that is not a clean ``drop: true`` of a base country is left
    out (:func:`read_chain` reports it).
    """
    out = [copy.deepcopy(c) for c in base]
    for entry in override:
        keys = _keys(entry)
        at = next((i for i, c in enumerate(out) if keys and keys & _keys(c)), None)
        if isinstance(entry, dict) and "drop" in entry:
            if entry["drop"] is True and at is not None and set(entry) <= {"name", "ref", "drop"}:
                del out[at]
            continue  # any other drop entry is reported by _drop_problems
        if at is not None:
            out[at] = merge_layer(out[at], entry)
        else:
            out.append(copy.deepcopy(entry))
    return out


def _drop_problems(layer: dict, base: dict, file: str) -> list[str]:
    """``drop`` entries that do not name a country of the base, or that carry other keys."""
    out = []
    countries = layer.get("countries")
    base_keys = [_keys(c) for c in base.get("countries") or []] if isinstance(base.get("countries"), list) else []
    for i, entry in enumerate(countries if isinstance(countries, list) else []):
        if not isinstance(entry, dict) or "drop" not in entry:
            continue
        label = next(iter(sorted(_keys(entry))), str(i))
        where = f"countries[{label}].drop"
        if entry["drop"] is not True:
            out.append(problem(file, where, f"expected true (to remove the country) or no drop key (got {entry['drop']!r})"))
        elif not _keys(entry):
            out.append(problem(file, where, "expected the name or ref of the base's country to drop"))
        elif not any(_keys(entry) & k for k in base_keys):
            out.append(problem(file, where, f"no country {label!r} in the base to drop"))
        elif set(entry) - {"name", "ref", "drop"}:
            extra = ", ".join(sorted(map(str, set(entry) - {"name", "ref", "drop"})))
            out.append(problem(file, where, f"expected drop: true alone with the name or ref (also has {extra})"))
    return out


def read_chain(path: str | Path) -> Chain:
    """Read ``path`` and the files it extends; merge them; collect every file's problems.

    Raises :class:`ScenarioError` only when no mapping can be built (a file
    that cannot be read or parsed, a chain that loops).
    """
    path = Path(path)
    files: list[str] = []
    layers: list[dict] = []
    problems: list[str] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        doc = read_document(current, str(current))
        problems.extend(doc.problems)
        data = doc.data
        file = str(current)
        if not isinstance(data, dict):
            raise ScenarioError(problems + [problem(file, "", "expected a mapping of scenario keys at the top level")])
        _refuse_sweep(data, file)
        files.append(file)
        seen.append(current.resolve())
        base = data.get("extends")
        layers.append({k: v for k, v in data.items() if k not in ("extends", "loaded_from")})
        current = None
        if base is None:
            break
        if not isinstance(base, str) or not base.strip():
            raise ScenarioError(problems + [problem(file, "extends", f"expected the file name of a scenario, relative to this file (got {base!r})")])
        nxt = Path(base) if Path(base).is_absolute() else Path(file).parent / base
        if nxt.resolve() in seen:
            loop = " -> ".join([*files, str(nxt)])
            raise ScenarioError(problems + [problem(file, "extends", f"a cycle ({loop}); expected a chain that ends in a whole scenario")])
        if len(files) >= MAX_DEPTH:
            raise ScenarioError(problems + [problem(file, "extends", f"expected at most {MAX_DEPTH} files in a chain")])
        if not nxt.is_file():
            raise ScenarioError(problems + [problem(file, "extends", f"cannot read {base} (looked for {nxt})")])
        current = nxt
    merged = layers[-1]
    for file, layer in zip(reversed(files[:-1]), reversed(layers[:-1])):
        problems.extend(_drop_problems(layer, merged, file))
        merged = merge_layer(merged, layer)
        if "name" not in layer:
            merged["name"] = Path(file).stem
    return Chain(files, layers, merged, problems)


def _refuse_sweep(data: dict, file: str) -> None:
    if {"base", "design", "samples", "coalition"} & set(data) and not {"countries", "requirements", "extends"} & set(data):
        raise ScenarioError.at(
            file, "", "this is a sweep file (it has base:/design:/coalition:), expected a scenario file; "
            f"run it with `coalition-sim sweep {file}`",
        )


def parse_set(assignment: str, file: str = "") -> tuple[str, tuple, Any]:
    """``PATH=VALUE`` -> (path, steps, value); the value is read as YAML (``6000``, ``guarantee``, ``[a, b]``).

    A problem is one line ``file: --set PATH=VALUE: what was expected``.
    """
    where = f"--set {assignment}"
    say = (lambda expected: problem(file, where, expected)) if file else (lambda expected: f"{where}: {expected}")
    path, sep, text = assignment.partition("=")
    if not sep or not path.strip():
        raise ScenarioError([say("expected PATH=VALUE, e.g. us_backstop.level=guarantee")])
    try:
        steps = paths.parse(path.strip())
    except paths.PathError as exc:
        raise ScenarioError([say(str(exc))]) from None
    try:
        doc = parse(text, "")
    except ScenarioError as exc:
        raise ScenarioError([say(f"value: {_unplaced(line)}") for line in exc.problems]) from None
    if doc.problems:
        raise ScenarioError([say(f"value: {_unplaced(line)}") for line in doc.problems])
    return path.strip(), steps, doc.data


def _unplaced(line: str) -> str:
    """A problem of a one-line value without its (meaningless) line and column."""
    return re.sub(r"^:?\s*(line \d+(, column \d+)?: )?", "", line)


def apply_sets(chain: Chain, assignments: Sequence[str]) -> None:
    """Apply ``--set`` assignments to ``chain.data`` in order.

    A bad one adds a line to ``chain.problems`` (reported with the file's other
    problems) and is skipped; the others are applied and recorded in ``chain.sets``.
    """
    for assignment in assignments:
        try:
            path, steps, value = parse_set(assignment, chain.files[0])
            paths.assign(chain.data, steps, value)
            chain.sets.append(assignment)
        except ScenarioError as exc:
            chain.problems.extend(exc.problems)
        except paths.PathError as exc:
            chain.problems.append(problem(chain.files[0], f"--set {assignment}", str(exc)))


def _depth(layer: dict, steps: tuple) -> int:
    """How many leading ``steps`` of a key path ``layer`` writes."""
    for n in range(len(steps), 0, -1):
        try:
            if paths.get(layer, steps[:n]) is not paths.MISSING:
                return n
        except paths.PathError:
            continue
    return 0


def origin_of(chain: Chain, key_path: str) -> str:
    """The file of ``chain`` that wrote ``key_path`` (or the most of it; the file given on a tie)."""
    try:
        steps = paths.parse(key_path)
    except paths.PathError:
        return chain.files[0]
    best, depth = chain.files[0], 0
    for file, layer in zip(chain.files, chain.layers):
        d = _depth(layer, steps)
        if d > depth:
            best, depth = file, d
    return best


def set_for(chain: Chain, key_path: str) -> str | None:
    """The ``--set`` assignment that wrote ``key_path`` (or a mapping above it), if any."""
    for assignment in reversed(chain.sets):
        path = assignment.partition("=")[0].strip()
        if key_path == path or key_path.startswith(path + ".") or key_path.startswith(path + "["):
            return assignment
    return None
