"""The 25-day cycle in the baseline's sea coverage: how often it dominates, and why staggering leaves it.

Run from the repository root: ``python docs/sea_cycle.py [REPS]`` (default 200; about 10 s).
Figures are quoted in docs/model.md ("The 25-day cycle in the Black Sea").

Per replication, over days 150-730 of the daily sea coverage (every navy has arrived in most
replications by then):

* **dominant 25-day cycle**: the largest non-zero peak of the FFT power spectrum of the
  de-meaned series lies at a period of 23-27 days (the Montreux clock: 21-day stay + 4 in port);
* **share of variance in the 25-day line**: the power within one bin of 25 days and of its
  harmonics (12.5, 8.3, 6.25 days) over all the power;
* **within-cycle sd**: the standard deviation of the series around its centred 25-day moving
  average, i.e. how far coverage swings inside one Montreux cycle.

Variants: staggered or in-step stays; with or without sea maintenance (ship failures); and an
experiment that is not the model: a repaired ship waits for its next turn on the Montreux clock
instead of re-entering once its port call is over.
"""

from __future__ import annotations

import inspect
import sys
import textwrap

import numpy as np

import sim
from sim.model import montreux
from sim.model.replication import World

START = 150
SEED = 20250426


def cyclic_sd(cov: np.ndarray) -> np.ndarray:
    """Per replication: sd around the centred 25-day moving average."""
    k = np.ones(25) / 25
    out = []
    for s in cov[:, START:]:
        ma = np.convolve(s, k, mode="valid")
        out.append((s[12:12 + len(ma)] - ma).std())
    return np.array(out)


def spectrum(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: whether the dominant period is 23-27 days, and the 25-day line's share of variance."""
    dominant, share = [], []
    for s in cov[:, START:]:
        d = s - s.mean()
        p = np.abs(np.fft.rfft(d)) ** 2
        p[0] = 0.0
        if p.sum() < 1e-12:
            dominant.append(False)
            share.append(0.0)
            continue
        n = len(d)
        k = int(np.argmax(p))
        dominant.append(abs(n / k - 25) <= 2)
        line = sum(p[max(1, int(np.floor(n * j / 25)) - 1): int(np.ceil(n * j / 25)) + 2].sum() for j in (1, 2, 3, 4))
        share.append(line / p.sum())
    return np.array(dominant), np.array(share)


def variant(scn, stagger: bool, sea_failures: bool):
    p = scn.parameters
    update = {"parameters": p.model_copy(update={"montreux": p.montreux.model_copy(update={"stagger": stagger})})}
    if not sea_failures:
        update["maintenance"] = {k: v for k, v in scn.maintenance.items() if k != "sea"}
    return scn.model_copy(update=update)


def waiting_for_the_turn():
    """Patch: a repaired ship re-enters at its next turn on the clock (every ship a simpy process)."""
    src = textwrap.dedent(inspect.getsource(montreux.Squadron._ship))
    line = "            rest = left + rules.port_days - env.now\n"
    assert src.count(line) == 1
    src = src.replace(line, line + (
        "            if failed and rules.stagger and self.phase is not None:\n"
        "                back = max(env.now, left + rules.port_days)\n"
        "                turn = self.phase + i * self.period / self.ships\n"
        "                rest = back + (turn - back) % self.period - env.now\n"))
    scope: dict = {}
    exec(src, montreux.__dict__, scope)  # noqa: S102 - an experiment on the model's own source
    made = World.squadron

    def squadron(self, *args, **kw):
        sq = made(self, *args, **kw)
        sq.mover_at = None  # processes, where the patched method runs
        return sq

    return scope["_ship"], squadron


def line(label: str, cov: np.ndarray) -> str:
    dominant, share = spectrum(cov)
    tail = cov[:, START:]
    return (f"{label:<52} dominant 25-day cycle {dominant.mean():.2f}  25-day line share {np.median(share):.2f}  "
            f"within-cycle sd {cyclic_sd(cov).mean():.3f}  mean {tail.mean():.3f}  days < 0.25 {(tail < 0.25).mean():.3f}")


def main(reps: int) -> None:
    scn = sim.load_scenario("scenarios/baseline.yaml")
    i = scn.components.index("sea")
    print(f"baseline sea coverage, {reps} replications, seed {SEED}, days {START}-{scn.horizon_days - 1}")
    for failures in (True, False):
        for stagger in (True, False):
            cov = sim.run(variant(scn, stagger, failures), reps=reps, seed=SEED).coverage[:, i, :]
            print(line(f"failures {'on' if failures else 'off'}, stagger {'on' if stagger else 'off'}", cov))
    ship, squadron = waiting_for_the_turn()
    saved = montreux.Squadron._ship, World.squadron
    montreux.Squadron._ship, World.squadron = ship, squadron
    try:
        cov = sim.run(variant(scn, True, True), reps=reps, seed=SEED).coverage[:, i, :]
        print(line("failures on, stagger on, repaired ships wait their turn", cov))
    finally:
        montreux.Squadron._ship, World.squadron = saved


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
