"""Phase gates: when a component opens to arriving contingents.

A component opens at a fixed ``start_day``, or ``after`` another component
has held at least a coverage for ``for_days`` without a break. Approved
contingents wait on the gate's event. With no phase, a component opens at
day 0.
"""

from __future__ import annotations

from typing import Callable

import simpy


class Gate:
    """A simpy event that fires once, when the component opens."""

    def __init__(self, env: simpy.Environment, component: str):
        self.env = env
        self.component = component
        self.opened = env.event()
        self.opened_at: float | None = None

    def open(self) -> None:
        """Open now (once)."""
        if self.opened_at is None:
            self.opened_at = self.env.now
            self.opened.succeed()

    def at(self, day: float):
        """A process that opens the gate on ``day``."""
        if day > 0:
            yield self.env.timeout(day)
        self.open()


class Watch:
    """Opens a gate once ``coverage()`` has stayed at or above ``threshold`` for ``for_days``.

    Call :meth:`update` whenever the watched coverage may have changed. A
    drop below the threshold restarts the clock.
    """

    def __init__(self, gate: Gate, coverage: Callable[[], float], threshold: float, for_days: float):
        self.gate = gate
        self.coverage = coverage
        self.threshold = threshold
        self.for_days = for_days
        self.since: float | None = None
        self._token = 0

    @property
    def done(self) -> bool:
        return self.gate.opened_at is not None

    def update(self) -> None:
        if self.done:
            return
        holding = self.coverage() >= self.threshold - 1e-12
        if holding and self.since is None:
            self.since = self.gate.env.now
            if self.for_days == 0:
                self.gate.open()
                return
            self._token += 1
            token = self._token
            timer = self.gate.env.timeout(self.for_days)
            timer.callbacks.append(lambda _ev: self._check(token))
        elif not holding:
            self.since = None
            self._token += 1

    def _check(self, token: int) -> None:
        if token == self._token and self.since is not None and not self.done:
            self.gate.open()
