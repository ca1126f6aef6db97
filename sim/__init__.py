"""coalition-sim: a discrete-event simulator of a coalition reassurance force.

The public API, for notebooks and scripts::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.yaml")
    result = sim.run(scenario, reps=50, seed=1)      # arrays: result.coverage is (reps, components, days)
    sim.write_run(result, "plots/baseline")           # coverage.csv, timeline.csv, summary.json, ...

Nothing here draws random numbers from a hidden generator: every draw comes
from the seed given to :func:`run` (see :mod:`sim.streams`). The names below
are imported on first use, so ``import sim`` (and ``coalition-sim --help``)
stays as light as its command-line parser.
"""

from importlib import import_module

_API = {
    "Catalog": "catalog",
    "RunResult": "runner",
    "Scenario": "scenario",
    "ScenarioError": "errors",
    "json_schema": "scenario",
    "load_raw": "scenario",
    "load_scenario": "scenario",
    "rep_metrics": "runner",
    "run": "runner",
    "run_reps": "runner",
    "summarise": "results",
    "validate": "scenario",
    "write_run": "results",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
