"""The scenario file's JSON Schema: what an editor or a script may check a file against.

The schema is derived from the pydantic models (:class:`sim.scenario.Scenario`)
and then adjusted to describe the *file* the loader reads rather than the
validated scenario it builds:

- keys the loader fills from ``seeds/`` are optional: ``parameters`` (each
  leaf a partial override), a hub's ``throughput_per_day`` (a default exists
  for named hubs), ``us_backstop.willingness``;
- a country is given by ``name`` or by ``ref`` alone; a ``ref`` entry overrides
  only the catalog fields it names (so a ``rotation`` need not repeat
  ``tour_days``);
- a duration is a number of days or a distribution;
- ``extends: PATH`` makes a file a set of differences to another scenario:
  every mapping key becomes optional, a country entry may say ``drop: true``,
  and lists other than ``countries`` still replace the base's whole.

What a schema cannot express (cross-references such as an unknown hub in
``via``, phase gates in a cycle, IOC above FOC) is checked by the loader.
"""

from __future__ import annotations

import copy
from typing import Any

DISTRIBUTIONS = {"Fixed", "Uniform", "Triangular", "Lognormal"}
"""Definitions of duration distributions: written whole, never merged, so their keys stay required."""

_EXTENDS = {
    "type": "string",
    "minLength": 1,
    "description": "base scenario file, relative to this file: this file then states only its differences "
    "(maps merge deeply; countries merge by name or ref, `drop: true` removes one; other lists replace)",
}
_LOADED_FROM = {
    "type": "object",
    "description": "written by `run` into scenario.json (the files read, the --set applied); ignored when loading",
    "properties": {"files": {"type": "array", "items": {"type": "string"}}, "set": {"type": "array", "items": {"type": "string"}}},
}
_DROP = {"type": "boolean", "description": "only in a file with `extends`: remove this country of the base"}


def _ref_name(node: dict) -> str | None:
    ref = node.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/$defs/") else None


def _number_or_distribution(node: Any) -> Any:
    """Let every duration (a union discriminated by ``dist``) also be a plain number of days."""
    if isinstance(node, list):
        return [_number_or_distribution(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _number_or_distribution(v) for k, v in node.items()}
    mapping = (node.get("discriminator") or {}).get("mapping") or {}
    if "fixed" in mapping:
        union = {k: node.pop(k) for k in ("oneOf", "discriminator")}
        node["anyOf"] = [{"type": "number", "minimum": 0, "description": "days"}, union]
    return node


def _relax(node: Any, defs: dict) -> Any:
    """A copy of ``node`` with every mapping's ``required`` dropped (a partial override of a mapping).

    Definitions reached through ``$ref`` are inlined and relaxed, except
    distributions; arrays keep their items as they are (a list is replaced whole).
    """
    if isinstance(node, list):
        return [_relax(v, defs) for v in node]
    if not isinstance(node, dict):
        return node
    name = _ref_name(node)
    if name is not None:
        if name in DISTRIBUTIONS:
            return node
        inlined = {k: v for k, v in node.items() if k != "$ref"}
        inlined.update(copy.deepcopy(defs[name]))
        return _relax(inlined, defs)
    out = {}
    for k, v in node.items():
        if k == "required":
            continue
        if k == "items":
            out[k] = v
        elif k in ("properties", "$defs"):
            out[k] = {p: _relax(s, defs) for p, s in v.items()}
        else:
            out[k] = _relax(v, defs)
    return out


def _country_items(defs: dict, patch: bool) -> dict:
    """A country entry: by ``name`` (every key as the model says) or by ``ref`` (a partial override)."""
    by_ref = _relax(defs["Country"], defs)
    if patch:
        by_ref["properties"]["drop"] = _DROP
        return {"allOf": [by_ref, {"anyOf": [{"required": ["name"]}, {"required": ["ref"]}]}]}
    return {"anyOf": [{"allOf": [{"$ref": "#/$defs/Country"}, {"required": ["name"]}]}, {**by_ref, "required": ["ref"]}]}


def scenario_schema(model_schema: dict) -> dict:
    """The file schema built from ``Scenario.model_json_schema()`` (see the module docstring)."""
    schema = _number_or_distribution(copy.deepcopy(model_schema))
    defs = schema.setdefault("$defs", {})
    for name in list(defs):
        if name.endswith("Parameters") or name == "Willingness":
            defs[name].pop("required", None)  # overrides merged over the catalog's values
    hub = defs["Hub"]
    hub["required"] = [k for k in hub.get("required", []) if k != "throughput_per_day"]
    hub["properties"]["throughput_per_day"]["description"] = (
        "people per day; may be left out for a hub named in parameters.transit.hub_throughput_per_day"
    )
    required = [k for k in schema.pop("required", []) if k != "parameters"]

    full_props = copy.deepcopy(schema["properties"])
    full_props["countries"] = {**full_props["countries"], "items": _country_items(defs, patch=False)}
    full_props["extends"] = _EXTENDS
    full_props["loaded_from"] = _LOADED_FROM

    patch_props = {k: _relax(v, defs) for k, v in schema["properties"].items()}
    patch_props["countries"] = {
        k: v for k, v in full_props["countries"].items() if k != "items"
    } | {"items": _country_items(defs, patch=True)}
    patch_props["extends"] = _EXTENDS
    patch_props["loaded_from"] = _LOADED_FROM

    defs["ScenarioFile"] = {
        "type": "object",
        "description": "a whole scenario",
        "properties": full_props,
        "required": required,
        "additionalProperties": False,
    }
    defs["ScenarioDifferences"] = {
        "type": "object",
        "description": "a scenario stated as differences to the file named by `extends`",
        "properties": patch_props,
        "required": ["extends"],
        "additionalProperties": False,
    }
    schema["properties"] = patch_props
    schema["additionalProperties"] = False
    schema["if"] = {"required": ["extends"]}
    schema["then"] = {"$ref": "#/$defs/ScenarioDifferences"}
    schema["else"] = {"$ref": "#/$defs/ScenarioFile"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
