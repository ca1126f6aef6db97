"""benchmarks/identical.py: its hashes are the run's outputs, the same twice, and a difference names what moved."""

from __future__ import annotations

import copy
from pathlib import Path

from tests.benchmark_module import load
from tests.tiny_scenario import SCENARIO

ROOT = Path(__file__).resolve().parent.parent
identical = load("identical")


def test_the_same_tree_hashes_the_same_and_a_changed_input_moves_what_it_changes():
    fewer = copy.deepcopy(SCENARIO)
    fewer["countries"][0]["land"]["troops"] = 1000  # Alpha's troops: land moves, sky does not
    cases = [("tiny", SCENARIO)]
    once = identical.hashes(ROOT, reps=3, seeds=(1,), raw_cases=cases)
    again = identical.hashes(ROOT, reps=3, seeds=(1,), raw_cases=cases)
    changed = identical.hashes(ROOT, reps=3, seeds=(1,), raw_cases=[("tiny", fewer)])
    assert set(once["tiny@1"]) >= {"coverage", "shortfall", "timeline", "run_reps", "withdrawals"}
    assert identical.differences(once, again) == ([], [])
    differ, _ = identical.differences(once, changed)
    assert len(differ) == 1 and differ[0].startswith("tiny@1: ") and "coverage" in differ[0]
    assert "withdrawals" not in differ[0]  # what did not move is not named


def test_a_case_one_side_cannot_read_is_reported_not_compared():
    broken = copy.deepcopy(SCENARIO)
    broken["horizon_days"] = "two years"
    got = identical.hashes(ROOT, reps=2, seeds=(1,), raw_cases=[("odd", broken)])
    assert got["odd"].startswith("not readable: ")
    differ, skipped = identical.differences(got, {"odd@1": {"coverage": "x"}})
    assert differ == [] and len(skipped) == 2


def test_every_library_scenario_and_the_four_variants_are_cases_this_tree_reads():
    import sim

    found = identical.cases(ROOT)
    library = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
    assert [name for name, _ in found] == library + ["stress", "live", "gaps", "stress-failures"]
    for name, raw in found:
        sim.validate(copy.deepcopy(raw), name)  # raises on a variant this tree cannot read
    stress = dict(found)["stress"]
    assert {e["type"] for e in stress["events"]} == {
        "reinforce", "reconsider", "withdraw", "hub_closure", "backstop", "violations"}
