"""Events named by what they are, so their random streams survive edits to the file.

An event's random stream (a withdrawal's day, a reinforcement's move, a
violation's arrival times) is keyed by the event's *identity*: its type and
the fields that say what it is about (country, component, hub, and its day or
rate), never by its position under ``events:``. Reordering the events,
adding an unrelated one, or changing a field that does not identify the event
(a violation's surge, a reinforcement's amount) leaves every other draw as it
was. Events that share an identity are told apart by an occurrence number,
counted among those events only, after ordering them by their full content, so
even their order in the file does not matter.

:func:`keyed_events` also gives the order in which the simulation starts the
events' processes: a canonical one, so that simultaneous events are handled
the same way whatever the file's order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable

IDENTITY: dict[str, tuple[str, ...]] = {
    "backstop": ("day", "level"),
    "withdraw": ("country", "day", "yearly_probability"),
    "reinforce": ("country", "component", "day"),
    "reconsider": ("country", "day"),
    "hub_closure": ("hub", "start_day"),
    "violations": ("component", "rate_per_year"),
}
"""Per event type, the fields that say which event it is (the rest say how big it is)."""


def _value(v: object) -> str:
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, (int, float)):
        return repr(float(v))  # 4 and 4.0 name the same rate
    return str(v)


def identity(event) -> str:
    """``type|field=value|...`` over the identifying fields that are set (see :data:`IDENTITY`)."""
    data = event.model_dump()
    fields = IDENTITY.get(data["type"], tuple(sorted(k for k in data if k != "type")))
    parts = [data["type"]] + [f"{k}={_value(data[k])}" for k in fields if data.get(k) is not None]
    return "|".join(parts)


def _content(event) -> str:
    return json.dumps(event.model_dump(), sort_keys=True, default=str)


def keyed_events(events: Iterable) -> list[tuple[str, object]]:
    """``(key, event)`` pairs in canonical order; ``key`` is unique and independent of the file's order.

    The key is the event's :func:`identity`, followed by ``#n`` when ``n - 1`` other events
    share that identity and come before it in the order of their full content.
    """
    groups: dict[str, list] = defaultdict(list)
    for event in events:
        groups[identity(event)].append(event)
    out = []
    for ident in sorted(groups):
        same = sorted(groups[ident], key=_content)
        for n, event in enumerate(same, start=1):
            out.append((ident if n == 1 else f"{ident}#{n}", event))
    return out
