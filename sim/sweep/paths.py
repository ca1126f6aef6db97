"""Paths into a raw scenario mapping: ``us_backstop.level``, ``countries[France].land.troops``, ``events[0].day``.

A path is dotted keys, where a key may be followed by ``[NAME]`` (the entry of
a list of mappings whose ``name`` -- or, absent a name, ``ref`` -- is NAME) or
``[3]`` (list index 3). Paths address the scenario *file*: setting a value on a
country given as ``ref: France`` overrides that field only, and the loader
merges the rest from the catalog.

Setting a path creates missing mappings along the way when their parent is a
mapping: ``countries[Spain].sky.aircraft`` on a country with no ``sky:`` yet
adds ``sky: {aircraft: N}``. Whether such a key is allowed is then decided by
the scenario's own validation, so a typo is still an error (``unknown key``).
A path through a list entry that does not exist (``countries[Narnia]``, an
index past the end) or through a value that is not a mapping is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

_STEP = re.compile(r"(?P<key>[^.\[\]]+)|\[(?P<sel>[^\[\]]+)\]|(?P<dot>\.)")


@dataclass(frozen=True)
class Key:
    """A mapping key."""

    name: str


@dataclass(frozen=True)
class Index:
    """A list position."""

    position: int


@dataclass(frozen=True)
class Select:
    """The list entry whose ``name`` (or, absent a name, ``ref``) equals ``name``."""

    name: str


Step = Union[Key, Index, Select]


class PathError(ValueError):
    """A path that cannot be parsed or does not resolve; the message says what was expected."""


MISSING = object()
"""The value at a path whose last key is absent."""


def parse(path: str) -> tuple[Step, ...]:
    """Split ``path`` into steps; raise :class:`PathError` if it is malformed."""
    steps: list[Step] = []
    pos, after_dot = 0, True
    for m in _STEP.finditer(path):
        if m.start() != pos:
            break
        pos = m.end()
        if m.group("dot"):
            if after_dot:
                raise PathError("expected a key between dots")
            after_dot = True
        elif m.group("key") is not None:
            if not after_dot:
                raise PathError("expected a dot before a key")
            steps.append(Key(m.group("key").strip()))
            after_dot = False
        else:
            if after_dot:
                raise PathError("expected a key before [...]")
            sel = m.group("sel").strip()
            steps.append(Index(int(sel)) if sel.isdigit() else Select(sel))
    if pos != len(path) or not steps or after_dot:
        raise PathError("expected dotted keys with optional [NAME] or [INDEX], e.g. countries[France].land.troops")
    return tuple(steps)


def entry_name(entry: Any) -> str | None:
    """The name a list entry is selected by: its ``name``, else its ``ref``."""
    if isinstance(entry, dict):
        for k in ("name", "ref"):
            if entry.get(k) is not None:
                return str(entry[k])
    return None


def _label(steps: tuple[Step, ...]) -> str:
    out = ""
    for s in steps:
        if isinstance(s, Key):
            out += ("." if out else "") + s.name
        else:
            out += f"[{s.position if isinstance(s, Index) else s.name}]"
    return out or "the top level"


def _child(node: Any, step: Step, done: tuple[Step, ...], create: bool) -> Any:
    """Descend one step, creating a missing mapping when ``create``; MISSING where absent."""
    if isinstance(step, Key):
        if not isinstance(node, dict):
            raise PathError(f"expected a mapping at {_label(done)}, found {_kind(node)}")
        value = node.get(step.name)
        if value is None:
            if not create:
                return MISSING
            value = node[step.name] = {}
        return value
    if not isinstance(node, list):
        raise PathError(f"expected a list at {_label(done)}, found {_kind(node)}")
    if isinstance(step, Index):
        if step.position >= len(node):
            raise PathError(f"expected an index below {len(node)} at {_label(done)}")
        return node[step.position]
    for entry in node:
        if entry_name(entry) == step.name:
            return entry
    names = [n for n in map(entry_name, node) if n]
    what = "a country" if done == (Key("countries"),) else "an entry"
    raise PathError(f"expected {what} named {step.name!r} in {_label(done)} (found: {', '.join(names) or 'none'})")


def _kind(value: Any) -> str:
    if value is MISSING or value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def get(data: Any, steps: tuple[Step, ...]) -> Any:
    """The value at ``steps`` in ``data`` (MISSING if its last key, or a mapping on the way, is absent)."""
    node = data
    for i, step in enumerate(steps):
        node = _child(node, step, steps[:i], create=False)
        if node is MISSING:
            return MISSING
    return node


def assign(data: Any, steps: tuple[Step, ...], value: Any) -> None:
    """Set ``value`` at ``steps`` in ``data`` (in place), creating missing mappings on the way."""
    node = data
    for i, step in enumerate(steps[:-1]):
        node = _child(node, step, steps[:i], create=True)
    last, done = steps[-1], steps[:-1]
    if isinstance(last, Key):
        if not isinstance(node, dict):
            raise PathError(f"expected a mapping at {_label(done)}, found {_kind(node)}")
        node[last.name] = value
    elif isinstance(last, Index):
        _child(node, last, done, create=False)
        node[last.position] = value
    else:
        raise PathError("expected a path to a value, not to a whole list entry")


def check(data: Any, steps: tuple[Step, ...]) -> None:
    """Raise :class:`PathError` if ``steps`` cannot be set in ``data`` (without changing ``data``)."""
    node = data
    for i, step in enumerate(steps[:-1]):
        node = _child(node, step, steps[:i], create=False)
        if node is MISSING:
            return  # the rest will be created
    last = steps[-1]
    if isinstance(last, Select):
        raise PathError("expected a path to a value, not to a whole list entry")
    _child(node, last, steps[:-1], create=False)
