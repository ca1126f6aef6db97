"""Durations: a number of days or a distribution, drawn from a passed-in generator.

Scenario files write a duration as a plain number of days or as one of::

    {dist: fixed, days: 10}
    {dist: uniform, low: 5, high: 20}
    {dist: triangular, low: 5, mode: 10, high: 30}
    {dist: lognormal, median: 14, sigma: 0.5}

A plain number is read as ``{dist: fixed, days: N}``. Every draw takes the
random generator as an argument; nothing here holds random state.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

NonNegative = Annotated[float, Field(ge=0)]


class _Dist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @property
    def is_random(self) -> bool:
        """Whether a draw consumes randomness."""
        return True


class Fixed(_Dist):
    """Always ``days``."""

    dist: Literal["fixed"] = "fixed"
    days: NonNegative

    @property
    def is_random(self) -> bool:
        return False

    def draw(self, rng: np.random.Generator) -> float:
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

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

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

    def draw(self, rng: np.random.Generator) -> float:
        if self.high == self.low:
            return float(self.low)
        return float(rng.triangular(self.low, self.mode, self.high))

    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3


class Lognormal(_Dist):
    """Lognormal with the given ``median`` days and log-scale ``sigma``."""

    dist: Literal["lognormal"]
    median: Annotated[float, Field(gt=0)]
    sigma: NonNegative

    def draw(self, rng: np.random.Generator) -> float:
        return float(self.median * math.exp(self.sigma * rng.standard_normal()))

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
