"""Shared helpers: small scenarios whose exact outcome can be written down."""

from __future__ import annotations

import copy

import pytest

import sim
from sim.scenario import merge

LADDER = {
    "none": [],
    "intelligence": ["isr", "arms"],
    "logistics": ["airlift", "logistics"],
    "air_support": ["tanker", "aew", "air_defence", "sead"],
    "guarantee": [],
}

BASE = {
    "name": "small",
    "horizon_days": 100,
    "replications": 4,
    "seed": 1,
    # the US provides every enabler: coverage factors are 1 unless a test says otherwise
    "us_backstop": {"level": "air_support", "adds": LADDER},
    # ... and moves take as long as written, so arrival days can be written down
    "parameters": {"enablers": {"airlift": {"deploy_factor": 1.0}, "logistics": {"deploy_factor": 1.0}}},
    "requirements": {"land": {"troops": 1000}},
    "countries": [],
}


def scenario(default_rotation: bool = False, **changes) -> sim.Scenario:
    """A validated small scenario: BASE with ``changes`` merged on top (deep for dicts).

    Countries that name no rotation say ``rotation: none`` (units stay without relief, so arrival
    steps can be written down) unless ``default_rotation`` asks for the components' default policy.
    """
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = merge(data[key], value)
        else:
            data[key] = value
    if not default_rotation:
        data["countries"] = [c if not isinstance(c, dict) or "rotation" in c else {**c, "rotation": "none"}
                             for c in data["countries"]]
    return sim.validate(data, "test.yaml")


@pytest.fixture
def make():
    return scenario
