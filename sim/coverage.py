"""Coverage and its shortfall, day by day, from a replication's daily states.

Coverage of a component is ``min(1, capability / requirement)`` (see
:mod:`sim.effects` for the capability formulas). The shortfall,
``1 - coverage``, is split into causes that add up to it exactly. What each
cause holds back, in capability units:

=============  =========================================================
surge          requirement raised above its base by ceasefire violations
unpledged      base requirement beyond everything pledged
not_approved   pledged by a country that has not approved, or declined
withdrawn      pledged by a country that withdrew
phase_wait     approved, waiting for the component to open
moving         readying, moving, or queued at a transit hub
rotation_gap   tour over, relief not yet arrived
straits        kept out of the Black Sea by the Montreux rules
maintenance    in place but not available (failed or under repair)
enabler        available, but less effective for a missing enabler
=============  =========================================================

Each cause is given its exact Shapley value for the day's coverage function
(:func:`split`): "removing" a cause counts its units as in place (available
unless ``maintenance`` is kept), the unpledged part as pledged and in place,
the enabler as fully provided, or the requirement at its base instead of the
surge. With every cause removed coverage is 1, so the parts add up to
``1 - coverage`` exactly, and no order of causes is assumed: each cause gets
its marginal effect averaged over every order in which the causes could be
removed. Parts are fractions of the day's requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import effects
from .scenario import Scenario
from .shapley import members, shapley
from .model.ledger import spell_out
from .series import DailyStates, daily_levels
from .vocabulary import LEVELS

CAUSES: tuple[str, ...] = (
    "surge",
    "unpledged",
    "not_approved",
    "withdrawn",
    "phase_wait",
    "moving",
    "rotation_gap",
    "straits",
    "maintenance",
    "enabler",
)

_STATE_CAUSES = ("not_approved", "withdrawn", "phase_wait", "moving", "rotation_gap", "straits", "maintenance")


@dataclass
class Daily:
    """Daily series of a batch of replications (components in scenario order)."""

    coverage: np.ndarray  # (R, C, H) in [0, 1]
    shortfall: np.ndarray | None  # (R, C, K, H) fractions of the requirement, summing to 1 - coverage over K
    in_place: np.ndarray  # (R, C, H) units in place, including those in maintenance
    capability: np.ndarray  # (R, C, H) in the requirement's unit


ADDITIVE: tuple[str, ...] = ("unpledged",) + _STATE_CAUSES[:-1]
"""Causes whose removal adds units in place (every state but maintenance, and the unpledged part)."""

CELLS_PER_GAME = 1 << 14
"""Coalition values evaluated at once (2**k x cells): temporaries stay small (no fresh pages per step)."""


def split(req: np.ndarray, base: np.ndarray, in_place: np.ndarray, repairing: np.ndarray,
          held: dict[str, np.ndarray], availability: float, factor: np.ndarray,
          out: np.ndarray | None = None, sums: np.ndarray | None = None) -> np.ndarray:
    """Shapley split of ``1 - coverage`` into :data:`CAUSES` for cells (replication-days), flat arrays.

    Args:
        req: requirement on the cell, surges included.
        base: requirement without surges.
        in_place: capability of the units in place (not under repair), at full availability and
            with every enabler provided.
        repairing: capability of the units under repair, likewise.
        held: for each cause of :data:`ADDITIVE`, the capability of its units.
        availability: share of the units in place that is available while ``maintenance`` stays.
        factor: enabler factor of the cell.
        out: where to write the result (``(len(CAUSES), cells)``), else a new array.
        sums: instead of writing every cell, add each cause's cells summed over replications into
            this ``(len(CAUSES), H)`` array (cells are replication-major, ``H`` days each); the sums
            run over replications in order, as ``np.sum`` over the first axis of the written
            result does, and a cause with no part anywhere adds nothing. Returns ``sums``.

    Returns:
        ``(len(CAUSES), cells)``: each cause's Shapley value in the game whose players are the
        causes and whose value is the coverage with a set of causes removed
        (:func:`coverage_without`). Only the causes present on a cell play (the others are null
        players and get zero), so a cell costs ``2**k`` coverage evaluations for its ``k`` causes.
        Cells with as many causes are evaluated together, and equal cells only once: states
        change on few days, and replications share many states.
    """
    K = len(CAUSES)
    n = req.size
    out = np.empty((K, n)) if out is None and sums is None else out
    rows = {c: held[c] for c in ADDITIVE if held[c].any()}
    if availability == 1.0:  # units in repair are then simply units to add: one more additive cause
        rows["maintenance"] = repairing
        repairing = np.zeros(n)
    inputs = [req, base, in_place, repairing, factor] + list(rows.values())
    # a cell is a function of these inputs alone, and few distinct cells occur (states change on few
    # days, and replications share states): each distinct cell is evaluated once
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for v in inputs:
        new[1:] |= v[1:] != v[:-1]
    at = np.flatnonzero(new)
    runs = np.stack([v[at] for v in inputs])  # (inputs, runs)
    first, distinct = _distinct(runs)
    req, base, in_place, repairing, factor, *amounts = runs[:, first]
    m = first.size
    amount = np.zeros((K, m))  # what removing each cause adds in place
    present = np.zeros((K, m), dtype=bool)
    for cause, row in zip(rows, amounts):
        amount[CAUSES.index(cause)] = row
        np.greater(row, 0.0, out=present[CAUSES.index(cause)])
    if availability < 1.0:
        units = in_place + repairing + sum(amounts)
        present[CAUSES.index("maintenance")] = (repairing > 0) | (units > 0)
    present[CAUSES.index("surge")] = req > base
    present[CAUSES.index("enabler")] = factor < 1.0
    present[:, in_place * availability * factor >= req] = False  # full coverage: nothing to split
    parts = np.zeros((K, m))
    cause = np.zeros((K, m), dtype=np.int64)  # cause[j, c]: index of cell c's j-th cause, causes in order
    ks, cs = np.nonzero(present)
    cause[(np.cumsum(present, axis=0) - 1)[ks, cs], cs] = ks
    players = present.sum(axis=0)
    for k in np.unique(players[players > 0]):
        same = np.flatnonzero(players == k)
        step = max(1, CELLS_PER_GAME >> int(k))
        for lo in range(0, len(same), step):
            c = same[lo : lo + step]
            ck = cause[:k, c]
            values = coverage_without(ck, amount[ck, c], req[c], base[c], in_place[c], repairing[c],
                                      availability, factor[c])
            parts[ck, c] = shapley(values)
    cell = distinct[np.cumsum(new) - 1]
    if sums is not None:
        for k in range(K):
            if present[k].any():
                sums[k] += np.add.reduce(parts[k][cell].reshape(-1, sums.shape[1]), axis=0)
        return sums
    for k in range(K):
        if present[k].any():
            np.take(parts[k], cell, out=out[k], mode="clip")  # "clip": not buffered
        else:
            out[k] = 0.0
    return out


def _distinct(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct columns of a 2-D float array: (index of each one's first copy, which one each column is).

    Columns are told apart by a 64-bit hash of their bits, then checked: should two different
    columns ever share a hash, every column is simply kept as its own.
    """
    h = np.zeros(columns.shape[1], dtype=np.uint64)
    with np.errstate(over="ignore"):
        for row in np.ascontiguousarray(columns).view(np.uint64):
            h = (h ^ row) * np.uint64(0x9E3779B97F4A7C15)
            h ^= h >> np.uint64(29)  # fold the high bits down: whole numbers differ in their high bits only
    first, which = _unique_first(h)
    if not np.array_equal(columns[:, first[which]], columns):
        return np.arange(columns.shape[1]), np.arange(columns.shape[1])
    return first, which


def _unique_first(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(h, return_index=True, return_inverse=True)[1:]`` for a non-empty 1-D array.

    The distinct values in increasing order: where each first occurs, and which one each entry
    is. Sorted with numpy's unstable sort (a few times faster than the stable one ``np.unique``
    needs for ``return_index``); each value's first occurrence is then the least index among its copies.
    """
    order = np.argsort(h)
    ordered = h[order]
    starts = np.empty(h.size, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = np.minimum.reduceat(order, np.flatnonzero(starts))
    which = np.empty(h.size, dtype=np.intp)
    which[order] = np.cumsum(starts) - 1
    return first, which


def coverage_without(cause: np.ndarray, amount: np.ndarray, req, base, in_place, repairing,
                     availability: float, factor) -> np.ndarray:
    """Coverage ``(2**k, cells)`` of cells with every coalition of their ``k`` causes removed.

    ``cause[j, c]`` is the index in :data:`CAUSES` of cell ``c``'s ``j``-th cause (player ``j``)
    and ``amount[j, c]`` the capability its removal puts in place (zero for the surge, the
    enabler and maintenance while units in place are only partly available). Removing
    ``maintenance`` makes every unit in place available; removing ``enabler`` sets the factor
    to 1; removing ``surge`` sets the requirement to its base.
    """
    inside = members(cause.shape[0]).astype(float)  # (2**k, k)
    placed = in_place + inside @ amount
    if availability < 1.0:
        repaired = inside @ (cause == CAUSES.index("maintenance")) > 0
        placed = np.where(repaired, placed + repairing, placed * availability)
    provided = inside @ (cause == CAUSES.index("enabler")) > 0
    calm = inside @ (cause == CAUSES.index("surge")) > 0
    return np.minimum(1.0, placed * np.where(provided, 1.0, factor) / np.where(calm, base, req))


def requirements(base: np.ndarray, comps: tuple[str, ...], surges: list[list]) -> np.ndarray:
    """Daily requirement ``(R, C, H)`` of a batch: :func:`sim.model.shocks.requirement_series` of each
    replication's ``surges``, stacked, with one numpy pass for the whole batch.

    A cell raised by several surges gets their raises added one after the other in the order the
    replication lists them (``np.add.at`` is unbuffered and takes its indices in order), so every
    value is the very float the replication's own series has.
    """
    C, H = base.shape
    req = np.repeat(base[None], len(surges), axis=0)
    listed = [s for each in surges for s in each]
    if not listed:
        return req
    # the days of :func:`sim.model.shocks.surge_days`, for every surge at once (ceil is exact either way)
    comp, start, days, size = zip(*listed)
    start = np.array(start, dtype=float)
    first = np.ceil(start).astype(np.int64)
    end = np.minimum(np.ceil(start + np.array(days, dtype=float)), H).astype(np.int64)
    row = np.repeat(np.arange(len(surges)) * C, [len(each) for each in surges])
    row += np.array([comps.index(c) for c in comp], dtype=np.int64)
    some = first < end
    starts, length, sizes = (row * H + first)[some], (end - first)[some], np.array(size, dtype=float)[some]
    if length.size:
        ends = np.cumsum(length)
        cells = np.repeat(starts - (ends - length), length) + np.arange(ends[-1])
        np.add.at(req.reshape(-1), cells, base.reshape(-1)[cells % (C * H)] * np.repeat(sizes, length))
    return req


def _times(x: np.ndarray, factor: float) -> np.ndarray:
    """``x * factor``; ``x`` itself when the factor is 1 (multiplying by 1.0 changes no float)."""
    return x if factor == 1.0 else x * factor


def evaluate(scenario: Scenario, trace) -> Daily:
    """Daily coverage and shortfall of one replication's trace (arrays without the leading R axis)."""
    d = evaluate_batch(scenario, [trace])
    return Daily(d.coverage[0], d.shortfall[0], d.in_place[0], d.capability[0])


def evaluate_batch(scenario: Scenario, traces: list, split_shortfall: bool = True,
                   totals: np.ndarray | None = None) -> Daily:
    """Daily coverage and shortfall of every component for a batch of traces.

    The replications are stacked on a leading axis so each numpy operation runs once per batch,
    not once per replication.

    Args:
        scenario: the scenario the traces ran.
        traces: the batch's traces.
        split_shortfall: False leaves the shortfall's split out (``Daily.shortfall`` is None): a
            caller that reads coverage alone (sweeps) spares the Shapley split.
        totals: a ``(C, K, H)`` array each cause's shortfall summed over the batch's replications is
            added into (what a run keeps: the mean over replications) instead of handing out every
            replication's; ``Daily.shortfall`` is then None. The sums are those of ``np.sum`` over
            the replications of the handed-out shortfall, to the bit.
    """
    H = scenario.horizon_days
    params = scenario.parameters
    comps = scenario.components
    R = len(traces)
    rows = traces[0].rows
    needed = np.zeros(len(rows), dtype=bool)
    needed[[r for (target, state), r in rows.items() if target in comps or state == "in_place"]] = True
    # the batch's logs end to end, spelled out at once: each trace's entries, in order
    times, row_log, deltas, of_rep = spell_out(np.concatenate([t.log for t in traces]),
                                               np.repeat(np.arange(R), [len(t.log) for t in traces]))
    S = DailyStates(
        times,
        row_log,
        deltas,
        of_rep,
        len(rows),
        R,
        H,
        needed,
    )
    levels = np.stack([daily_levels(t.level_changes, H) for t in traces])
    ladder = scenario.us_backstop.ladder
    by_level = [ladder.enablers_at(lv) for lv in LEVELS]
    provided = {}  # the enablers that act on a component (the others' shares are never read here)
    for name, enabler in params.enablers.items():
        if all(enabler.effects.get(c) is None for c in comps):
            continue
        by_us = np.array([name in by_level[i] for i in range(len(LEVELS))])[levels]
        share = effects.provided_share(name, by_us, S[rows[(name, "in_place")]], params)
        # provided on every day of the batch (most often by the US): the factor's term is 1, and
        # multiplying by the scalar 1.0 gives the same floats as by an array of ones, in one step
        provided[name] = 1.0 if share.min() == 1.0 else share

    base = np.array([scenario.requirements.amount(c) for c in comps])[:, None] * np.ones(H)
    req = requirements(base, comps, [t.surges for t in traces])  # (R, C, H)
    C, K = len(comps), len(CAUSES)
    coverage = np.empty((R, C, H))
    shortfall = None
    if split_shortfall and totals is None:  # handed out as (R, C, K, H)
        shortfall = np.empty((C, K, R, H))
    in_place = np.empty((R, C, H))
    capability = np.empty((R, C, H))
    for i, comp in enumerate(comps):
        u = effects.unit_value(comp, params)
        a = effects.availability(comp, params, comp in scenario.maintenance)
        state = {st: S[rows[(comp, st)]] for st in _STATE_CAUSES + ("in_place",)}
        available = _times(state["in_place"], a)
        factor = np.broadcast_to(effects.component_factor(comp, provided, params), (R, H))
        cap = _times(available, u) * factor
        pledged = _times(sum(state.values()), u)
        held = {c: _times(state[c], u) for c in _STATE_CAUSES if c != "maintenance"}
        held["unpledged"] = np.maximum(0.0, base[i] - pledged)
        coverage[:, i] = np.minimum(1.0, cap / req[:, i])
        if split_shortfall:
            where = {"sums": totals[i]} if totals is not None else {"out": shortfall[i].reshape(K, R * H)}
            split(req[:, i].ravel(), np.broadcast_to(base[i], (R, H)).ravel(), _times(state["in_place"].ravel(), u),
                  _times(state["maintenance"].ravel(), u), {c: v.ravel() for c, v in held.items()}, a,
                  np.ascontiguousarray(factor).ravel(), **where)
        in_place[:, i] = state["in_place"] + state["maintenance"]
        capability[:, i] = cap
    return Daily(coverage=coverage, shortfall=None if shortfall is None else shortfall.transpose(2, 0, 1, 3),
                 in_place=in_place, capability=capability)
