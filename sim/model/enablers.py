"""Enablers in place: the share of each enabler provided at this instant, and what it does to moves and hubs.

An enabler is provided in full while the US level brings it (:class:`sim.model.decisions.Backstop`);
otherwise countries' units in place provide ``in_place / need`` of it, at most all of it. The
deployment and hub factors of :mod:`sim.effects` read these shares when a move starts or a group
enters a hub. The object owns no clock of its own: it reads the backstop and the ledger, so it is
built on a bare :class:`simpy.Environment` with a :class:`Backstop` and a :class:`Ledger`.
"""

from __future__ import annotations

from .. import effects
from .decisions import Backstop
from .ledger import Ledger


class Enablers:
    """The enablers provided now, by the US level and by countries' units in place."""

    def __init__(self, params, backstop: Backstop, ledger: Ledger):
        self.params = params
        self.backstop = backstop
        self.ledger = ledger
        self._need = {name: e.need for name, e in params.enablers.items()}
        self._deploying = tuple(name for name, e in params.enablers.items() if e.deploy_factor != 1.0)
        self._hub = tuple(name for name, e in params.enablers.items() if e.hub_throughput_factor != 1.0)

    def share(self, enabler: str) -> float:
        """Share of ``enabler`` provided now: 1 under the US level, else units in place over the need."""
        if enabler in self.backstop.enablers:
            return 1.0
        return min(1.0, self.ledger.amount(enabler, "in_place") / self._need[enabler])

    def provided(self) -> dict[str, float]:
        """Share of each enabler provided now."""
        return {name: self.share(name) for name in self.params.enablers}

    def deploy_factor(self) -> float:
        """Multiplier on a move starting now (:func:`sim.effects.deploy_factor`)."""
        return effects.deploy_factor({name: self.share(name) for name in self._deploying}, self.params)

    def hub_factor(self) -> float:
        """Multiplier on hub throughput now (:func:`sim.effects.hub_factor`)."""
        return float(effects.hub_factor({name: self.share(name) for name in self._hub}, self.params))
