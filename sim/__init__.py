"""coalition-sim: a discrete-event simulator of a coalition reassurance force.

The public API, for notebooks and scripts::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.yaml")
    result = sim.run(scenario, reps=50, seed=1)      # arrays: result.coverage is (reps, components, days)
    sim.write_run(result, "plots/baseline")           # coverage.csv, timeline.csv, summary.json, ...

Nothing here draws random numbers from a hidden generator: every draw comes
from the seed given to :func:`run` (see :mod:`sim.streams`).
"""

from .catalog import Catalog
from .errors import ScenarioError
from .results import summarise, write_run
from .runner import RunResult, rep_metrics, run, run_reps
from .scenario import Scenario, json_schema, load_raw, load_scenario, validate

__all__ = [
    "Catalog",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "json_schema",
    "load_raw",
    "load_scenario",
    "rep_metrics",
    "run",
    "run_reps",
    "summarise",
    "validate",
    "write_run",
]
