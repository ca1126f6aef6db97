"""Levers as pure edits: a function from a scenario to the same scenario with one cause removed.

Each lever removes one cause of the shortfall (``docs/model.md``, "Why
coverage falls short") from the whole run, so the simulation can show what the
daily split cannot: effects that run through phase gates, hub queues,
decisions and time. An edit returns ``None`` where it cannot change this
scenario (nothing to remove); such a lever is reported, not run.

========================  ==============================================================
``all_approve``           every country's approval probability 1 (delays as written)
``approve[NAME]``         that country's approval probability 1
``no_moving``             moves take no time (every country's ``deploy_days`` 0)
``no_hub_queues``         transit hubs without a limit on throughput
``no_maintenance``        nothing fails: no failure model, availability 1
``no_rotation_gaps``      rotation pools large enough that a relief is always ready
``no_montreux``           the Montreux rules off (every ship counts)
``all_enablers``          the US provides every enabler, at every level
``no_withdrawals``        no withdrawal events
``no_surges``             no violation surges
``all_phases_open``       every component opens on day 0
========================  ==============================================================

A country's ``requires_backstop`` is a condition, not an approval draw: ``approve[NAME]`` does
not lift it (raising the backstop is the US's lever, not the country's).
"""

from __future__ import annotations

import math
import re
from typing import Callable, Optional

from ..distributions import ZERO
from ..scenario import Rotation, Scenario

Edit = Callable[[Scenario], Optional[Scenario]]

UNLIMITED_THROUGHPUT = 1e12
"""People per day through a hub without a limit: no queue can form at any size of contingent."""

_APPROVE = re.compile(r"^approve\[(.+)\]$")


def _changed(before: Scenario, after: Scenario) -> Optional[Scenario]:
    return None if after == before else after


def all_approve(scn: Scenario) -> Optional[Scenario]:
    """Every country approves for sure; approval delays stay as written."""
    countries = [c.model_copy(update={"approval": c.approval.model_copy(update={"probability": 1.0})})
                 for c in scn.countries]
    return _changed(scn, scn.model_copy(update={"countries": countries}))


def approve(name: str) -> Edit:
    """The lever ``approve[name]``: that country approves for sure."""

    def edit(scn: Scenario) -> Optional[Scenario]:
        countries = [c.model_copy(update={"approval": c.approval.model_copy(update={"probability": 1.0})})
                     if c.name == name else c for c in scn.countries]
        return _changed(scn, scn.model_copy(update={"countries": countries}))

    edit.__name__ = f"approve[{name}]"
    return edit


def no_moving(scn: Scenario) -> Optional[Scenario]:
    """Moves take no time: every country's deployment time is zero (reinforcements too)."""
    countries = [c.model_copy(update={"deploy_days": ZERO}) for c in scn.countries]
    return _changed(scn, scn.model_copy(update={"countries": countries}))


def no_hub_queues(scn: Scenario) -> Optional[Scenario]:
    """Transit hubs pass everyone at once (closures stay)."""
    if scn.transit is None or not scn.transit.hubs:
        return None
    hubs = [h.model_copy(update={"throughput_per_day": UNLIMITED_THROUGHPUT}) for h in scn.transit.hubs]
    return _changed(scn, scn.model_copy(update={"transit": scn.transit.model_copy(update={"hubs": hubs})}))


def no_maintenance(scn: Scenario) -> Optional[Scenario]:
    """Nothing fails: no failure and repair model, and every unit in place available."""
    p = scn.parameters
    params = p.model_copy(update={
        "sky": p.sky.model_copy(update={"availability": 1.0}),
        "sea": p.sea.model_copy(update={"availability": 1.0}),
        "land": p.land.model_copy(update={"availability": 1.0}),
    })
    used = [c for c in scn.components if c in ("sky", "sea", "land")]
    if not scn.maintenance and all(getattr(p, c).availability == 1.0 for c in used):
        return None
    return _changed(scn, scn.model_copy(update={"maintenance": {}, "parameters": params}))


def no_rotation_gaps(scn: Scenario) -> Optional[Scenario]:
    """Rotation pools large enough that a relief is always ready when a tour ends.

    A pool of ``ratio`` units has ``ratio - 1`` at home at the start, and each tour uses at most
    one: a pool of ``horizon / tour + 2`` never runs dry within the horizon, whatever the moves
    and dwell times drawn. Tours stay as long as written; who rotates stays as it was.
    """
    H = scn.horizon_days

    def enough(tour: float) -> int:
        return int(math.ceil(H / tour)) + 2

    p = scn.parameters
    default = {comp: pol.model_copy(update={"ratio": max(pol.ratio, enough(pol.tour_days))})
               for comp, pol in p.rotation.default.items()}
    countries = []
    for c in scn.countries:
        if isinstance(c.rotation, Rotation):
            ratio = c.rotation.ratio
            if ratio is None or ratio < enough(c.rotation.tour_days):
                c = c.model_copy(update={"rotation": Rotation(tour_days=c.rotation.tour_days,
                                                              ratio=enough(c.rotation.tour_days))})
        countries.append(c)
    params = p.model_copy(update={"rotation": p.rotation.model_copy(update={"default": default})})
    return _changed(scn, scn.model_copy(update={"countries": countries, "parameters": params}))


def no_montreux(scn: Scenario) -> Optional[Scenario]:
    """The Montreux rules off: every ship counts in the Black Sea."""
    m = scn.parameters.montreux
    if "sea" not in scn.components or not m.enabled:
        return None
    params = scn.parameters.model_copy(update={"montreux": m.model_copy(update={"enabled": False})})
    return _changed(scn, scn.model_copy(update={"parameters": params}))


def all_enablers(scn: Scenario) -> Optional[Scenario]:
    """The US provides every enabler from day 0, whatever its level (willingness stays as it was)."""
    everything = tuple(scn.parameters.enablers)
    ladder = scn.us_backstop.ladder
    levels = [scn.us_backstop.level] + [e.level for e in scn.events if e.type == "backstop"]
    if all(set(everything) <= ladder.enablers_at(lv) for lv in levels):
        return None
    adds = {lv: (everything if i == 0 else ()) for i, lv in enumerate(_levels())}
    backstop = scn.us_backstop.model_copy(update={"adds": adds})
    return _changed(scn, scn.model_copy(update={"us_backstop": backstop}))


def _levels() -> tuple[str, ...]:
    from ..vocabulary import LEVELS

    return tuple(LEVELS)


def _without_events(kind: str) -> Edit:
    def edit(scn: Scenario) -> Optional[Scenario]:
        return _changed(scn, scn.model_copy(update={"events": [e for e in scn.events if e.type != kind]}))

    return edit


no_withdrawals = _without_events("withdraw")
no_withdrawals.__doc__ = "No withdrawal events (named or random)."
no_surges = _without_events("violations")
no_surges.__doc__ = "No violation surges."


def all_phases_open(scn: Scenario) -> Optional[Scenario]:
    """Every component opens on day 0."""
    return _changed(scn, scn.model_copy(update={"phases": {}}))


CAUSE_LEVERS: dict[str, Edit] = {
    "all_approve": all_approve,
    "no_moving": no_moving,
    "no_hub_queues": no_hub_queues,
    "no_maintenance": no_maintenance,
    "no_rotation_gaps": no_rotation_gaps,
    "no_montreux": no_montreux,
    "all_enablers": all_enablers,
    "no_withdrawals": no_withdrawals,
    "no_surges": no_surges,
    "all_phases_open": all_phases_open,
}
"""The levers every scenario has, in the order they are listed (per-country levers follow)."""


def lever_names(scn: Scenario) -> list[str]:
    """Every lever of ``scn``: the cause levers, then ``approve[NAME]`` for each country."""
    return list(CAUSE_LEVERS) + [f"approve[{c.name}]" for c in scn.countries]


def lever(name: str, scn: Scenario) -> Edit:
    """The edit called ``name`` (raises ``KeyError`` with the names it knows)."""
    if name in CAUSE_LEVERS:
        return CAUSE_LEVERS[name]
    m = _APPROVE.match(name)
    if m and any(c.name == m.group(1) for c in scn.countries):
        return approve(m.group(1))
    raise KeyError(name)


def apply(names, scn: Scenario) -> Optional[Scenario]:
    """``scn`` with every lever of ``names`` applied in turn; ``None`` if together they change nothing.

    A lever that cannot change the scenario at its turn is skipped. The levers edit different
    fields (``all_approve`` and ``approve[NAME]`` the same one, to the same value), so the order
    does not matter.
    """
    out = scn
    for name in names:
        edited = lever(name, scn)(out)
        out = out if edited is None else edited
    return None if out == scn else out
