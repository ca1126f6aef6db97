"""`coalition-sim schema` tells the truth: the library validates against it, and it describes what the loader reads."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.cli import app

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def validator():
    out = CliRunner().invoke(app, ["schema"])
    assert out.exit_code == 0
    schema = json.loads(out.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def messages(validator, doc):
    return [f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator.iter_errors(doc)]


def test_library_is_there():
    assert len(LIBRARY) >= 13


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.name)
def test_every_shipped_scenario_validates_against_the_schema(validator, path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert messages(validator, doc) == []
    sim.load_scenario(path)  # and the loader agrees


TINY = {"name": "t", "requirements": {"land": {"troops": 100}}, "countries": [{"name": "A", "land": {"troops": 50}}]}

ACCEPTED = {
    "a country given by ref alone": {"countries": [{"ref": "France"}]},
    "a ref entry overriding part of a nested mapping": {"countries": [{"ref": "France", "rotation": {"ratio": 4}}]},
    "a duration as a plain number": {"countries": [{"name": "A", "deploy_days": 12, "approval": {"delay_days": 3.5}}]},
    "a duration as a distribution": {"countries": [{"name": "A", "deploy_days": {"dist": "lognormal", "median": 9, "sigma": 0.3}}]},
    "a hub without throughput_per_day (a default exists)": {
        "transit": {"hubs": [{"name": "Poland"}]}, "countries": [{"name": "A", "land": {"troops": 5}, "via": "Poland"}]},
    "one parameter overridden": {"parameters": {"sky": {"availability": 0.5}}},
    "an enabler's one factor overridden": {"parameters": {"enablers": {"isr": {"deploy_factor": 0.9}}}},
    "part of the willingness uplift": {"us_backstop": {"level": "guarantee", "willingness": {"approval_uplift": 0.2}}},
    "maintenance with loader defaults": {"requirements": {"sky": {"orbits": 1}}, "maintenance": {"sky": {}}},
}


@pytest.mark.parametrize("change", ACCEPTED.values(), ids=list(ACCEPTED))
def test_what_the_loader_accepts_the_schema_accepts(validator, change):
    doc = copy.deepcopy(TINY) | copy.deepcopy(change)
    sim.validate(copy.deepcopy(doc), "doc.yaml")
    assert messages(validator, doc) == []


REJECTED = {
    "an unknown top-level key": {"horizon": 3},
    "an unknown country key": {"countries": [{"name": "A", "troops": 5}]},
    "a country with neither name nor ref": {"countries": [{"land": {"troops": 5}}]},
    "drop without extends": {"countries": [{"name": "A", "drop": True}]},
    "a named country's rotation without tour_days": {"countries": [{"name": "A", "rotation": {"ratio": 2}}]},
    "a distribution missing a key": {"countries": [{"name": "A", "deploy_days": {"dist": "uniform", "low": 1}}]},
    "a negative duration": {"countries": [{"name": "A", "deploy_days": -1}]},
    "a string where a number goes": {"horizon_days": "long"},
    "an unknown backstop level": {"us_backstop": {"level": "total"}},
    "no requirements": {"requirements": None},
}


@pytest.mark.parametrize("change", REJECTED.values(), ids=list(REJECTED))
def test_what_the_schema_rejects_the_loader_rejects(validator, change):
    doc = copy.deepcopy(TINY) | copy.deepcopy(change)
    doc = {k: v for k, v in doc.items() if v is not None}
    assert messages(validator, doc) != []
    with pytest.raises(sim.ScenarioError):
        sim.validate(copy.deepcopy(doc), "doc.yaml")


def test_a_whole_file_needs_name_countries_and_requirements_a_file_with_extends_does_not(validator):
    assert messages(validator, {"name": "x"})
    assert messages(validator, {"extends": "baseline.yaml"}) == []
    assert messages(validator, {"extends": "baseline.yaml", "requirements": {"sky": {}},
                                "countries": [{"name": "France", "drop": True}, {"ref": "Spain", "land": {"troops": 9}}]}) == []
    assert messages(validator, {"extends": "baseline.yaml", "countries": [{"drop": True}]})  # drop what?
    assert messages(validator, {"extends": 3})


def test_every_model_field_is_in_the_schema():
    schema = sim.json_schema()
    top = set(schema["properties"])
    assert set(sim.Scenario.model_fields) | {"extends", "loaded_from"} == top
    defs = schema["$defs"]
    for name in ("Country", "Hub", "Phase", "Maintenance", "UsBackstop"):
        model = getattr(sim.scenario, name)
        assert set(model.model_fields) <= set(defs[name]["properties"]), name
