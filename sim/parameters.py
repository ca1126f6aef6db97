"""Model parameters: every factor of the coverage formulas, with sourced defaults.

Defaults live in ``seeds/parameters.yaml``, one leaf per parameter written as
``{value: X, sources: [ids]}`` or ``{value: X, assumption: "why"}``. A scenario
overrides any of them under ``parameters:`` with plain values, e.g.
``parameters: {sky: {availability: 0.7}}``. The merge happens in
:func:`sim.scenario.load_scenario`; this module only defines the shapes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .vocabulary import Component, Enabler

Fraction = Annotated[float, Field(ge=0, le=1)]
Positive = Annotated[float, Field(gt=0)]
NonNegative = Annotated[float, Field(ge=0)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Failures(_Frozen):
    """Failures and repairs, used where a scenario models maintenance for the component."""

    mtbf_days: Positive = Field(description="mean days in service between failures (maintenance model)")
    mttr_days: Positive = Field(description="mean days one crew takes to repair a failure (maintenance model)")
    crews_per_detachment: Annotated[int, Field(ge=1)] = Field(description="maintenance crews per detachment")
    detachment_size: Annotated[int, Field(ge=1)] = Field(
        description="aircraft or ships per detachment: a contingent of n units has ceil(n / size) detachments' crews"
    )


class SkyParameters(_Failures):
    """Air policing: how aircraft in place become combat air patrol orbits."""

    availability: Fraction = Field(description="share of aircraft in place that are mission capable")
    sorties_per_aircraft_day: Positive = Field(description="sorties one available aircraft flies per day")
    on_station_hours: Positive = Field(description="hours on station per sortie with tanker support")
    aircraft_per_orbit: Positive = Field(description="aircraft on station to hold one orbit")


class SeaParameters(_Failures):
    """Black Sea: ships on station."""

    availability: Fraction = Field(description="share of ships in place that are on station")
    ship_tonnage: Positive = Field(description="tonnes per ship where a pledge gives none")
    home_transit_days: NonNegative = Field(
        description="days a relief ship of an outside navy sails each way between home and station, inside its tour"
    )


class MontreuxParameters(_Frozen):
    """The Montreux Convention's limits on warships of non-Black-Sea states."""

    enabled: bool = Field(description="apply the rules below to non-littoral states' ships")
    max_stay_days: Positive = Field(description="longest stay of a non-littoral warship in the Black Sea")
    tonnage_cap: Positive = Field(description="aggregate tonnage of non-littoral warships in the Black Sea")
    straits_closed: bool = Field(description="straits closed to warships (Article 19): only littoral ships count")
    transit_days: NonNegative = Field(description="days from the straits to station (and back)")
    port_days: NonNegative = Field(description="days outside the Black Sea before a ship may re-enter")
    stagger: bool = Field(description="a navy's ships enter one after another to keep a presence (else in step)")


class LandParameters(_Frozen):
    """Land: troops in place."""

    availability: Fraction = Field(description="share of troops in place that count")


class RegenerationParameters(_Frozen):
    """Regeneration: training capacity of trainers in place."""

    trainees_per_trainer_month: Positive = Field(description="trainees one trainer puts through per month")
    course_days: Positive = Field(description="length of one training course, days")


class TransitParameters(_Frozen):
    """What passes the transit hubs."""

    hub_throughput_per_day: dict[str, Positive] = Field(description="default throughput of named hubs, people per day")


class RotationPolicy(_Frozen):
    """A component's default rotation: tours of ``tour_days`` from a pool of ``ratio`` units."""

    tour_days: Positive = Field(description="days one unit serves before it is relieved")
    ratio: Annotated[int, Field(ge=1)] = Field(description="units in the pool per unit in place")


class RotationParameters(_Frozen):
    """How a unit's tour is relieved from its pool, and the policy a country gets by default."""

    min_dwell_ratio: NonNegative = Field(
        description="days away from theatre a unit needs per day deployed before its next tour"
    )
    default: dict[Component, RotationPolicy] = Field(
        description="rotation of a country that names none (a country opts out with rotation: none)"
    )


class CoverageParameters(_Frozen):
    """Thresholds that name milestones."""

    ioc: Fraction = Field(description="coverage that counts as initial operating capability")
    foc: Fraction = Field(description="coverage that counts as full operating capability")


class EnablerParameters(_Frozen):
    """What one enabler does and how much of it a coalition needs."""

    need: Positive = Field(description="units countries must hold in place to provide it fully")
    effects: dict[Component, Fraction] = Field(
        default_factory=dict,
        description="effectiveness multiplier of each component when the enabler is wholly missing",
    )
    deploy_factor: Fraction = Field(1.0, description="multiplier on deployment durations when provided")
    hub_throughput_factor: Annotated[float, Field(ge=1)] = Field(
        1.0, description="multiplier on hub throughput when provided"
    )


class Parameters(_Frozen):
    """Every model factor. See ``seeds/parameters.yaml`` for values and sources."""

    sky: SkyParameters
    sea: SeaParameters
    land: LandParameters
    regeneration: RegenerationParameters
    rotation: RotationParameters
    montreux: MontreuxParameters
    transit: TransitParameters
    coverage: CoverageParameters
    enablers: dict[Enabler, EnablerParameters]
