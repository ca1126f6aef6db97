"""Who is in: each country's contingents, its pending decision, its approval and its withdrawal.

The coalition registers the contingents of every country (pledged, or sent later as
reinforcements), keeps each government's pending :class:`~sim.model.decisions.Decision`, and
records who approved and who withdrew. A withdrawal takes every unit of the country out, wherever
it is, at once: a pending decision stops (the country never joins), a hub it hosts closes, each
contingent's process is interrupted, its aircraft or ships stop, and every unit moves to
``withdrawn``. A withdrawal on a day, or at a random time whose rate gives a yearly probability
(:func:`sim.model.shocks.withdrawal_day`), is a process of its own (:meth:`Coalition.withdraw_on`).

It runs on a bare :class:`simpy.Environment` with a :class:`~sim.model.ledger.Ledger` and the
hubs by name; it is the place (a clock and a ledger) its contingents move their units in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import simpy

from .ledger import STATES, Ledger

if TYPE_CHECKING:
    from .contingent import Contingent
    from .decisions import Decision
    from .transit import Hub

ARRIVED = ("in_place", "maintenance", "straits", "rotation_gap")
"""States of a contingent that has arrived (withdrawing from one of them is a departure)."""


class Coalition:
    """The countries' contingents and decisions, approvals and withdrawals, in one replication."""

    def __init__(self, env: simpy.Environment, ledger: Ledger, hubs: Optional[dict[str, "Hub"]] = None):
        self.env = env
        self.ledger = ledger
        self.hubs = hubs if hubs is not None else {}
        self.contingents: list["Contingent"] = []
        self.by_country: dict[str, list["Contingent"]] = {}
        self.deciding: dict[str, "Decision"] = {}
        self.approved: set[str] = set()
        self.withdrawn: dict[str, float] = {}

    def register(self, country: str, contingents: list["Contingent"]) -> None:
        """Add a country's contingents (its pledges, or a reinforcement)."""
        self.contingents.extend(contingents)
        self.by_country.setdefault(country, []).extend(contingents)

    def present(self, country: str) -> bool:
        """Whether ``country`` approved and has not withdrawn."""
        return country in self.approved and country not in self.withdrawn

    def decided(self, country: str, approved: bool) -> None:
        """A country's decision: a hub it hosts opens if it approved (and has not withdrawn)."""
        if approved and country not in self.withdrawn:
            self.approved.add(country)
        hub = self.hubs.get(country)
        if hub is not None:
            hub.host_decides(approved and country not in self.withdrawn)

    def withdraw(self, country: str) -> None:
        """Take every unit of ``country`` out, wherever it is, now (and close a hub it hosts)."""
        if country in self.withdrawn:
            return
        self.withdrawn[country] = self.env.now
        if country in self.hubs:
            self.hubs[country].host_decides(False)
        deciding = self.deciding.get(country)
        if deciding is not None:
            deciding.withdraw()
        for c in self.by_country.get(country, []):
            if c.process is not None and c.process.is_alive:
                c.process.interrupt()
            if c.detachment is not None:
                c.detachment.stop()
            if any(c.where.get(state, 0) > 0 for state in ARRIVED):
                c.departure_day = self.env.now  # it had arrived: it leaves now
            for state in STATES:
                if state != "withdrawn":
                    c.move(self, state, "withdrawn")

    def withdraw_on(self, country: str, day: float):
        """A process: ``country`` withdraws on ``day``."""
        yield self.env.timeout(day)
        self.withdraw(country)

    def withdrawals(self) -> list[tuple[str, float]]:
        """(country, day) of each withdrawal, in time order."""
        return sorted(self.withdrawn.items(), key=lambda kv: kv[1])
