"""The US backstop: a ladder of levels, each a set of enablers the US provides.

Levels are ordered ``none < intelligence < logistics < air_support < guarantee``
and each includes the enablers of the levels below. ``guarantee`` also raises
countries' willingness (approval probability and contingent size) and satisfies
every country's ``requires_backstop`` condition. Defaults are read from
``seeds/backstop.yaml``; a scenario may override what a level adds and the
willingness uplift under ``us_backstop``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import LEVELS, Enabler, Level, level_rank


class Willingness(BaseModel):
    """How a US guarantee changes countries' willingness."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approval_uplift: Annotated[float, Field(ge=0, le=1)] = Field(
        description="approval probability p becomes p + (1 - p) * uplift"
    )
    contingent_factor: Annotated[float, Field(ge=0)] = Field(
        description="pledged numbers are multiplied by this factor"
    )


class Ladder(BaseModel):
    """What each level adds, and the guarantee's willingness effect."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    adds: dict[Level, tuple[Enabler, ...]]
    willingness: Willingness

    def enablers_at(self, level: str) -> frozenset[str]:
        """All enablers the US provides at ``level`` (cumulative up the ladder)."""
        rank = level_rank(level)
        return frozenset(e for lv in LEVELS[: rank + 1] for e in self.adds.get(lv, ()))


def at_least(level: str, threshold: str | None) -> bool:
    """Whether ``level`` meets a ``requires_backstop`` threshold (``None`` always does)."""
    return threshold is None or level_rank(level) >= level_rank(threshold)
