"""The mechanisms World composes, each built on a bare simpy environment and checked against exact values."""

from __future__ import annotations

import pytest
import simpy

from sim.model.black_sea import GOLDEN, BlackSea
from sim.model.coalition import Coalition
from sim.model.contingent import Contingent
from sim.model.decisions import Backstop, Decision
from sim.model.enablers import Enablers
from sim.model.ledger import Ledger
from sim.model.live import LiveCoverage
from sim.model.phasing import Phasing
from sim.model.reinforcements import Reinforcements
from sim.model.replication import Plan
from sim.model.transit import Hub
from sim.parameters import MontreuxParameters
from sim.streams import Streams
from sim.vocabulary import ENABLERS

from .conftest import scenario

FACTORS = {"parameters": {"enablers": {"airlift": {"deploy_factor": 0.7}, "logistics": {"deploy_factor": 0.85}}}}


def small(level="none"):
    scn = scenario(**FACTORS)
    env = simpy.Environment()
    ledger = Ledger(("land",) + ENABLERS)
    backstop = Backstop(env, scn.us_backstop.ladder, level)
    return scn, env, ledger, backstop, Enablers(scn.parameters, backstop, ledger)


# --- enablers -------------------------------------------------------------------------------------


def test_enablers_are_provided_by_the_us_level_or_by_units_in_place_over_the_need():
    scn, env, ledger, backstop, enablers = small()
    need = scn.parameters.enablers["tanker"].need
    assert enablers.share("tanker") == 0.0
    ledger.add(0.0, "tanker", "in_place", need / 4)
    assert enablers.share("tanker") == pytest.approx(0.25)
    ledger.add(0.0, "tanker", "in_place", need)
    assert enablers.share("tanker") == 1.0  # more than the need provides all of it, no more
    ledger.add(0.0, "isr", "in_place", scn.parameters.enablers["isr"].need / 2)
    assert enablers.share("isr") == pytest.approx(0.5)
    backstop.set("air_support")  # the US brings tankers, and isr from the rungs below (conftest's ladder)
    assert enablers.provided()["tanker"] == 1.0 and enablers.share("isr") == 1.0


def test_enablers_shorten_moves_and_raise_hub_throughput_by_what_is_provided_now():
    scn, env, ledger, backstop, enablers = small()
    assert enablers.deploy_factor() == 1.0 and enablers.hub_factor() == 1.0
    ledger.add(0.0, "airlift", "in_place", scn.parameters.enablers["airlift"].need / 2)
    assert enablers.deploy_factor() == pytest.approx(1 - 0.3 * 0.5)
    backstop.set("logistics")  # airlift and logistics from the US
    assert enablers.deploy_factor() == pytest.approx(0.7 * 0.85)
    hub = scn.parameters.enablers["logistics"].hub_throughput_factor
    assert enablers.hub_factor() == pytest.approx(hub)


# --- coverage now and the live requirement --------------------------------------------------------


def live_land(env, ledger, enablers):
    # conftest: 1000 troops required, each counts in full; enablers by the US level
    return LiveCoverage(env, ledger, enablers, Plan.of(scenario(**FACTORS)).live)


def test_coverage_now_is_units_in_place_over_the_requirement_raised_by_surges_on_whole_days():
    scn, env, ledger, backstop, enablers = small("air_support")
    live = live_land(env, ledger, enablers)
    heard = []
    live.listeners.append(lambda t, c: heard.append((t, c, live.now(c))))
    ledger.add(0.0, "land", "in_place", 500.0)
    assert live.now("land") == pytest.approx(0.5)
    live.add_surge("land", 2.5, 3.0, 0.25, live=True)  # in force on days 3, 4 and 5
    live.add_surge("land", 1.0, 50.0, 9.0, live=False)  # recorded for the daily series only
    env.run(until=4)
    assert live.now("land") == pytest.approx(0.4)
    env.run(until=10)
    assert heard == [(3, "land", pytest.approx(0.4)), (6, "land", pytest.approx(0.5))]
    assert live.surges == [("land", 2.5, 3.0, 0.25), ("land", 1.0, 50.0, 9.0)]
    ledger.add(10.0, "land", "in_place", 1000.0)
    assert live.now("land") == 1.0  # capped


def test_coverage_now_applies_the_component_factor_of_the_enablers_it_reads():
    scn, env, ledger, backstop, enablers = small()
    p = scn.parameters
    effects_on_land = tuple((e, en.effects["land"]) for e, en in p.enablers.items() if "land" in en.effects)
    assert effects_on_land  # land reads some enablers (isr, logistics: parameters.yaml)
    live = LiveCoverage(env, ledger, enablers, {"land": (1 / 1000, effects_on_land)})
    ledger.add(0.0, "land", "in_place", 1000.0)
    from sim import effects

    none = {e: 0.0 for e, _ in effects_on_land}
    assert live.now("land") == pytest.approx(effects.component_factor("land", none, p))
    assert live.relevant("land") == {"land"} | set(none)
    backstop.set("logistics")
    provided = {e: enablers.share(e) for e, _ in effects_on_land}
    assert live.now("land") == pytest.approx(effects.component_factor("land", provided, p))


# --- phasing --------------------------------------------------------------------------------------


class _Phase:
    def __init__(self, start_day=None, after=None):
        self.start_day, self.after = start_day, after


class _After:
    def __init__(self, component, coverage, for_days):
        self.component, self.coverage, self.for_days = component, coverage, for_days


def test_a_gate_opens_once_coverage_has_held_and_then_is_no_longer_watched():
    scn, env, ledger, backstop, enablers = small("air_support")
    live = live_land(env, ledger, enablers)
    phasing = Phasing(env, live)
    live.listeners.append(phasing.notify)
    sky = phasing.add("sky", None)
    sea = phasing.add("sea", _Phase(start_day=7))
    land = phasing.add("regeneration", _Phase(after=_After("land", 0.5, 10)))
    phasing.listen()
    assert phasing.reads("land") and not phasing.reads("sky") and phasing.watching("land")
    assert not phasing.watching("sky") and phasing.gates["regeneration"].component == "regeneration"
    assert ledger.listeners == [phasing.notify]

    def troops():
        yield env.timeout(2)
        ledger.move(env.now, "land", "not_approved", "in_place", 600.0)  # 0.6 from day 2
        yield env.timeout(3)
        live.add_surge("land", env.now, 1.0, 0.5, live=True)  # 0.4 on day 5 only: the clock restarts
        yield env.timeout(60)

    ledger.add(0.0, "land", "not_approved", 600.0)
    env.process(troops())
    phasing.notify(0.0, None)
    env.run(until=30)
    assert sky.opened_at == 0 and sea.opened_at == 7 and land.opened_at == 16  # held from day 6
    ledger.move(30.0, "land", "in_place", "maintenance", 1.0)  # heard once more: the opened gate is dropped
    assert phasing.watches == [] and ledger.listeners == [] and not phasing.watching("land")
    assert phasing.opened() == {"sky": 0, "sea": 7, "regeneration": 16}


# --- the coalition: decisions, approvals, withdrawals ---------------------------------------------


def test_a_withdrawal_takes_every_unit_out_wherever_it_is_and_closes_the_hosts_hub():
    scn, env, ledger, backstop, enablers = small()
    hub = Hub(env, "A", 100.0)
    coalition = Coalition(env, ledger, {"A": hub})
    arrived, pending = Contingent("A", "land", 0.0), Contingent("A", "tanker", 0.0)
    other = Contingent("B", "land", 0.0)
    arrived.pledge(coalition, "in_place", 300.0)
    arrived.move(coalition, "in_place", "rotation_gap", 100.0)
    pending.pledge(coalition, "moving", 2.0)
    other.pledge(coalition, "in_place", 50.0)
    coalition.register("A", [arrived, pending])
    coalition.register("B", [other])

    def life():
        try:
            yield env.timeout(1000)
        except simpy.Interrupt:
            arrived.interrupted_at = env.now

    arrived.process = env.process(life())
    hub.host_decides(False)  # shut until its host decides
    coalition.decided("A", True)
    coalition.decided("B", True)
    assert coalition.present("A") and not hub.closed
    decision_c = Decision(env, backstop, 1.0, None, 50.0, 0.5)
    coalition.deciding["C"] = decision_c
    env.process(coalition.withdraw_on("A", 20.0))
    env.process(coalition.withdraw_on("C", 10.0))
    env.process(coalition.withdraw_on("A", 30.0))  # twice: the first counts
    env.run(until=100)
    assert coalition.withdrawals() == [("C", 10.0), ("A", 20.0)]  # in time order
    assert hub.closed and not coalition.present("A") and coalition.present("B")
    assert ledger.amount("land", "withdrawn") == 300.0 and ledger.amount("tanker", "withdrawn") == 2.0
    assert ledger.amount("land", "in_place") == 50.0  # B's stay
    assert arrived.departure_day == 20.0 and pending.departure_day is None  # it had not arrived
    assert arrived.interrupted_at == 20.0 and decision_c.withdrawn and decision_c.decided_at is None
    coalition.decided("A", True)  # a decision after withdrawing brings nothing back
    assert not coalition.present("A") and hub.closed
    coalition.decided("C", True)  # nor for a country that withdrew before it decided
    coalition.decided("D", False)  # and a "no" approves nothing
    assert coalition.approved == {"A", "B"}
    lone = Contingent("E", "land", 0.0)
    lone.pledge(coalition, "in_place", 1.0)
    coalition.register("E", [lone])
    coalition.withdraw("E")
    assert lone.departure_day == 100.0 and lone.where["withdrawn"] == 1.0  # one unit in place had arrived too


# --- reinforcements --------------------------------------------------------------------------------


def test_a_reinforcement_comes_from_a_present_country_with_its_own_keyed_move():
    scn = scenario(countries=[{"name": "A", "approval": {"probability": 1.0, "delay_days": 0},
                               "deploy_days": {"dist": "uniform", "low": 10, "high": 20}, "land": {"troops": 100}},
                              {"name": "B", "land": {"troops": 100}}])
    env = simpy.Environment()
    ledger = Ledger(("land",))
    coalition = Coalition(env, ledger)
    streams = Streams(3, 0)
    sent = []
    r = Reinforcements(env, coalition, streams, lambda country, c, move: sent.append((env.now, country.name, c, move)))
    coalition.decided("A", True)
    env.process(r.on(scn.country("A"), 40.0, "land", 250, "k1"))
    env.process(r.on(scn.country("B"), 40.0, "land", 250, "k2"))  # never approved: sends nothing
    env.process(r.on(scn.country("A"), 90.0, "land", 100, "k3"))  # withdrawn by then
    env.process(coalition.withdraw_on("A", 60.0))
    env.run(until=100)
    expected_move = scn.country("A").deploy_days.draw(Streams(3, 0).rng("A", "reinforce", "k1"))
    assert 10 <= expected_move <= 20
    [(day, name, c, move)] = sent
    assert (day, name, move) == (40.0, "A", expected_move) and r.sent == [c]
    assert c.approved and c.target == "land" and c.amount == 250.0 and c.reinforcement_day == 40.0 and c.country == "A"
    assert coalition.by_country["A"] == [c]
    assert ledger.amount("land", "withdrawn") == 250.0  # it was waiting for its phase when A withdrew


# --- the Black Sea ----------------------------------------------------------------------------------

RULES = dict(enabled=True, max_stay_days=21, tonnage_cap=5000, straits_closed=False, transit_days=2, port_days=4,
             stagger=True)


def test_navies_take_golden_ratio_turns_and_share_the_tonnage_under_a_binding_cap():
    env = simpy.Environment()
    sea = BlackSea(env, MontreuxParameters(**RULES))  # the cap binds unless told otherwise
    moves = []
    mover = lambda src, dst, n: moves.append((env.now, src, dst, n))  # noqa: E731
    first = sea.squadron("P", 1, 3000.0, mover)
    second = sea.squadron("Q", 1, 3000.0, mover)
    third = sea.squadron("R", 1, 1000.0, mover)
    assert [s.phase for s in (first, second, third)] == pytest.approx([0.0, GOLDEN * 25, (2 * GOLDEN % 1) * 25])
    assert sea.navies == 3 and first.pool is sea.tonnage and first.log is sea.log
    for s in (first, second, third):
        s.start()
    env.run(until=27.5)
    # P enters on day 0 (3000 t of 5000); R on its turn, day 5.90 (1000 t: fits); Q on its turn, day
    # 15.45, finds 1000 t free and waits for P to leave on day 21. R leaves on day 26.90; P, back at the
    # straits on day 25, waits for 3000 t while Q holds 3000 (2000 free)
    r_in = (2 * GOLDEN % 1) * 25
    assert sea.log == [("P", 0.0, 21.0, 3000.0), ("R", pytest.approx(r_in), pytest.approx(r_in + 21), 1000.0)]
    assert sea.tonnage.level == 2000


def test_without_a_binding_cap_the_squadrons_share_no_container():
    env = simpy.Environment()
    sea = BlackSea(env, MontreuxParameters(**RULES), cap_binds=False)
    at, watched = (lambda *a: None), (lambda: True)
    s = sea.squadron("P", 2, 3000.0, lambda *a: None, mover_at=at, watched=watched)
    assert s.pool is None and s.phase == 0.0 and s.log is sea.log and s.mover_at is at and s.watched is watched
