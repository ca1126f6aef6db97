"""What an audit writes: ``audit.csv``, ``audit.json``, ``audit.png``, and the terminal table.

``audit.csv`` has one row per factor and component: the factor's sweep path,
provenance and range, the component, then the method's statistics
(``mu_star,mu_star_conf,sigma`` for Morris, ``S1,S1_conf,ST,ST_conf`` for
Sobol). Rows are ordered by component, then by importance (``mu_star`` or
``ST``) from the largest. Numbers are printed with 6 significant digits.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Sequence

import numpy as np

from .analysis import COLUMNS, Method
from .space import Factor

HEAD = ("parameter", "provenance", "low", "high", "component")
COLOURS = {"sourced": "#2b6f9e", "assumption": "#d9822b"}


def rank_key(method: Method) -> str:
    """The statistic factors are ranked by."""
    return "mu_star" if method == "morris" else "ST"


def _num(x: float) -> str:
    x = float(x)
    if not np.isfinite(x):
        return ""
    text = f"{x:.6g}"
    return "0" if text in ("-0", "0") else text


def ranked(method: Method, factors: Sequence[Factor], stats: dict[str, np.ndarray]) -> list[int]:
    """Factor indices from the most to the least important (ties by path)."""
    key = stats[rank_key(method)]
    return sorted(range(len(factors)), key=lambda i: (-float(key[i]), factors[i].path))


def csv_text(method: Method, factors: Sequence[Factor], results: dict[str, dict[str, np.ndarray]]) -> str:
    """The text of ``audit.csv``: ``results[component][column]`` holds one value per factor."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow((*HEAD, *COLUMNS[method]))
    for comp, stats in results.items():
        for i in ranked(method, factors, stats):
            f = factors[i]
            writer.writerow(
                (f.path, f.provenance, _num(f.low), _num(f.high), comp, *(_num(stats[c][i]) for c in COLUMNS[method]))
            )
    return buf.getvalue()


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def terminal_table(
    method: Method, factors: Sequence[Factor], results: dict[str, dict[str, np.ndarray]], metric_words: dict[str, str], top: int = 5
) -> str:
    """The top factors of each component with their value, range, statistic and source or assumption note."""
    key = rank_key(method)
    conf = f"{key}_conf"
    lines = []
    for comp, stats in results.items():
        order = [i for i in ranked(method, factors, stats) if stats[key][i] > 0][:top]
        lines.append(f"{metric_words[comp]}: {'what moves it most' if order else 'nothing moves it'} ({key} +- 95% conf.)")
        for rank, i in enumerate(order, 1):
            f = factors[i]
            lines.append(
                f"  {rank}. {f.path} = {_num(f.value)} [{_num(f.low)}, {_num(f.high)}]  "
                f"{key} {stats[key][i]:.3g} +- {stats[conf][i]:.2g}  {f.provenance}"
            )
            lines.append(f"       {_short(f.note, 110)}")
    return "\n".join(lines)


def draw(
    folder: Path,
    method: Method,
    factors: Sequence[Factor],
    results: dict[str, dict[str, np.ndarray]],
    metric_words: dict[str, str],
    top: int = 12,
) -> Path:
    """``audit.png``: per component, the top factors as ranked bars coloured by provenance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    key = rank_key(method)
    comps = list(results)
    n = max(1, len(comps))
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(8.5 * cols, 0.32 * top * rows + 1.6 * rows), squeeze=False)
    for ax, comp in zip(axes.flat, comps):
        stats = results[comp]
        order = ranked(method, factors, stats)[:top][::-1]
        values = [stats[key][i] for i in order]
        errs = [stats[f"{key}_conf"][i] for i in order]
        colours = [COLOURS[factors[i].provenance] for i in order]
        ax.barh(range(len(order)), values, xerr=errs, color=colours, ecolor="#555555", capsize=2)
        ax.set_yticks(range(len(order)), [_short(factors[i].path, 44) for i in order], fontsize=7)
        ax.set_title(metric_words[comp], fontsize=10)
        ax.set_xlabel(f"{key} (95% confidence bar)" if method == "morris" else "total-order index ST (95% conf.)", fontsize=8)
        ax.set_xlim(left=0)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[len(comps):]:
        ax.axis("off")
    fig.legend(
        handles=[Patch(color=c, label=k) for k, c in COLOURS.items()],
        loc="upper right",
        fontsize=8,
        title="provenance",
        title_fontsize=8,
    )
    fig.suptitle(f"Which numbers of the evidence base move the answer ({method})", fontsize=11)
    fig.tight_layout(rect=(0.01, 0, 0.92, 0.96))
    path = Path(folder) / "audit.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def redraw(folder: Path) -> Path:
    """Draw ``audit.png`` again from a finished audit's ``audit.csv`` and ``audit.json``."""
    import json

    from .metric import Metric

    folder = Path(folder)
    doc = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    method = doc["method"]
    factors = [Factor(f["parameter"], f["value"], f["provenance"], f["note"], f["low"], f["high"], f["integer"]) for f in doc["factors"]]
    index = {f.path: i for i, f in enumerate(factors)}
    results = {c: {col: np.zeros(len(factors)) for col in COLUMNS[method]} for c in doc["components"]}
    with open(folder / "audit.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for col in COLUMNS[method]:
                results[row["component"]][col][index[row["parameter"]]] = float(row[col] or "nan")
    metric = Metric(doc["metric"])
    return draw(folder, method, factors, results, {c: metric.describe(c) for c in results})
