"""Which rotation a country's contingent follows, and the relief process itself.

Policy (one rule, documented in ``docs/model.md``):

* a country with ``rotation: {tour_days, ratio}`` uses it for every component it pledges; without
  ``ratio`` it takes the component's default pool;
* a country without ``rotation`` gets the component's default policy
  (``parameters.rotation.default.<component>``: sourced tour length and pool);
* ``rotation: none`` keeps the units in place without relief;
* enabler contingents rotate only with a country's own ``rotation`` (enablers such as tankers and
  ISR fly from bases outside Ukraine and have no default policy).

Relief: a unit serves ``tour_days``; the relief comes from a pool of ``ratio`` units, each of which
needs ``min_dwell_ratio x tour_days`` (and at least the two moves) away from theatre between tours.
Ships of outside navies sail ``parameters.sea.home_transit_days`` each way inside their tour: they
serve ``tour - 2 x transit`` on station and are away ``min_dwell_ratio x tour + 2 x transit``.
Relief overlaps the outgoing unit, so a pool with ``ratio >= 1 + min_dwell_ratio`` leaves no gap; a
smaller pool leaves gaps of ``dwell - (ratio - 1) x tour_days``.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, NamedTuple, Optional

if TYPE_CHECKING:
    from ..scenario import Country, Scenario


class Policy(NamedTuple):
    """A resolved rotation: tours of ``tour_days`` from a pool of ``ratio`` units."""

    tour_days: float
    ratio: int


def policy(scenario: "Scenario", country: "Country", target: str) -> Optional[Policy]:
    """The rotation ``country`` follows for ``target`` (None: never relieved)."""
    own = country.rotation
    if isinstance(own, str):  # "none" (compared as a string: a Rotation's __eq__ is pydantic's, and slow)
        return None
    default = scenario.parameters.rotation.default.get(target)
    if own is not None:
        ratio = own.ratio if own.ratio is not None else (default.ratio if default else 1)
        return Policy(float(own.tour_days), int(ratio))
    if default is None:
        return None
    return Policy(float(default.tour_days), int(default.ratio))


def home_transit_days(params, country: "Country", target: str) -> float:
    """Days a relief ship of ``country`` sails each way between home and station (outside navies only)."""
    if target != "sea" or country.littoral:
        return 0.0
    return params.sea.home_transit_days


def tour_in_place(tour: float, transit: float, dwell_ratio: float, move: float = 0.0) -> tuple[float, float]:
    """Days of a tour spent in place, and days away between two stays in place.

    A tour of ``tour`` days counts the passage out and back (``transit`` each way); the unit then
    needs ``dwell_ratio x tour`` at home, at least its two moves.
    """
    served = max(0.0, tour - 2.0 * transit)
    return served, max(dwell_ratio * tour + 2.0 * transit, 2.0 * move)


def relief_times(tour: float, ratio: int, dwell: float, start: float, horizon: float):
    """Yield ``(end, relief)`` for each tour ending before ``horizon``: when it ends, when the relief is in.

    ``relief > end`` is a gap. Pure arithmetic: the relief process walks through these times.
    """
    ready = deque([float("-inf")] * (ratio - 1))  # when each unit at home can be back in theatre
    end = start + tour
    while end < horizon:
        ready.append(end + dwell)
        back = ready.popleft()
        relief = back if back > end else end  # max(end, back), without the call
        yield end, relief
        end = relief + tour


def gapless(tour: float, ratio: int, dwell: float, start: float, horizon: float) -> bool:
    """Whether every relief :func:`relief_times` yields comes in as its tour ends (``relief <= end``).

    With ``ratio - 1`` units at home, each back ``dwell`` after its tour, the relief is in time when
    ``dwell <= (ratio - 1) x tour``. The tours' ends are sums of floats, so the test keeps a margin
    far above their rounding (``ratio`` roundings of numbers up to ``horizon + tour + dwell``); a
    case inside the margin answers ``False``, and the caller walks the reliefs one by one.
    """
    reach = abs(start) + abs(horizon) + tour + dwell
    return ratio >= 2 and (ratio - 1) * tour - dwell > ratio * reach * 1e-15
