"""sim.ema: coalition-sim as an EMA Workbench model (the experiment runs only where the `ema` extra is installed)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from sim.audit.space import evidence_space
from sim.catalog import Catalog
from sim.ema import CoalitionFunction, outcome_names
from sim.scenario import validate

from .test_audit import LAND


def land_function(reps=3):
    raw = copy.deepcopy(LAND)
    catalog = Catalog.load()
    scn = validate(copy.deepcopy(raw), "land.yaml", catalog)
    factors = tuple(evidence_space(raw, scn, catalog))
    return CoalitionFunction(raw, "land.yaml", factors, reps, 1, ("mean_coverage", "p_foc_by_5"), scn.components, catalog)


def test_the_model_function_gives_the_closed_form():
    """One country holds land from day 0: mean coverage is troops x availability / 1000."""
    f = land_function()
    out = f(**{"countries[A].land.troops": 800, "parameters.land.availability": 0.5, "countries[A].approval.probability": 1.0})
    assert out == {"land_mean_coverage": pytest.approx(0.4), "land_p_foc_by_5": 0.0}
    out = f(**{"countries[A].land.troops": 1000, "parameters.land.availability": 1.0, "countries[A].approval.probability": 1.0})
    assert out == {"land_mean_coverage": pytest.approx(1.0), "land_p_foc_by_5": 1.0}
    assert outcome_names(["sky", "land"], ["mean_coverage"]) == ["sky_mean_coverage", "land_mean_coverage"]


def test_a_tiny_lhs_experiment_and_prim(tmp_path):
    ema = pytest.importorskip("ema_workbench")
    from ema_workbench.analysis import prim

    from sim.ema import coalition_model

    path = tmp_path / "land.yaml"
    path.write_text(yaml.safe_dump(LAND | {"name": "land"}))
    model = coalition_model(path, reps=2, metrics=("mean_coverage",))
    names = [u.name for u in model.uncertainties]
    assert "countries[A].land.troops" in names and "parameters.land.availability" in names
    assert [o.name for o in model.outcomes] == ["land_mean_coverage"]
    experiments, outcomes = ema.perform_experiments(model, scenarios=12, uncertainty_sampling=ema.Samplers.LHS)
    y = outcomes["land_mean_coverage"]
    assert y.shape == (12,) and np.all((0 <= y) & (y <= 1))
    # every experiment ran the values EMA drew: coverage follows troops x availability where approved
    approved = experiments["countries[A].approval.probability"].to_numpy() > 0  # p > 0: some replications approve
    assert approved.all() and np.all(y <= experiments["countries[A].land.troops"].to_numpy() / 1000 + 1e-9)
    # floats: PRIM of ema-workbench 2.5 cannot place a box edge between two integers of an int column
    box = prim.Prim(experiments[names].astype(float), y < np.median(y), threshold=0.5).find_box()
    assert box.coverage > 0
