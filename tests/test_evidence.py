"""The evidence base: every default traced to a source, the provenance commands, the scenario library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim.catalog import Catalog
from sim.cli import app
from sim.provenance import UnknownQuery, check_provenance, explain
from sim.vocabulary import LEVELS

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
runner = CliRunner()


# --- every default has a source or an assumption -------------------------------------------------


def test_every_default_is_traced():
    assert check_provenance(Catalog.load()) == []


@pytest.fixture
def seeds_copy(tmp_path):
    """A private copy of seeds/ and a function to edit one of its files as YAML."""
    folder = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", folder)

    def edit(name, change):
        path = folder / name
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    return folder, edit


def country(data, name):
    return next(c for c in data["countries"] if c["name"] == name)


def test_a_country_field_without_provenance_is_caught(seeds_copy):
    folder, edit = seeds_copy
    edit("countries.yaml", lambda d: country(d, "France")["provenance"].pop("land.troops"))
    assert check_provenance(Catalog.load(folder)) == [
        "seeds/countries.yaml: France.land.troops: expected a provenance entry (source ids or assumption:)"
    ]


def test_a_prefix_key_covers_its_fields_and_the_most_specific_key_wins(seeds_copy):
    folder, edit = seeds_copy

    def change(d):
        prov = country(d, "United Kingdom")["provenance"]
        prov["sky"] = prov.pop("sky.aircraft")  # a prefix covers sky.aircraft
        prov["rotation.ratio"] = ["no-such-source"]  # more specific than `rotation`: this one is checked

    edit("countries.yaml", change)
    assert check_provenance(Catalog.load(folder)) == [
        "seeds/countries.yaml: United Kingdom.provenance.rotation.ratio: cites unknown source id 'no-such-source'"
    ]


def test_an_unknown_source_id_is_caught_everywhere(seeds_copy):
    folder, edit = seeds_copy
    edit("countries.yaml", lambda d: country(d, "Turkey")["provenance"].update({"stance": ["seed-000", "fake-2099"]}))
    edit("backstop.yaml", lambda d: d["levels"][0].update({"provenance": ["seed-003", "fake-2099"]}))
    edit("parameters.yaml", lambda d: d["sky"]["availability"].update({"sources": ["fake-2099"]}))
    problems = check_provenance(Catalog.load(folder))
    assert problems == [
        "seeds/countries.yaml: Turkey.provenance.stance: cites unknown source id 'fake-2099'",
        "seeds/backstop.yaml: none.provenance: cites unknown source id 'fake-2099'",
        "seeds/parameters.yaml: sky.availability: cites unknown source id 'fake-2099'",
    ]


def test_a_parameter_without_sources_or_assumption_is_caught(seeds_copy):
    folder, edit = seeds_copy

    def change(d):
        d["sky"]["availability"] = {"value": 0.8}  # no sources, no assumption
        d["sea"]["ship_tonnage"] = 3500  # not even a {value: ...} leaf
        d["land"]["availability"]["assumption"] = "  "  # an empty reason

    edit("parameters.yaml", change)
    assert check_provenance(Catalog.load(folder)) == [
        "seeds/parameters.yaml: sea.ship_tonnage: expected {value: X, sources: [ids]} or {value: X, assumption: why}",
        "seeds/parameters.yaml: sky.availability: expected source ids or an assumption: note saying why",
        "seeds/parameters.yaml: land.availability: expected source ids or an assumption: note saying why",
    ]


def test_a_backstop_field_without_provenance_and_a_stale_key_are_caught(seeds_copy):
    folder, edit = seeds_copy

    def change(d):
        guarantee = next(lv for lv in d["levels"] if lv["name"] == "guarantee")
        guarantee["provenance"].pop("willingness.contingent_factor")
        guarantee["provenance"]["willingness.speed"] = {"assumption": "a field that does not exist"}

    edit("backstop.yaml", change)
    assert check_provenance(Catalog.load(folder)) == [
        "seeds/backstop.yaml: guarantee.willingness.contingent_factor: expected a provenance entry (source ids or assumption:)",
        "seeds/backstop.yaml: guarantee.provenance.willingness.speed: names no field of the entry",
    ]


# --- where a number comes from ------------------------------------------------------------------------


def test_explain_answers_each_kind_of_query():
    catalog = Catalog.load()
    france = explain(catalog, "fRaNcE")
    assert "land.troops = 7500" in france and "lemonde-2026-01" in france and "Le Monde" in france
    assert explain(catalog, "France land.troops").splitlines()[1] == "  land.troops = 7500"
    assert "Türkiye" in explain(catalog, "Türkiye")
    sky = explain(catalog, "sky.availability")
    assert "sky.availability = 0.8" in sky and "mc-rates" in sky
    tanker = explain(catalog, "parameters.enablers.tanker")
    assert "enablers.tanker.need" in tanker and "enablers.tanker.effects.sky" in tanker
    assert "approval_uplift = 0.5" in explain(catalog, "guarantee")
    seed = explain(catalog, "seed-000")
    assert "Babel" in seed and "cited by:" in seed and "France.stance" in seed


def test_explain_rejects_what_the_catalog_does_not_hold():
    with pytest.raises(UnknownQuery, match="did you mean sky.availability"):
        explain(Catalog.load(), "sky.availabilty")


def test_cli_sources_lists_every_source():
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0, result.output
    catalog = Catalog.load()
    for sid in catalog.sources:
        assert f"  {sid}  " in result.stdout


@pytest.mark.parametrize(
    "query, expected",
    [
        (["France"], ["France: ready", "land.troops = 7500", "wapo-2025-02  Washington Post, 2025-02"]),
        (["sky.availability"], ["sky.availability = 0.8", "mc-rates  GAO (2023)"]),
        (["United", "Kingdom"], ["United Kingdom: ready", "regeneration.trainers = 1389", "interflex"]),
        (["enablers.tanker"], ["enablers.tanker.need = 4"]),
        (["guarantee"], ["US backstop level guarantee"]),
        (["montreux-convention"], ["Montreux", "cited by:"]),
    ],
)
def test_cli_sources_answers_a_query(query, expected):
    result = runner.invoke(app, ["sources", *query])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.stdout


def test_cli_sources_unknown_query_is_one_line_and_exit_2():
    result = runner.invoke(app, ["sources", "Atlantis"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown 'Atlantis'" in result.stderr


def test_cli_countries_is_the_catalog_as_a_table():
    result = runner.invoke(app, ["countries"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["country", "stance", "conditions"]
    for name in Catalog.load().countries:
        assert any(line.startswith(name + " ") for line in lines), name
    bulgaria = next(line for line in lines if line.startswith("Bulgaria "))
    assert "declines" in bulgaria
    assert "transit_only" in next(line for line in lines if line.startswith("Romania "))


# --- the scenario library ------------------------------------------------------------------------------

LIBRARY = {
    "baseline",
    "us-none",
    "us-guarantee",
    "uk-france-only",
    "broad-coalition",
    "regeneration-first",
    "sky-sea-first",
    "romania-transit-denied",
    "turkey-joins",
    "straits-closed",
    "backstop-downgrade",
}


def test_the_library_has_every_scenario_the_sources_ask_for():
    assert LIBRARY <= {p.stem for p in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_each_scenario_says_its_question_and_validates(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# Question: ") and len(first) > len("# Question: ") + 20
    scenario = sim.load_scenario(path)
    assert scenario.name == path.stem
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output


# --- a run says which defaults it used -----------------------------------------------------------------


def test_summary_lists_the_defaults_used_with_their_sources(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(
        "name: small\nhorizon_days: 30\nreplications: 2\nseed: 3\n"
        "requirements: {sky: {orbits: 1}, land: {troops: 1000}}\n"
        "parameters: {sky: {availability: 0.7}}\n"
        "countries:\n  - ref: France\n"
    )
    result = sim.run(sim.load_scenario(path))
    used = sim.summarise(result, scenario_file=path)["defaults_used"]
    params = used["parameters"]
    assert params["sky.on_station_hours"]["sources"] == ["rafale-libya-2011"]
    assert "assumption" in params["land.availability"]
    assert "sky.availability" not in params  # the scenario set it, so no default was used
    catalog = Catalog.load()
    for prov in params.values():
        assert set(prov.get("sources", [])) <= set(catalog.sources)
        assert prov.get("sources") or prov.get("assumption")
    troops = used["countries"]["France"]["land.troops"]  # a mapping since it gives the range its sources report
    assert troops["sources"] == ["lemonde-2026-01", "wapo-2025-02", "times-2025-04-30", "times-2026-01"]
    assert troops["range"] == [5000, 10000]
    assert set(used["backstop"]) == set(LEVELS)
