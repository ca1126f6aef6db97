"""The fixed words of the model: components, backstop levels, enablers, stances.

These are closed sets: a scenario that names anything else is rejected at
load time with the list of what is allowed.
"""

from __future__ import annotations

from typing import Literal, get_args

Component = Literal["sky", "sea", "land", "regeneration"]
COMPONENTS: tuple[str, ...] = get_args(Component)

Level = Literal["none", "intelligence", "logistics", "air_support", "guarantee"]
LEVELS: tuple[str, ...] = get_args(Level)
"""US backstop levels, weakest first; each level includes the ones below."""

Enabler = Literal["isr", "airlift", "tanker", "aew", "air_defence", "sead", "logistics", "arms"]
ENABLERS: tuple[str, ...] = get_args(Enabler)

Stance = Literal["ready", "open", "conditional", "transit_only", "declines"]

UNITS: dict[str, str] = {
    "sky": "aircraft",
    "sea": "ships",
    "land": "troops",
    "regeneration": "trainers",
}
"""What a country pledges for each component."""


def level_rank(level: str) -> int:
    """Position of ``level`` on the backstop ladder (``none`` is 0)."""
    return LEVELS.index(level)
