"""timeline.png: pledges, reinforcements and enablers on their own rows; bars end where contingents withdraw."""

from __future__ import annotations

import pytest

import sim
from sim.plots.reading import read_run
from sim.plots.timeline import arrival_rows, share_label, timeline_figure
from sim.results import write_run

from .conftest import scenario


@pytest.fixture(scope="module")
def rows_and_run(tmp_path_factory):
    countries = [
        {"name": "S", "land": {"troops": 500}, "approval": {"probability": 0.6}, "deploy_days": 5,
         "enablers": {"isr": 1}},
        {"name": "W", "land": {"troops": 400}, "deploy_days": 10},
    ]
    events = [{"type": "reinforce", "country": "S", "day": 50, "component": "land", "amount": 300},
              {"type": "withdraw", "country": "W", "day": 80}]
    scn = scenario(horizon_days=150, countries=countries, events=events)
    res = sim.run(scn, reps=40, seed=3)
    folder = tmp_path_factory.mktemp("t") / "run"
    write_run(res, folder)
    run = read_run(folder)
    rows = {(r["country"], r["target"], r["reinforcement_day"]): r for r in arrival_rows(run)}
    tl = res.timeline
    pledges = zip(tl["country"], tl["component"], tl["approved"], tl["reinforcement_day"])
    approved = sum(1 for c, t, a, d in pledges if (c, t) == ("S", "land") and a and d is None) / 40
    return rows, run, approved


def test_a_reinforcement_has_its_own_row_with_shares_of_all_replications(rows_and_run):
    rows, _, approved = rows_and_run
    assert 0.3 < approved < 0.9
    pledge, extra = rows[("S", "land", None)], rows[("S", "land", 50.0)]
    assert pledge["approved_share"] == pytest.approx(approved) and pledge["arrived_share"] == pytest.approx(approved)
    assert extra["amount"] == 300 and extra["replications"] == 40
    assert extra["approved_share"] == pytest.approx(approved) and extra["arrived_share"] == pytest.approx(approved)
    assert extra["median"] == pytest.approx(55.0)  # sent on day 50, five days to deploy
    assert share_label(extra).startswith("sent ") and share_label(pledge).startswith("approve ")


def test_enablers_appear(rows_and_run):
    rows, _, approved = rows_and_run
    isr = rows[("S", "isr", None)]
    assert isr["enabler"] and isr["approved_share"] == pytest.approx(approved)


def test_bars_end_at_the_median_departure_where_countries_withdraw(rows_and_run):
    rows, run, _ = rows_and_run
    w = rows[("W", "land", None)]
    assert w["median"] == pytest.approx(10.0) and w["end"] == pytest.approx(80.0)
    assert w["withdrawn_share"] == 1.0 and "withdraw 100%" in share_label(w)
    assert rows[("S", "land", None)]["end"] == 150  # stays: the bar runs to the horizon
    fig = timeline_figure(run)
    bars = [p for p in fig.axes[0].patches if hasattr(p, "get_width")]
    assert any(b.get_x() == pytest.approx(10.0) and b.get_x() + b.get_width() == pytest.approx(80.0) for b in bars)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any("reinforcement day 50" in t for t in texts) and any("isr (enabler)" in t for t in texts)
