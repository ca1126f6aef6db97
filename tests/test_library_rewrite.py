"""The library rewritten to extend the baseline means exactly what it meant before.

``tests/data/library_before_extends.json`` holds each library scenario as it was
written before the rewrite (the YAML mapping, whole, without comments). Each
rewritten file must load to the same validated scenario as its old text does
under today's catalog and model, so the test keeps its meaning when defaults
change. A deliberate change of a library scenario updates its entry there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
BEFORE = json.loads((Path(__file__).parent / "data" / "library_before_extends.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog():
    return sim.Catalog.load()


def test_every_library_file_is_covered():
    assert sorted(BEFORE) == sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))


def essentials(scenario: sim.Scenario) -> dict:
    """The validated scenario with its countries by name: their order in the file is not part of its meaning
    (replications start countries in name order; see the run comparison below)."""
    data = scenario.model_dump(mode="json")
    data["countries"] = {c["name"]: c for c in data["countries"]}
    return data


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_the_rewritten_scenario_loads_to_the_same_validated_scenario(name, catalog):
    old = sim.validate(BEFORE[name], f"{name} (before)", catalog)
    new = sim.load_scenario(ROOT / "scenarios" / name, catalog)
    assert essentials(new) == essentials(old)
    if name != "broad-coalition.yaml":  # the one file whose old order (Switzerland before Germany) merging cannot keep
        assert [c.name for c in new.countries] == [c.name for c in old.countries]


def test_country_order_changes_no_result(catalog):
    old = sim.validate(BEFORE["broad-coalition.yaml"] | {"horizon_days": 200}, "before", catalog)
    new = sim.validate(sim.load_raw(ROOT / "scenarios" / "broad-coalition.yaml") | {"horizon_days": 200}, "after", catalog)
    assert [c.name for c in old.countries] != [c.name for c in new.countries]
    a, b = sim.run(old, reps=3), sim.run(new, reps=3)
    assert (a.coverage == b.coverage).all() and (a.shortfall == b.shortfall).all()
    assert sorted(map(repr, zip(*a.timeline.values()))) == sorted(map(repr, zip(*b.timeline.values())))


STANDALONE = {"baseline.yaml", "distant-station.yaml"}
"""Library files that do not vary the baseline: the baseline itself, and the distant station of
Brookings' naval arithmetic (one navy, no coalition), which has nothing of the baseline to extend."""


@pytest.mark.parametrize("name", sorted(set(BEFORE) - STANDALONE))
def test_each_rewritten_scenario_extends_the_baseline_and_states_its_question(name):
    text = (ROOT / "scenarios" / name).read_text(encoding="utf-8")
    assert text.startswith("# Question:")
    assert "\nextends: baseline.yaml" in text
