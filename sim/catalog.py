"""Reads the evidence base in ``seeds/``: sources, countries, backstop ladder, parameters.

Every default the simulator uses comes from these files, each with the ids of
its sources or an ``assumption:`` note. :class:`Catalog` keeps both the values
and their provenance, so a run can say which defaults it used and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ScenarioError, problem

PROVENANCE_KEYS = ("sources", "assumption", "note", "range")
"""Keys of a provenance entry; ``range: [low, high]`` is the plausible span of the value (see :mod:`sim.audit.space`)."""


def default_seeds_dir() -> Path:
    """The ``seeds/`` folder: ``$COALITION_SIM_SEEDS``, else the shipped one (see :mod:`sim.library`)."""
    from .library import evidence_base

    return evidence_base().directory


def read_yaml(path: Path) -> Any:
    """Read a YAML file; unreadable bytes, bad YAML, duplicate keys: :class:`ScenarioError`, one line each."""
    from .documents import read_document

    return read_document(Path(path)).strict()


def split_leaves(tree: Any, prefix: str = "") -> tuple[Any, dict[str, dict]]:
    """Split a tree of ``{value: X, sources|assumption: ...}`` leaves into values and provenance."""
    if isinstance(tree, dict) and "value" in tree:
        return tree["value"], {prefix: {k: tree[k] for k in PROVENANCE_KEYS if k in tree}}
    if isinstance(tree, dict):
        values, prov = {}, {}
        for key, sub in tree.items():
            v, p = split_leaves(sub, f"{prefix}.{key}" if prefix else str(key))
            values[key] = v
            prov.update(p)
        return values, prov
    return tree, {}


@dataclass(frozen=True)
class Catalog:
    """The contents of ``seeds/``: defaults with provenance."""

    directory: Path
    sources: dict[str, dict]
    countries: dict[str, dict]
    levels: list[dict]
    parameter_values: dict
    parameter_provenance: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path | str | None = None) -> "Catalog":
        """Read every file of the evidence base from ``directory`` (default: :func:`default_seeds_dir`)."""
        d = Path(directory) if directory else default_seeds_dir()
        sources = read_yaml(d / "sources.yaml") or {}
        countries = read_yaml(d / "countries.yaml") or {}
        backstop = read_yaml(d / "backstop.yaml") or {}
        params = read_yaml(d / "parameters.yaml") or {}
        values, prov = split_leaves(params)
        return cls(
            directory=d,
            sources={s["id"]: s for s in sources.get("sources", [])},
            countries={c["name"]: c for c in countries.get("countries", [])},
            levels=list(backstop.get("levels", [])),
            parameter_values=values,
            parameter_provenance=prov,
        )

    def country(self, name: str, file: str, path: str) -> dict:
        """The catalog entry ``name`` without its provenance, ready to merge under a scenario's keys."""
        entry = self.countries.get(name)
        if entry is None:
            known = ", ".join(sorted(self.countries)) or "none"
            raise ScenarioError([problem(file, path, f"unknown country ref {name!r}; expected one of: {known}")])
        return {k: v for k, v in entry.items() if k != "provenance"}

    def ladder_data(self) -> dict:
        """The backstop ladder as ``{adds: {level: [...]}, willingness: {...}}``."""
        adds = {lv["name"]: list(lv.get("adds", [])) for lv in self.levels}
        willingness = next((lv["willingness"] for lv in self.levels if "willingness" in lv), None)
        return {"adds": adds, "willingness": willingness}
