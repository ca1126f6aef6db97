"""Processes written as chains of callbacks, run in the order simpy would run their generators.

A simpy process costs more than the waits it is made of: an ``Initialize`` event to start it, a
generator resumed at each event, an event when it ends. Where a process only waits for events one
after the other, the same steps can hang on the events as callbacks, with simpy's public API only
(:meth:`simpy.Environment.schedule`, ``event.callbacks``), in the very order simpy would take them:

* a process starts in an event of ``URGENT`` priority at the instant it is created
  (:func:`urgent`); several processes created one after another, with nothing else scheduled
  ``URGENT`` in between, start in one such event, one after another;
* ``yield event`` is :meth:`Chain.wait`: the next step is appended to the event's callbacks at the
  same moment the process's resume would be, or runs at once if the event was processed already;
* an interrupt is an ``URGENT`` event at the instant it is asked for; when it comes the chain drops
  the event it waits for and runs its own ``on_interrupt`` (the ``except`` or ``finally`` of the
  generator), unless it ended before (:meth:`Chain.interrupt`);
* the end of a process is an event nobody waits for here: leaving it out leaves the others in the
  same order (simpy orders equal times by priority, then by when they were scheduled).
"""

from __future__ import annotations

import heapq
from typing import Callable, Optional

import simpy
from simpy.events import NORMAL, URGENT


def urgent(env: simpy.Environment, step: Callable[[simpy.Event], None]) -> simpy.Event:
    """Run ``step`` in an event of ``URGENT`` priority now: where simpy starts a process it is given."""
    event = simpy.Event(env)
    event._ok, event._value = True, None
    event.callbacks.append(step)
    env.schedule(event, URGENT)
    return event


def timeout_until(env: simpy.Environment, t: float) -> simpy.Event:
    """An event that fires at exactly ``t``.

    ``env.timeout(t - env.now)`` fires at ``env.now + (t - env.now)``, which rounding can put a
    hair off ``t`` (and no delay may reach ``t`` by addition); then the event is put on simpy's
    queue at ``t`` itself, as :meth:`simpy.Environment.schedule` would with a zero delay.
    """
    delay = t - env.now
    if env.now + delay == t:
        return env.timeout(delay)
    event = env.event()
    event._ok, event._value = True, None
    heapq.heappush(env._queue, (t, NORMAL, next(env._eid), event))
    return event


class Chain:
    """One process as a chain of callbacks: :meth:`wait` stands for ``yield``.

    Like a :class:`simpy.Process` it has ``is_alive`` (until :meth:`end`) and :meth:`interrupt`, so
    the coalition withdraws it as it would a process.
    """

    def __init__(self, env: simpy.Environment):
        self.env = env
        self.is_alive = True
        self._target: Optional[simpy.Event] = None  # the event waited for
        self._then: Optional[Callable[[simpy.Event], None]] = None

    def wait(self, event: simpy.Event, then: Callable[[simpy.Event], None]) -> None:
        """Go on with ``then(event)`` once ``event`` is processed (at once if it was)."""
        if event.callbacks is None:
            then(event)
            return
        self._target, self._then = event, then
        event.callbacks.append(self._resume)

    def _resume(self, event: simpy.Event) -> None:
        then = self._then
        self._target = self._then = None
        then(event)

    def end(self) -> None:
        """The process has nothing left to do."""
        self.is_alive = False

    def interrupt(self) -> None:
        """Interrupt the process as simpy would: in an ``URGENT`` event now."""
        urgent(self.env, self._interrupted)

    def _interrupted(self, _event: simpy.Event) -> None:
        if not self.is_alive:
            return
        if self._target is not None:
            self._target.callbacks.remove(self._resume)
            self._target = self._then = None
        self.is_alive = False
        self.on_interrupt()

    def on_interrupt(self) -> None:
        """What the process does when interrupted (nothing: it ends)."""
