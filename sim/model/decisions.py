"""The US backstop level as it changes, and each government's decision to send its pledges.

Both are mechanisms that own their state and run on a bare :class:`simpy.Environment`:

* :class:`Backstop` holds the US level, its history and an event that fires at each change.
* :class:`Decision` is one government's decision. It waits its approval delay and compares its
  approval draw (one uniform number) with its approval probability at that moment (raised under a
  US guarantee). If the US level then falls short of the country's ``requires_backstop``, that is
  its only reason to stay out: it waits until the level rises to meet it, and its approval delay
  runs again from then, with the same draw. A "no" to the draw stands, unless a ``reconsider``
  event makes the government decide again (with a fresh draw). A withdrawal interrupts a pending
  decision: the country never joins.
"""

from __future__ import annotations

from typing import Callable, Optional

import simpy

from ..backstop import Ladder, at_least
from .callbacks import Chain, urgent


class Backstop:
    """The US backstop level over one replication."""

    def __init__(self, env: simpy.Environment, ladder: Ladder, level: str):
        self.env = env
        self.ladder = ladder
        self.level = level
        self.enablers = ladder.enablers_at(level)
        self.changes: list[tuple[float, str]] = [(0.0, level)]
        self.changed = env.event()  # fires with the new level, then is replaced
        self.listeners: list[Callable[[], None]] = []

    def set(self, level: str) -> None:
        """Change the level now."""
        self.level = level
        self.enablers = self.ladder.enablers_at(level)
        self.changes.append((self.env.now, level))
        changed, self.changed = self.changed, self.env.event()
        changed.succeed(level)
        for listener in self.listeners:
            listener()

    def change_on(self, day: float, level: str):
        """A process: change the level on ``day``."""
        yield self.env.timeout(day)
        self.set(level)

    def meets(self, requirement: Optional[str]) -> bool:
        """Whether the level now meets a ``requires_backstop`` condition."""
        return at_least(self.level, requirement)

    def willingness(self, probability: float) -> tuple[float, float]:
        """Approval probability and contingent factor at the current level."""
        if self.level == "guarantee":
            w = self.ladder.willingness
            return probability + (1.0 - probability) * w.approval_uplift, w.contingent_factor
        return probability, 1.0


class Decision:
    """One government's decision to send its pledges.

    ``outcome`` fires once the government has decided, with the factor on its numbers (1, or the
    guarantee's) if it approved and ``None`` if it said no. ``decided_at`` and ``approved`` record it.

    The decision is a process written as callbacks (:class:`~sim.model.callbacks.Chain`), taking
    the steps of the generator it stands for in the same order (tested byte for byte against it):
    it starts in an ``URGENT`` event, as a process would, unless ``start`` is false and its owner
    calls :meth:`begin` where that event would have come (several decisions created one after
    another start in one event). ``process`` has ``is_alive`` and ``interrupt()``.
    """

    def __init__(self, env: simpy.Environment, backstop: Backstop, probability: float,
                 requires: Optional[str], delay: float, draw: float, start: bool = True):
        self.env = env
        self.backstop = backstop
        self.probability = probability
        self.requires = requires
        self.delay = delay
        self.draw = draw
        self.outcome = env.event()
        self.approved: Optional[bool] = None
        self.decided_at: Optional[float] = None
        self.withdrawn = False
        self.process = Chain(env)
        self._first_delay = delay
        if start:
            urgent(env, self.begin)

    def begin(self, _event: Optional[simpy.Event] = None) -> None:
        """Start deciding: wait the delay, then the US level if it falls short, then decide."""
        self._wait_delay(self._first_delay)

    def _wait_delay(self, delay: float) -> None:
        if delay > 0:
            self.process.wait(self.env.timeout(delay), self._delay_over)
        else:
            self._delay_over(None)

    def _delay_over(self, _event) -> None:
        if self.backstop.meets(self.requires):
            self._decide()
        else:
            self._await_level(None)

    def _await_level(self, _event) -> None:
        if not self.backstop.meets(self.requires):
            self.process.wait(self.backstop.changed, self._await_level)
        else:
            self._wait_delay(self.delay)  # the delay runs again once the condition is met

    def _decide(self) -> None:
        self.process.end()
        p, factor = self.backstop.willingness(self.probability)
        self.approved = self.draw < p
        self.decided_at = self.env.now
        self.outcome.succeed(factor if self.approved else None)

    def withdraw(self) -> None:
        """The country withdraws: a pending decision stops and will never approve."""
        self.withdrawn = True
        if self.process.is_alive:
            self.process.interrupt()

    def reconsider(self, draw: float) -> Optional[simpy.Event]:
        """A government that said no decides again now with a fresh ``draw``; returns its new outcome.

        Nothing happens (``None``) unless it said no and has not withdrawn.
        """
        if self.approved is not False or self.withdrawn:
            return None
        self.draw = draw
        self.approved = None
        self.outcome = self.env.event()
        self.process = Chain(self.env)
        self._first_delay = 0.0
        urgent(self.env, self.begin)
        return self.outcome
