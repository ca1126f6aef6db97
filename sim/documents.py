"""Reading an input file (scenario, sweep or evidence base) into plain data, one line per problem.

:func:`read_document` turns bytes into a YAML document and reports, each on
its own line with the file and where in it:

- a file that cannot be read;
- text that is not UTF-8 (the line and column of the first bad byte);
  a byte-order mark is honoured: UTF-8, UTF-16 and UTF-32 files that start
  with one are decoded accordingly, and a file whose BOM does not match its
  bytes is refused in one line;
- YAML that does not parse (line and column);
- a key written twice in one mapping (the key, its line and the line of the
  first one); the document is still built (the last value wins) so that the
  caller can report its other problems in the same pass;
- numbers that are not finite (``.inf``, ``-.inf``, ``.nan``) anywhere.

Nothing here knows what a scenario is; the key paths use the scenario's
notation (``countries[France].land.troops``, ``events[2].day``).
"""

from __future__ import annotations

import codecs
import math
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml.constructor import ConstructorError

from .errors import ScenarioError, problem


class Readable(Protocol):
    """A path or an ``importlib.resources`` traversable."""

    def read_bytes(self) -> bytes: ...


BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass
class Document:
    """A parsed file: its data, and problems found that did not stop the parse."""

    file: str
    data: Any
    problems: list[str] = field(default_factory=list)

    def strict(self) -> Any:
        """The data, or :class:`ScenarioError` listing the problems found while reading."""
        if self.problems:
            raise ScenarioError(self.problems)
        return self.data


def _position(raw: bytes, offset: int) -> str:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return f"line {line}, column {column}"


def decode(raw: bytes, file: str) -> str:
    """Text of ``raw``: UTF-8, or the encoding its byte-order mark names; one-line error otherwise."""
    for bom, codec, label in BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ScenarioError.at(
                    file, _position(raw, exc.start + len(bom)),
                    f"expected {label} text after the {label} byte-order mark (the bytes do not decode as {label})",
                ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise ScenarioError.at(
            file, _position(raw, exc.start), f"expected UTF-8 text (byte 0x{bad} is not UTF-8; save the file as UTF-8)"
        ) from None
    if "\x00" in text:
        raise ScenarioError.at(
            file, _position(raw, raw.index(b"\x00")),
            "expected UTF-8 text (found NUL bytes: UTF-16 without a byte-order mark? save the file as UTF-8)",
        )
    return text


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser where installed: ten times faster


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that records keys written twice instead of silently keeping the last."""

    def __init__(self, stream, file: str):
        super().__init__(stream)
        self.file = file
        self.root = None
        self.repeated: list[tuple[Any, Any, int, int]] = []  # (mapping node, key, line, first line)

    def get_single_node(self):
        self.root = super().get_single_node()
        return self.root

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                try:
                    key = self.construct_object(key_node, deep=True)
                    hash(key)
                except (ConstructorError, TypeError):
                    continue  # an unusable key: the base constructor reports it
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.repeated.append((node, key, line, seen[key]))
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def duplicates(self) -> list[str]:
        """One problem per repeated key, naming its line and its key path."""
        paths = _node_paths(self.root) if self.repeated else {}
        out = []
        for node, key, line, first in self.repeated:
            where = f"{join(paths.get(id(node), ''), key)}: line {line}"
            what = f"duplicate key {key!r} (first at line {first}); expected each key once in a mapping"
            out.append(problem(self.file, where, what))
        return out


def _node_paths(root) -> dict[int, str]:
    """The key path (``a.b[A].c``) of every mapping node under ``root``, by the node's id.

    List items are named as :func:`non_finite` names them (:func:`label`).
    """
    paths: dict[int, str] = {}
    stack = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            if id(node) in paths:
                continue  # an alias seen before
            paths[id(node)] = path
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((value_node, join(path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}[{label(_scalars(item), i)}]") for i, item in enumerate(node.value))
    return paths


def _scalars(node) -> dict[str, str]:
    """A mapping node's scalar keys and values, as text: enough for :func:`label` to name a list item."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v.value for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}


def parse(text: str, file: str) -> Document:
    """The YAML document in ``text``; a syntax error is one line, duplicate keys are recorded."""
    loader = _Loader(text, file)
    try:
        data = loader.get_single_data()
        duplicates = loader.duplicates()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or "malformed YAML"
        raise ScenarioError.at(file, where, f"expected valid YAML ({what})") from None
    except RecursionError:
        raise ScenarioError.at(file, "", "expected valid YAML (nested too deeply)") from None
    finally:
        loader.dispose()
    doc = Document(file, data, duplicates)
    doc.problems.extend(problem(file, path, f"expected a finite number (got {value})") for path, value in non_finite(data))
    return doc


def read_document(source: Readable, file: str | None = None) -> Document:
    """Read and parse ``source``; raise :class:`ScenarioError` if it cannot be read or parsed at all."""
    file = str(source) if file is None else file
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ScenarioError.at(file, "", f"cannot read file ({exc.strerror or exc})") from None
    return parse(decode(raw, file), file)


def label(entry: Any, index: int) -> str:
    """How a list entry is named in a key path: its ``name`` (or ``ref``) if it has one, else its index."""
    if isinstance(entry, dict):
        for key in ("name", "ref"):
            value = entry.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                return str(value)
    return str(index)


def join(path: str, key: Any) -> str:
    """``path`` followed by mapping key ``key``."""
    return f"{path}.{key}" if path else str(key)


def non_finite(data: Any, path: str = "", _depth: int = 0) -> list[tuple[str, str]]:
    """Key paths of every infinite or NaN number in ``data`` (with how it reads)."""
    if _depth > 200:
        return []
    if isinstance(data, float) and not math.isfinite(data):
        return [(path, ".nan" if math.isnan(data) else (".inf" if data > 0 else "-.inf"))]
    out: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(non_finite(v, join(path, k), _depth + 1))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(non_finite(v, f"{path}[{label(v, i)}]", _depth + 1))
    return out
