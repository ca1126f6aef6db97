"""Processes as chains of callbacks (:mod:`sim.model.callbacks`) and the decisions and lives built on
them: exact steps on a bare :class:`simpy.Environment`, and exact days in small worlds.

Each test pins a step that mutation testing showed no other test to watch.
"""

from __future__ import annotations

import pytest
import simpy

from sim.model import replication
from sim.model.callbacks import Chain, timeout_until, urgent
from sim.model.decisions import Backstop, Decision
from sim.model.rotation import gapless, policy, relief_times, tour_in_place
from sim.streams import Streams

from .conftest import scenario


class Recording(Chain):
    """A chain that notes when it is interrupted."""

    def __init__(self, env):
        super().__init__(env)
        self.interrupted = []

    def on_interrupt(self):
        self.interrupted.append(self.env.now)


# --- the chain itself -----------------------------------------------------------------------------


def test_a_chain_goes_on_with_the_event_it_waited_for_whether_pending_or_processed():
    env = simpy.Environment()
    chain = Chain(env)
    seen = []
    later = env.timeout(3, value="later")
    chain.wait(later, lambda event: seen.append((env.now, event, event.value)))
    env.run()
    assert seen == [(3, later, "later")]
    chain.wait(later, lambda event: seen.append((env.now, event, event.value)))  # processed: at once
    assert seen == [(3, later, "later")] * 2


def test_two_interrupts_at_once_drop_the_awaited_step_and_run_on_interrupt_once():
    env = simpy.Environment()
    chain = Recording(env)
    steps = []
    chain.wait(env.timeout(5), lambda _event: steps.append(env.now))

    def interrupt_twice():
        yield env.timeout(2)
        chain.interrupt()
        chain.interrupt()  # both asked for before either is taken

    env.process(interrupt_twice())
    env.run()
    assert chain.interrupted == [2] and steps == [] and chain.is_alive is False


def test_a_chain_waiting_for_nothing_ends_when_interrupted_and_an_ended_one_ignores_it():
    env = simpy.Environment()
    fresh = Recording(env)  # never waited for anything
    idle = Recording(env)
    idle.wait(env.timeout(1), lambda _event: None)  # its step waits for nothing more
    done = Recording(env)
    done.wait(env.timeout(1), lambda _event: done.end())

    def interrupt():
        yield env.timeout(2)
        for chain in (fresh, idle, done):
            chain.interrupt()

    env.process(interrupt())
    env.run()
    assert fresh.interrupted == idle.interrupted == [2] and done.interrupted == []
    assert fresh.is_alive is idle.is_alive is done.is_alive is False


def chain_or_process(as_chain):
    """A process waiting two days and one interrupting it on day 2, the waiter started after it:
    the interrupt (URGENT) comes before the awaited timeout of the same instant."""
    env = simpy.Environment()
    log = []

    def interrupter():
        yield env.timeout(2)
        target[0].interrupt()

    env.process(interrupter())
    if as_chain:
        class Waiter(Chain):
            def on_interrupt(self):
                log.append(("out", env.now))

        target = [Waiter(env)]
        urgent(env, lambda _event: target[0].wait(env.timeout(2), lambda _e: log.append(("step", env.now))))
    else:
        def waiter():
            try:
                yield env.timeout(2)
                log.append(("step", env.now))
            except simpy.Interrupt:
                log.append(("out", env.now))

        target = [env.process(waiter())]
    env.run()
    return log


def test_an_interrupt_at_the_instant_the_awaited_event_fires_comes_first_as_for_a_process():
    assert chain_or_process(False) == [("out", 2)]
    assert chain_or_process(True) == [("out", 2)]


def test_an_urgent_step_is_an_event_of_its_environment_taken_before_the_instants_normal_events():
    env = simpy.Environment()
    order = []
    env.timeout(0).callbacks.append(lambda _event: order.append("normal"))
    event = urgent(env, lambda _event: order.append("urgent"))
    both = env.all_of([event, env.timeout(0)])  # a condition takes events of its own environment only
    env.run()
    assert order == ["urgent", "normal"] and both.processed


def test_timeout_until_lands_on_the_instant_and_never_in_the_past():
    env = simpy.Environment(initial_time=5.0)
    fired = []
    for t in (7.25, 5.0):
        timeout_until(env, t).callbacks.append(lambda _event: fired.append(env.now))
    with pytest.raises(ValueError):
        timeout_until(env, 3.0)  # as simpy refuses a negative delay: the clock never goes back
    env.run()
    assert fired == [5.0, 7.25]


# --- a decision as callbacks ------------------------------------------------------------------------


def test_a_withdrawal_stops_a_reconsideration_that_waits_for_the_us_level():
    def said_no_then_reconsidering(withdraw):
        env = simpy.Environment()
        backstop = Backstop(env, scenario().us_backstop.ladder, "air_support")
        d = Decision(env, backstop, 0.5, "air_support", 0.0, 0.9)
        env.run(until=1)
        assert (d.approved, d.decided_at) == (False, 0.0)
        backstop.set("logistics")
        outcome = d.reconsider(0.1)  # the level falls short now: it waits for it
        env.run(until=2)
        assert d.approved is None and not outcome.triggered
        if withdraw:
            d.withdraw()
        env.process(backstop.change_on(3.0, "air_support"))  # back on day 5
        env.run(until=10)
        return d, outcome

    d, outcome = said_no_then_reconsidering(withdraw=False)
    assert (d.approved, d.decided_at, outcome.value) == (True, 5.0, 1.0)
    d, outcome = said_no_then_reconsidering(withdraw=True)
    assert d.withdrawn and d.approved is None and d.decided_at == 0.0 and not outcome.triggered


# --- countries and lives in small worlds ----------------------------------------------------------


def one_country(**extra):
    return {"name": "A", "approval": {"probability": 1.0, "delay_days": 0}, "deploy_days": 0,
            "land": {"troops": 100}, **extra}


def contingents(scn, rep=0, seed=1):
    return replication.World(scn, Streams(seed, rep)).run()


def test_a_move_of_part_of_a_day_takes_that_part():
    for days in (0, 0.5, 1.0):
        [c] = contingents(scenario(countries=[one_country(deploy_days=days)])).contingents
        assert c.arrival_day == days


def test_the_guarantee_multiplies_the_numbers_sent_and_a_factor_of_one_adds_nothing():
    doubled = scenario(us_backstop={"level": "guarantee", "willingness": {"contingent_factor": 2.0, "approval_uplift": 0.0}},
                       countries=[one_country()])
    [c] = contingents(doubled).contingents
    assert c.amount == 200.0 and c.where["in_place"] == 200.0
    trace = contingents(scenario(countries=[one_country()]))
    assert trace.contingents[0].where["in_place"] == 100.0
    assert [tuple(x) for x in trace.log.tolist() if x[1] == -1] == [(0.0, -1, trace.rows[("land", "not_approved")], 100.0)]


def test_a_long_move_lengthens_the_dwell_between_tours_and_leaves_gaps():
    scn = scenario(horizon_days=600, parameters={"rotation": {"min_dwell_ratio": 0.5}},
                   countries=[one_country(deploy_days=60, rotation={"tour_days": 30, "ratio": 2})])
    trace = contingents(scn)
    served, dwell = tour_in_place(30.0, 0.0, 0.5, 60.0)
    assert (served, dwell) == (30.0, 120.0)  # away at least the two moves, not 0.5 x 30
    expected = [(end, relief) for end, relief in relief_times(served, 2, dwell, 60.0, 600.0) if relief > end]
    in_place, gap = trace.rows[("land", "in_place")], trace.rows[("land", "rotation_gap")]
    out = [t for t, src, dst, _ in trace.log.tolist() if (src, dst) == (in_place, gap)]
    back = [t for t, src, dst, _ in trace.log.tolist() if (src, dst) == (gap, in_place)]
    assert expected and out == [e for e, _ in expected] and back == [r for _, r in expected if r < 600.0]  # the last relief comes after the horizon


def test_a_reconsideration_draws_from_the_stream_of_its_country_and_event():
    scn = scenario(countries=[one_country(approval={"probability": 0.5, "delay_days": 0})],
                   events=[{"type": "reconsider", "country": "A", "day": 10}])
    [(key, _event)] = replication.Plan.of(scn).events
    outcomes = set()
    for rep in range(40):
        [c] = contingents(scn, rep).contingents
        first = Streams(1, rep).rng("A", "approval").random() < 0.5
        again = Streams(1, rep).rng("A", "reconsider", key).random() < 0.5
        assert c.arrival_day == (0.0 if first else 10.0 if again else None)
        outcomes.add((first, again))
    assert {(False, True), (False, False)} <= outcomes  # both answers to the fresh draw occur


def test_a_reconsider_event_for_a_country_that_pledges_nothing_changes_nothing():
    scn = scenario(countries=[one_country(), {"name": "B"}], events=[{"type": "reconsider", "country": "B", "day": 5}])
    trace = contingents(scn)
    assert [(c.country, c.arrival_day) for c in trace.contingents] == [("A", 0.0)]


# --- which rotation, and the pure arithmetic of reliefs ---------------------------------------------


def test_an_enabler_with_a_rotation_but_no_ratio_is_relieved_by_a_pool_of_one():
    scn = scenario(countries=[one_country(rotation={"tour_days": 40}, enablers={"tanker": 2})])
    country = scn.country("A")
    assert policy(scn, country, "tanker") == (40.0, 1)  # no default pool for enablers
    assert policy(scn, country, "land") == (40.0, scn.parameters.rotation.default["land"].ratio)


def test_a_unit_with_no_dwell_and_no_move_is_away_for_no_time():
    assert tour_in_place(30.0, 0.0, 0.0) == (30.0, 0.0)
    assert tour_in_place(30.0, 2.0, 0.5) == (26.0, 19.0)


def test_a_pool_of_two_that_keeps_up_is_said_gapless():
    assert gapless(30.0, 2, 10.0, 0.0, 700.0) and gapless(30.0, 2, 29.0, 0.0, 700.0)
    assert not gapless(30.0, 2, 31.0, 0.0, 700.0)
    dwell = 2.099999999999999  # a hair under 3 x 0.7 (which is 2.0999999999999996 in floats)
    assert 0 < 3 * 0.7 - dwell < 1e-15
    assert any(relief > end for end, relief in relief_times(0.7, 4, dwell, 0.0, 700.0))  # rounding leaves gaps
    assert not gapless(0.7, 4, dwell, 0.0, 700.0)  # inside the margin: walked through
