"""coalition-sim: a discrete-event simulator of a coalition reassurance force.

The public API, for notebooks and scripts::

    import sim
    scenario = sim.load_scenario("scenarios/baseline.yaml")
    result = sim.run(scenario, reps=50, seed=1)      # arrays: result.coverage is (reps, components, days)
    sim.write_run(result, "plots/baseline")           # coverage.csv, timeline.csv, summary.json, ...
    sim.plots.draw_run("plots/baseline")              # coverage.png, timeline.png, shortfall.png

Nothing here draws random numbers from a hidden generator: every draw comes
from the seed given to :func:`run` (see :mod:`sim.streams`). The names below
are imported on first use, so ``import sim`` (and ``coalition-sim --help``)
stays as light as its command-line parser; subpackages (``sim.plots``,
``sim.sweep``, ...) are imported on first use too. Type checkers and IDEs see
the same names through the imports under ``TYPE_CHECKING``.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time the names load lazily (below)
    from .catalog import Catalog
    from .errors import ScenarioError
    from .results import summarise, write_run
    from .runner import RunResult, rep_metrics, run, run_reps
    from .scenario import Scenario, json_schema, load_raw, load_scenario, validate

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
    if module is not None:
        value = getattr(import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if not name.startswith("_"):  # a submodule: sim.plots, sim.sweep, sim.output, ...
        try:
            return import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
