"""Property: whatever is done to a valid scenario or sweep file, the outcome is a valid load (or a run
of a tiny horizon) or one line per problem naming the file -- never a traceback.

Mutations (hypothesis): values of every type at any key path (numbers huge, negative, infinite, NaN;
strings, booleans, null, lists, mappings), keys deleted, added and renamed, values wrapped in lists
and mappings (nesting), lines duplicated (duplicate keys), bytes inserted or cut, and the text saved
in other encodings with and without a byte-order mark. Most examples go through the loader API with
one catalog; a few through the CLI. Where the loader accepts a document whose keys were changed, the
JSON Schema (``coalition-sim schema``) must accept it too.

Examples are derandomized (the same every run). ``FUZZ_SCALE=20 pytest tests/test_fuzz_inputs.py -s``
runs twenty times as many and prints the outcomes.
"""

from __future__ import annotations

import collections
import copy
import math
import os

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.sweep.spec import load_sweep

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
OUTCOMES: collections.Counter = collections.Counter()


def examples(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
    )


SCENARIO = {
    "name": "fuzz",
    "horizon_days": 30,
    "replications": 1,
    "seed": 7,
    "us_backstop": {"level": "logistics", "willingness": {"approval_uplift": 0.3}},
    "requirements": {"sky": {"orbits": 1}, "sea": {"ships": 2}, "land": {"troops": 800}, "regeneration": {"trainees_per_month": 100}},
    "phases": {"regeneration": {"start_day": 0}, "sky": {"start_day": 2},
               "land": {"after": {"component": "regeneration", "coverage": 0.5, "for_days": 3}}},
    "transit": {"hubs": [{"name": "Poland"}, {"name": "Romania", "throughput_per_day": 300}]},
    "maintenance": {"sky": {"mttr_days": 4}},
    "events": [
        {"type": "backstop", "day": 10, "level": "none"},
        {"type": "withdraw", "country": "A", "day": 20},
        {"type": "withdraw", "yearly_probability": 0.1},
        {"type": "reinforce", "country": "A", "day": 5, "component": "land", "amount": 100},
        {"type": "hub_closure", "hub": "Poland", "start_day": 3, "days": 4},
        {"type": "violations", "rate_per_year": 4, "component": "land", "surge": 0.2, "days": 5},
    ],
    "parameters": {"sky": {"sorties_per_aircraft_day": 1.5}, "coverage": {"ioc": 0.4}},
    "countries": [
        {"name": "A", "approval": {"probability": 0.9, "delay_days": {"dist": "triangular", "low": 1, "mode": 2, "high": 4}},
         "deploy_days": 3, "land": {"troops": 600}, "sky": {"aircraft": 8}, "regeneration": {"trainers": 20},
         "rotation": {"tour_days": 15, "ratio": 2}, "enablers": {"tanker": 1}, "via": ["Poland", "Romania"]},
        {"ref": "France", "sea": {"ships": 1}},
        {"name": "B", "littoral": True, "sea": {"ships": 2, "tonnage": 900}, "rotation": "none",
         "deploy_days": {"dist": "lognormal", "median": 3, "sigma": 0.4}},
    ],
}

CHILD = {
    "extends": "base.yaml",
    "name": "child",
    "us_backstop": {"level": "guarantee"},
    "phases": {"sky": {"after": {"component": "land", "coverage": 0.3}}},
    "countries": [{"name": "A", "land": {"troops": 700}}, {"name": "B", "drop": True}, {"ref": "Germany"}],
}

SWEEP = {
    "base": "base.yaml",
    "replications": 1,
    "seed": 3,
    "design": "grid",
    "parameters": {"us_backstop.level": ["none", "guarantee"], "countries[A].land.troops": [100, 900]},
    "coalition": {"leave_one_out": ["B"]},
}

WORDS = ["sky", "sea", "land", "regeneration", "none", "guarantee", "logistics", "France", "Poland", "A", "B",
         "fixed", "uniform", "triangular", "lognormal", "withdraw", "backstop", "reinforce", "hub_closure",
         "violations", "name", "ref", "drop", "dist", "days", "after", "start_day", "tanker", "grid", "lhs",
         "base.yaml", "child.yaml", "countries[A].land.troops", "horizon_days", "extends", ""]
KEYS = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=6))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 40), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -0.0, 5e-324, 10**40]), st.sampled_from(WORDS),
    st.text(max_size=8),
)
VALUES = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(KEYS, kids, max_size=3), max_leaves=6)
# moderate values only, for documents that are also run: absurd rates are a memory estimate's business
MODERATE = st.one_of(st.integers(0, 3000), st.floats(0.05, 3000), st.sampled_from(WORDS), st.booleans(), st.none())


def locations(node, path=()):
    """Every (path, node) of a document, the root first."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from locations(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from locations(v, (*path, i))


def at(doc, path):
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw, document: dict, values=VALUES, kinds=("set", "delete", "add", "rename", "wrap")):
    """``document`` after 1-3 mutations; also says whether only keys were changed."""
    doc = copy.deepcopy(document)
    only_keys = True
    for _ in range(draw(st.integers(1, 3))):
        spots = list(locations(doc))
        path, node = spots[draw(st.integers(0, len(spots) - 1))]
        kind = draw(st.sampled_from(kinds))
        parent = at(doc, path[:-1]) if path else None
        if kind == "set" and path:
            parent[path[-1]] = draw(values)
            only_keys = False
        elif kind == "delete" and path:
            del parent[path[-1]]
        elif kind == "add" and isinstance(node, dict):
            node[draw(KEYS)] = draw(values)
        elif kind == "add" and isinstance(node, list):
            node.insert(draw(st.integers(0, len(node))), draw(values))
            only_keys = False
        elif kind == "rename" and path and isinstance(parent, dict):
            parent[draw(KEYS)] = parent.pop(path[-1])
        elif kind == "wrap" and path:
            parent[path[-1]] = draw(st.sampled_from([[node], {draw(KEYS): node}]))
            only_keys = False
    return doc, only_keys


def dump(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "ascii"]


@st.composite
def damaged_bytes(draw, text: str) -> bytes:
    """``text`` as bytes in some encoding, perhaps with a line repeated and bytes inserted or cut."""
    lines = text.splitlines(keepends=True)
    if lines and draw(st.booleans()):
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(draw(st.integers(0, len(lines))), lines[i])  # a duplicated line: often a duplicate key
    text = "".join(lines)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    for _ in range(draw(st.integers(0, 2))):
        pos = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "cut", "truncate"]))
        if action == "insert":
            data = data[:pos] + draw(st.binary(min_size=1, max_size=4)) + data[pos:]
        elif action == "cut":
            data = data[:pos] + data[pos + draw(st.integers(1, 4)):]
        else:
            data = data[:pos]
    return data


def check_problems(exc: sim.ScenarioError, file: str, *others: str) -> None:
    assert exc.problems, "an error with no problem"
    for line in exc.problems:
        assert "\n" not in line and line.strip(), line
        assert line.startswith((file, *others)), (line, file)


@pytest.fixture(scope="module")
def catalog():
    return sim.Catalog.load()


@pytest.fixture(scope="module")
def schema():
    return jsonschema.Draft202012Validator(sim.json_schema())


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    (d / "base.yaml").write_text(dump(SCENARIO), encoding="utf-8")
    return d


def test_the_documents_are_valid(folder, catalog):
    sim.validate(copy.deepcopy(SCENARIO), "fuzz.yaml", catalog)
    (folder / "child.yaml").write_text(dump(CHILD))
    sim.load_scenario(folder / "child.yaml", catalog)
    (folder / "sweep.yaml").write_text(dump(SWEEP))
    assert len(load_sweep(folder / "sweep.yaml").points) == 8


@examples(1200)
@given(case=mutated(SCENARIO))
def test_mutated_scenarios_load_or_say_what_is_wrong(case, catalog, schema):
    doc, only_keys = case
    try:
        scn = sim.validate(copy.deepcopy(doc), "fuzz.yaml", catalog)
    except sim.ScenarioError as exc:
        check_problems(exc, "fuzz.yaml")
        OUTCOMES["scenario: one line per problem"] += 1
        return
    OUTCOMES["scenario: valid"] += 1
    assert isinstance(scn, sim.Scenario)
    if only_keys:  # a key the loader accepts is one the schema describes
        errors = [e.message for e in schema.iter_errors(doc)]
        assert not errors, errors


@examples(80)
@given(case=mutated(SCENARIO, values=MODERATE, kinds=("set", "delete", "add")))
def test_mutated_scenarios_that_load_run_a_tiny_horizon(case, catalog):
    doc, _ = case
    try:
        scn = sim.validate(copy.deepcopy(doc), "fuzz.yaml", catalog)
    except sim.ScenarioError as exc:
        check_problems(exc, "fuzz.yaml")
        OUTCOMES["run: rejected"] += 1
        return
    tiny = sim.validate(copy.deepcopy(doc) | {"horizon_days": min(scn.horizon_days, 15)}, "fuzz.yaml", catalog)
    result = sim.run(tiny, reps=1)
    assert result.coverage.shape == (1, len(tiny.components), tiny.horizon_days)
    assert ((result.coverage >= 0) & (result.coverage <= 1.0 + 1e-9)).all()
    OUTCOMES["run: ran"] += 1


@examples(400)
@given(data=st.data())
def test_damaged_files_load_or_say_what_is_wrong(data, folder, catalog):
    doc, _ = data.draw(mutated(CHILD if data.draw(st.booleans()) else SCENARIO))
    path = folder / "damaged.yaml"
    path.write_bytes(data.draw(damaged_bytes(dump(doc))))
    try:
        sim.load_scenario(path, catalog)
        OUTCOMES["file: valid"] += 1
    except sim.ScenarioError as exc:
        check_problems(exc, str(path), str(folder / "base.yaml"))
        OUTCOMES["file: one line per problem"] += 1


@examples(150)
@given(data=st.data())
def test_mutated_sweeps_load_or_say_what_is_wrong(data, folder, catalog):
    doc, _ = data.draw(mutated(SWEEP))
    path = folder / "sweep-fuzz.yaml"
    raw = dump(doc)
    path.write_bytes(data.draw(damaged_bytes(raw)) if data.draw(st.integers(0, 4)) == 0 else raw.encode())
    try:
        sweep = load_sweep(path, catalog=catalog)
    except sim.ScenarioError as exc:
        check_problems(exc, str(path), str(folder / "base.yaml"), str(folder))
        OUTCOMES["sweep: one line per problem"] += 1
        return
    assert sweep.points and len(sweep.scenarios) == len(sweep.points)
    OUTCOMES["sweep: valid"] += 1


@examples(30)
@given(data=st.data())
def test_through_the_command_line_exit_0_or_2_never_a_traceback(data, folder):
    doc, _ = data.draw(mutated(SCENARIO if data.draw(st.booleans()) else CHILD))
    path = folder / "cli.yaml"
    text = dump(doc)
    path.write_bytes(data.draw(damaged_bytes(text)) if data.draw(st.booleans()) else text.encode())
    sets = data.draw(st.lists(st.sampled_from(["seed=4", "horizon_days=x", "countries[A].land.troops=9",
                                               "countries[Zed].land.troops=1", "a..b=1", "us_backstop.level=none"]),
                              max_size=2))
    result = CliRunner().invoke(app, ["validate", str(path), *(a for s in sets for a in ("--set", s))])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert lines and all(line.startswith((str(path), str(folder / "base.yaml"))) for line in lines), lines
    OUTCOMES[f"cli: exit {result.exit_code}"] += 1


def test_zz_outcomes():
    """Print how the examples ended (``-s``); each property above must have met both outcomes."""
    print("\nfuzz outcomes:", dict(sorted(OUTCOMES.items())), "total", sum(OUTCOMES.values()))
    if OUTCOMES:
        assert OUTCOMES["scenario: valid"] and OUTCOMES["scenario: one line per problem"]
        assert OUTCOMES["file: one line per problem"]
