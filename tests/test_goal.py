"""`goal`: bisection under common random numbers against a brute-force grid and closed forms."""

from __future__ import annotations

import copy
import json
import math

import pytest
import yaml
from typer.testing import CliRunner

from sim.audit.goal import Evaluation, Target, bisect, evaluator, grid, parse_target
from sim.audit.metric import Metric
from sim.catalog import Catalog
from sim.cli import app

from .conftest import BASE

runner = CliRunner()

# Sky only, one country in place on day 0 without relief; every factor 1 and the US provides every
# enabler: each aircraft holds one orbit, so mean coverage is exactly min(1, aircraft / 10).
SKY = copy.deepcopy(BASE) | {
    "name": "sky",
    "horizon_days": 40,
    "requirements": {"sky": {"orbits": 10}},
    "countries": [{"name": "A", "rotation": "none", "sky": {"aircraft": 3}}],
}
SKY["parameters"] = copy.deepcopy(BASE["parameters"]) | {
    "sky": {"availability": 1.0, "sorties_per_aircraft_day": 1.0, "on_station_hours": 24.0, "aircraft_per_orbit": 1.0}
}

# Land only, enough troops on day 0 once approved: FOC by day 10 exactly when the approval draw
# u < p, so P(FOC by 10) is the share of the common draws below p.
LAND = copy.deepcopy(BASE) | {
    "name": "land",
    "horizon_days": 20,
    "requirements": {"land": {"troops": 100}},
    "countries": [{"name": "A", "rotation": "none", "land": {"troops": 100}, "approval": {"probability": 0.5}}],
}


def brute_force(values, evaluate):
    """The first value of the grid that meets, evaluating every one."""
    return next((v for v in values if evaluate(v).met), None)


def test_bisection_equals_the_grid_and_the_closed_form_for_a_count():
    target = parse_target("sky:mean_coverage>=0.65")
    evaluate = evaluator(SKY, "sky.yaml", "countries[A].sky.aircraft", target, reps=3, seed=1, catalog=Catalog.load(), integer=True)
    values = grid(0, 16, 1, integer=True)
    result = bisect(values, evaluate, higher_is_better=True)
    assert result.reached and result.answer == brute_force(values, evaluate) == math.ceil(0.65 * 10)
    assert result.estimate == pytest.approx(0.7) and result.low == pytest.approx(0.7) == result.high
    assert result.below.value == 6 and result.below.estimate == pytest.approx(0.6) and not result.below.met
    assert result.evaluations <= math.ceil(math.log2(len(values))) + 2


def test_whole_steps_for_counts():
    target = parse_target("sky:mean_coverage>=0.65")
    evaluate = evaluator(SKY, "sky.yaml", "countries[A].sky.aircraft", target, reps=2, seed=1, catalog=Catalog.load(), integer=True)
    values = grid(0, 16, 4, integer=True)
    assert values == [0, 4, 8, 12, 16]
    result = bisect(values, evaluate, higher_is_better=True)
    assert result.answer == 8 and result.below.value == 4


def test_bisection_equals_the_grid_for_a_probability_under_common_random_numbers():
    target = parse_target("land:p_foc_by_10>=0.6")
    reps = 200
    evaluate = evaluator(LAND, "land.yaml", "countries[A].approval.probability", target, reps=reps, seed=7, catalog=Catalog.load(), integer=False)
    values = grid(0.0, 1.0, 0.05, integer=False)
    assert len(values) == 21 and values[-1] == 1.0
    result = bisect(values, evaluate, higher_is_better=True)
    assert result.answer == brute_force(values, evaluate)
    # closed form: P(FOC by 10) = p; the answer is within sampling error of 0.6
    assert abs(result.answer - 0.6) <= 3 * math.sqrt(0.6 * 0.4 / reps) + 0.05
    assert result.low <= result.estimate <= result.high and result.estimate >= 0.6
    assert result.below.estimate < 0.6


def test_not_reached_reports_the_best_found():
    target = parse_target("sky:mean_coverage>=0.95")
    evaluate = evaluator(SKY, "sky.yaml", "countries[A].sky.aircraft", target, reps=2, seed=1, catalog=Catalog.load(), integer=True)
    result = bisect(grid(0, 8, 1, integer=True), evaluate, higher_is_better=True)
    assert not result.reached and result.answer is None
    assert result.best.value == 8 and result.estimate == pytest.approx(0.8)


def test_less_is_better_and_met_at_low():
    # a metric that falls as the value grows, with a <= target: smallest value where it is low enough
    target = Target("land", Metric("gap_days"), "<=", 5.0)

    def fake(v):
        est = 20.0 - v
        return Evaluation(v, est, est - 1, est + 1, target.met(est))

    values = grid(0, 30, 1, integer=True)
    result = bisect(values, fake, higher_is_better=False)
    assert result.answer == 15 == brute_force(values, fake)
    result = bisect(grid(16, 30, 1, integer=True), fake, higher_is_better=False)
    assert result.answer == 16 and result.below is None


def test_targets_parse_or_say_what_was_expected():
    t = parse_target("sky:p_foc_by_180>=0.8")
    assert (t.component, t.metric.name, t.op, t.value) == ("sky", "p_foc_by_180", ">=", 0.8)
    assert t.words() == "P(sky FOC by day 180) >= 0.8"
    for bad in ("sky:p_foc_by_180>0.8", "sky p_foc_by_180>=0.8", "sky:foc_soon>=1"):
        with pytest.raises(ValueError):
            parse_target(bad)


def test_goal_command_writes_goal_json_and_a_sentence(tmp_path):
    scn = tmp_path / "sky.yaml"
    scn.write_text(yaml.safe_dump(SKY))
    out = tmp_path / "g"
    r = runner.invoke(
        app,
        ["goal", str(scn), "--vary", "countries[A].sky.aircraft", "--low", "0", "--high", "16",
         "--target", "sky:mean_coverage>=0.65", "--reps", "2", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    g = json.loads((out / "goal.json").read_text())
    assert g["answer"] == 7 and g["reached"] is True and g["below"]["value"] == 6
    assert {"estimate", "low", "high", "evaluations"} <= set(g)
    assert "A needs 7 aircraft for mean sky coverage >= 0.65: estimate 0.70 [0.70, 0.70]" in r.output
    r = runner.invoke(app, ["report", str(out)])  # the page of a real goal folder, not a hand-made one
    assert r.exit_code == 0, r.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>answer</td><td>7</td>" in html and "<td>target.value</td><td>0.65</td>" in html
    assert "A needs 7 aircraft for mean sky coverage &gt;= 0.65" in html.split('id="results"')[0]  # a finding
    tried = html.split("<code>goal.json#history</code>")[1].split("</table>")[0]
    assert tried.count("<tr") == 1 + g["evaluations"] and tried.count(">yes<") == sum(h["met"] for h in g["history"])


def test_goal_bad_input_is_one_line_each(tmp_path):
    scn = tmp_path / "sky.yaml"
    scn.write_text(yaml.safe_dump(SKY))
    r = runner.invoke(app, ["goal", str(scn), "--vary", "countries[Narnia].sky.aircraft", "--low", "0", "--high", "4", "--target", "sky:mean_coverage>=0.5"])
    assert r.exit_code == 2 and "--vary" in r.output and "Narnia" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["goal", str(scn), "--vary", "countries[A].sky.aircraft", "--low", "5", "--high", "4", "--target", "land:mean_coverage>0.5"])
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert any(line.startswith("--target:") for line in lines) and any(line.startswith("--low/--high:") for line in lines)
