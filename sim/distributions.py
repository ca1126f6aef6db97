"""Durations: a number of days or a distribution, drawn from a passed-in generator.

Scenario files write a duration as a plain number of days or as one of::

    {dist: fixed, days: 10}
    {dist: uniform, low: 5, high: 20}
    {dist: triangular, low: 5, mode: 10, high: 30}
    {dist: lognormal, median: 14, sigma: 0.5}

A plain number is read as ``{dist: fixed, days: N}``. Every draw inverts the
distribution function at a uniform taken from the stream passed in, so a
larger parameter always gives a larger draw from the same stream; nothing
here holds random state.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Literal, Protocol, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

NonNegative = Annotated[float, Field(ge=0)]
_NORMAL = NormalDist()


class UniformSource(Protocol):
    """Anything with ``random() -> float`` in (0, 1): a :class:`sim.streams.Stream` or a numpy Generator."""

    def random(self) -> float: ...


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def quantile(self, u: float) -> float:  # pragma: no cover - every distribution overrides it
        raise NotImplementedError

    def draw(self, rng: UniformSource) -> float:
        """One draw by inversion: the same uniform always gives the same quantile (common random numbers)."""
        return self.quantile(rng.random())


class Fixed(_Dist):
    """Always ``days``."""

    dist: Literal["fixed"] = "fixed"
    days: NonNegative

    def quantile(self, u: float) -> float:
        return float(self.days)

    def draw(self, rng: UniformSource) -> float:
        return float(self.days)

    def mean(self) -> float:
        return float(self.days)


class Uniform(_Dist):
    """Uniform between ``low`` and ``high`` days."""

    dist: Literal["uniform"]
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        if self.high < self.low:
            raise ValueError("expected low <= high")
        return self

    def quantile(self, u: float) -> float:
        return self.low + u * (self.high - self.low)

    def mean(self) -> float:
        return (self.low + self.high) / 2


class Triangular(_Dist):
    """Triangular with ``low <= mode <= high`` days."""

    dist: Literal["triangular"]
    low: NonNegative
    mode: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self):
        if not self.low <= self.mode <= self.high:
            raise ValueError("expected low <= mode <= high")
        return self

    def quantile(self, u: float) -> float:
        a, c, b = self.low, self.mode, self.high
        if b == a:
            return float(a)
        cut = (c - a) / (b - a)
        if u < cut:
            return a + math.sqrt(u * (b - a) * (c - a))
        return b - math.sqrt((1.0 - u) * (b - a) * (b - c))

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(_Dist):
    """Lognormal with the given ``median`` days and log-scale ``sigma``."""

    dist: Literal["lognormal"]
    median: Annotated[float, Field(gt=0)]
    sigma: Annotated[float, Field(ge=0, le=10)] = Field(
        description="log-scale spread; above 10 the draws span hundreds of orders of magnitude"
    )

    def quantile(self, u: float) -> float:
        if self.sigma == 0:
            return float(self.median)
        return self.median * math.exp(self.sigma * _NORMAL.inv_cdf(u))

    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)


def _number_as_fixed(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return {"dist": "fixed", "days": value}
    return value


Duration = Annotated[
    Union[Fixed, Uniform, Triangular, Lognormal],
    Field(discriminator="dist"),
    BeforeValidator(_number_as_fixed),
]
"""A duration in days: a number or a distribution spec."""

ZERO = Fixed(days=0)
