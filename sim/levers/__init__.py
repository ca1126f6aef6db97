"""Levers: re-simulate a scenario with one cause of its shortfall removed, and measure the gain.

``coalition-sim levers`` (:mod:`sim.levers.cli`). Each lever is a pure edit of
a :class:`~sim.scenario.Scenario` (:mod:`sim.levers.edits`); the edited
scenarios run as points of the sweep engine with common random numbers, so a
lever's gain is a paired difference (:mod:`sim.levers.estimate`). Exact
Shapley values across a few levers come from all their combinations
(:mod:`sim.levers.run`). Nothing heavy is imported here.
"""
