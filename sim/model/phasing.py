"""Phasing: each component's gate, and the watches that open a gate once another component has held.

A component opens at once (no phase), on a fixed day, or ``after`` another component has held a
coverage for some days (:class:`~sim.model.phases.Watch`, reading
:meth:`~sim.model.live.LiveCoverage.now`, surges included). A watch is asked again whenever what
its coverage reads may have changed: a ledger move of the component or of one of its enablers, a
change of the US level, a surge starting or ending (:meth:`Phasing.notify`). Gates that opened are
no longer watched, and with none left the phasing stops listening to the ledger.

It runs on a bare :class:`simpy.Environment` with a :class:`~sim.model.live.LiveCoverage`.
"""

from __future__ import annotations

import simpy

from .live import LiveCoverage
from .phases import Gate, Watch


class Phasing:
    """The gates of one replication and the watches still waiting to open theirs."""

    def __init__(self, env: simpy.Environment, coverage: LiveCoverage):
        self.env = env
        self.coverage = coverage
        self.ledger = coverage.ledger
        self.gates: dict[str, Gate] = {}
        self.watches: list[tuple[Watch, set[str]]] = []

    def add(self, component: str, phase) -> Gate:
        """The gate of ``component`` under its ``phase`` (``None``: open from day 0)."""
        gate = self.gates[component] = Gate(self.env, component)
        if phase is None:
            gate.open()
        elif phase.start_day is not None:
            self.env.process(gate.at(phase.start_day))
        else:
            a = phase.after
            watch = Watch(gate, lambda c=a.component: self.coverage.now(c), a.coverage, a.for_days)
            self.watches.append((watch, self.coverage.relevant(a.component)))
        return gate

    def listen(self) -> None:
        """Hear the ledger's moves while some gate is watched."""
        if self.watches:
            self.ledger.listeners.append(self.notify)

    def reads(self, target: str) -> bool:
        """Whether some watch reads ``target`` (then its live requirement matters)."""
        return any(target in relevant for _, relevant in self.watches)

    def watching(self, target: str) -> bool:
        """Whether a watch that has not opened its gate yet reads ``target`` now."""
        return any(not watch.done and target in relevant for watch, relevant in self.watches)

    def notify(self, t: float, target: str | None) -> None:
        """What ``target`` reads may have changed at ``t`` (``None``: anything): ask the watches that read it."""
        opened = False
        for watch, relevant in self.watches:
            if watch.done:
                opened = True
            elif target is None or target in relevant:
                watch.update()
        if opened:  # stop watching gates that opened; with none left, stop listening to the ledger
            self.watches = [(w, r) for w, r in self.watches if not w.done]
            if not self.watches:
                self.ledger.listeners = [f for f in self.ledger.listeners if f != self.notify]

    def opened(self) -> dict[str, float | None]:
        """Day each gate opened (``None``: never)."""
        return {c: g.opened_at for c, g in self.gates.items()}
