"""The Montreux Convention for warships of non-Black-Sea (non-littoral) states.

Three rules, each a parameter under ``parameters.montreux`` with its source:

* a non-littoral warship stays at most ``max_stay_days`` (21) in the Black Sea, then leaves;
  ``transit_days`` each way between the straits and station count inside, and it waits
  ``port_days`` outside before it may re-enter;
* the aggregate tonnage of non-littoral warships inside is capped (``tonnage_cap``): a
  :class:`simpy.Container` holds the free tonnage and a group enters only when its tonnage fits
  (where everything the scenario could send fits under the cap, the container is skipped: it
  could never make a group wait);
* the straits can be closed to warships (``straits_closed``, as under Article 19 since 2022):
  non-littoral ships then never enter and contribute nothing.

A country's ships move as one group. Outside the Black Sea they are in the ``straits`` state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scenario import Country
    from .contingent import Contingent
    from .replication import World


def montreux_cycle(world: "World", c: "Contingent", country: "Country"):
    """Enter, stay, leave and re-enter for as long as the contingent serves."""
    env, rules = world.env, world.params.montreux
    tonnage = c.amount * (country.sea.tonnage or world.params.sea.ship_tonnage)
    c.move(world, "in_place", "straits")
    if rules.straits_closed or tonnage > rules.tonnage_cap:
        return
    on_station = max(0.0, rules.max_stay_days - 2 * rules.transit_days)
    if world.plan.tonnage_cap_binds:
        yield from _capped_cycle(world, c, tonnage, on_station)
    else:
        yield from _free_cycle(world, c, on_station)


def _capped_cycle(world: "World", c: "Contingent", tonnage: float, on_station: float):
    """Enter when the tonnage fits, stay, leave, wait in port; the tonnage is held while inside."""
    env, rules = world.env, world.params.montreux
    while True:
        request = world.black_sea_tonnage.get(tonnage)
        try:
            yield request
        except BaseException:
            if request.triggered:
                world.black_sea_tonnage.put(tonnage)
            else:
                request.cancel()
            raise
        entered = env.now
        try:
            if rules.transit_days:
                yield env.timeout(rules.transit_days)
            c.move(world, "straits", "in_place")
            yield env.timeout(on_station)
            c.move(world, "in_place", "straits")
            if rules.transit_days:
                yield env.timeout(rules.transit_days)
        finally:
            world.black_sea_tonnage.put(tonnage)
            world.black_sea_log.append((c.country, entered, env.now))
        if rules.port_days:
            yield env.timeout(rules.port_days)


def _free_cycle(world: "World", c: "Contingent", on_station: float):
    """The same cycle where the cap can never bind: wake only to arrive on and leave station.

    The way out, the port call and the way back in are one wait; the log still records when
    the group entered and left the Black Sea.
    """
    env, rules = world.env, world.params.montreux
    transit = rules.transit_days
    entered = env.now
    if transit:
        yield env.timeout(transit)
    while True:
        c.move(world, "straits", "in_place")
        try:
            yield env.timeout(on_station)
        except BaseException:
            world.black_sea_log.append((c.country, entered, env.now))
            raise
        c.move(world, "in_place", "straits")
        left = env.now + transit
        try:
            yield env.timeout(2 * transit + rules.port_days)
        except BaseException:
            world.black_sea_log.append((c.country, entered, min(env.now, left)))
            raise
        world.black_sea_log.append((c.country, entered, left))
        entered = left + rules.port_days
