"""Build a report's content from a result folder and render it to one self-contained HTML file.

:func:`report_context` reads the folder (pure reading, nothing simulated);
:func:`render_report` fills the Jinja2 template (autoescaped) with it;
:func:`write_report` writes the page aside and moves it into place.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import secrets
from pathlib import Path
from typing import Any

from . import folder as fl
from . import run_view
from .evidence import catalog_defaults, evidence
from .question import question_of

TITLES = {
    "run": "Run",
    "compare": "Comparison",
    "sweep": "Sweep",
    "levers": "Levers",
    "audit": "Sensitivity audit",
    "goal": "Goal search",
}

CAPTIONS = {
    "coverage": "Coverage of each component over time: the mean across replications with its 5–95% band; "
    "dotted and dashed lines mark initial (IOC) and full (FOC) operating capability.",
    "timeline": "When each country's contingents arrive, by component, across replications.",
    "shortfall": "Why coverage falls short: the missing share of the requirement split by cause, day by day.",
    "line": "The swept parameter against the outcomes, with 5–95% bands.",
    "heatmap": "Days to full operating capability at every point of the sweep (grey: not reached).",
    "tornado": "Who is critical: how much each component's coverage falls without each country.",
    "sensitivity": "Which swept parameters move the outcomes most.",
    "compare": "Each difference from the reference scenario with its 95% interval, per component and metric.",
    "levers": "The gain of each lever with its 95% interval, per component.",
    "audit": "Which assumptions drive the answer, ranked per component and coloured by provenance.",
}
"""Captions of the pictures the commands draw, by file stem; others are captioned by their name."""

PICTURE_ORDER = ("coverage", "timeline", "shortfall", "compare", "levers", "audit", "line", "heatmap", "tornado")

HEADLINE_CSV = {
    "compare": ("compare.csv",),
    "levers": ("levers.csv", "levers_shapley.csv"),
    "audit": ("audit.csv",),
    "sweep": ("results.csv",),
}
"""The tables each kind shows first, by file name."""

SORT_BY = {"levers.csv": "gain"}
"""Tables shown in another order than the file's: the levers that matter most first."""

PER = {"audit.csv": "component"}
"""Tables capped per group rather than overall: an audit's ranking of every component."""


SKIP_CSV = {"coverage.csv", "timeline.csv", "shortfall.csv", "trained.csv"}
"""Run series: summarised in the headline and pictures, listed among the files, not tabled."""

SWEEP_DETAIL = ("_p05", "_p95", "reps")


def data_uri(path: Path) -> str:
    """The file at ``path`` as a ``data:`` URI (base64)."""
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _scenario_paths(folder: Path, docs: dict[str, dict]) -> list[Path]:
    """Scenario files named by the folder's JSON files (run, sweep base, compare's scenarios...)."""
    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and node.lower().endswith((".yaml", ".yml")) and "sweep" not in key:
            found.append(node)

    for doc in docs.values():
        walk(doc)
    out = []
    for name in dict.fromkeys(found):
        for base in (Path.cwd(), folder):
            p = Path(name) if Path(name).is_absolute() else base / name
            if p.is_file():
                out.append(p)
                break
    return out


def _resolved_scenario(path: Path | None) -> dict | None:
    if path is None:
        return None
    from ..errors import ScenarioError
    from ..scenario import load_scenario

    try:
        return load_scenario(path).model_dump(mode="json")
    except (ScenarioError, OSError, ValueError):
        return None


def _questions(docs: dict[str, dict], paths: list[Path]) -> list[tuple[str, str]]:
    """``(scenario file stem, question)`` of each scenario the folder names; a run's own record first."""
    for doc in docs.values():
        if isinstance(doc.get("question"), str) and doc["question"].strip():
            return [("", doc["question"].strip())]
    out = []
    for p in paths:
        q = question_of(p)
        if q and q not in [x for _, x in out]:
            out.append((p.stem, q))
    if len(out) == 1:
        out = [("", out[0][1])]
    return out


def _significant(folder: Path, name: str, label: str, low: str, high: str, value: str) -> list[tuple[str, str]]:
    """Rows of ``name`` whose ``low``-``high`` interval excludes 0, as ``(component, sentence)``."""
    import csv

    path = folder / name
    out: list[tuple[float, str, str]] = []
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                lo, hi, v = float(row[low]), float(row[high]), float(row[value])
            except (KeyError, TypeError, ValueError):
                continue
            if lo > 0 or hi < 0:
                who = row.get("scenario") or row.get("lever") or ""
                metric = row.get("metric") or ""
                out.append((v, row.get("component", ""), f"{who}: {metric} {label} {v:+.4g} (95% interval {lo:+.4g} to {hi:+.4g})".replace("  ", " ")))
    if name == "levers.csv":
        out.sort(key=lambda x: -x[0])
    return [(comp, text) for _, comp, text in out]


def _tables(folder: Path, names: tuple[str, ...], kind: str) -> list[fl.Table]:
    tables = []
    for name in names:
        path = folder / name
        if not path.is_file():
            continue
        table = fl.read_table(path, max_rows=60, sort_by=SORT_BY.get(name), per=PER.get(name))
        if kind in ("sweep", "levers") and name == "results.csv":
            keep = [i for i, c in enumerate(table.columns) if not c.endswith(SWEEP_DETAIL)]
            table = fl.Table(table.name, [table.columns[i] for i in keep], [[r[i] for i in keep] for r in table.rows], table.total)
        tables.append(table)
    return tables


def _significant_findings(folder: Path, kind: str, docs: dict[str, dict]) -> list[tuple[str, str]]:
    if kind == "compare":
        found = _significant(folder, "compare.csv", "differs by", "diff_low", "diff_high", "diff")
        return found or [("", "No difference from the reference has a 95% interval that excludes 0.")]
    if kind == "levers":
        found = _significant(folder, "levers.csv", "gains", "gain_low", "gain_high", "gain")
        return found[:12] if found else [("", "No lever's gain has a 95% interval that excludes 0.")]
    if kind == "goal":
        sentence = docs.get("goal.json", {}).get("sentence")
        return [("", str(sentence))] if sentence else []
    return []


def _goal_history(doc: dict) -> list[fl.Table]:
    """The goal search's evaluations (each value tried, its estimate and interval, met or not) as a table."""
    history = [h for h in doc.get("history") or [] if isinstance(h, dict)]
    if not history:
        return []
    columns = list(dict.fromkeys(k for h in history for k in h))
    rows = [["" if h.get(c) is None else fl.scalar_text(h[c]) for c in columns]
            for h in sorted(history, key=lambda h: (not isinstance(h.get("value"), (int, float)), h.get("value", 0)))]
    return [fl.Table("goal.json#history", columns, rows, len(rows), "by the value tried")]


def _sweep_facts(doc: dict) -> list[tuple[str, str]]:
    sw = doc.get("sweep") or {}
    facts = []
    for p in sw.get("parameters") or []:
        values = p.get("values")
        text = ", ".join(str(v) for v in values) if isinstance(values, list) else f"{p.get('low')} to {p.get('high')}"
        facts.append((str(p.get("path")), text))
    if sw.get("leave_one_out"):
        facts.append(("left out in turn", ", ".join(map(str, sw["leave_one_out"]))))
    if sw.get("points") is not None:
        facts.append(("points", str(len(sw["points"]))))
    if sw.get("design"):
        facts.append(("design", str(sw["design"])))
    if doc.get("failures"):
        facts.append(("failed points", str(len(doc["failures"]))))
    return facts


def report_context(folder: str | Path) -> dict:
    """Everything the report shows, read from ``folder``.

    Raises:
        NotAResultFolder: when ``folder`` is not the output of a coalition-sim command.
    """
    from ..catalog import Catalog

    folder = Path(folder)
    if not folder.is_dir():
        raise fl.NotAResultFolder(f"{folder}: expected a folder written by coalition-sim (not found)")
    kind = fl.kind_of(folder)
    docs = {p.name: d for p in sorted(folder.glob("*.json")) if (d := fl.read_json(p)) is not None}
    summary = docs.get("summary.json")
    scenario = docs.get("scenario.json")
    paths = _scenario_paths(folder, docs)
    if scenario is None and paths:
        scenario = _resolved_scenario(paths[0])
    sweep_doc = docs.get("sweep.json")
    compare_doc = docs.get("compare.json") or {}
    name = (
        (" vs ".join([compare_doc["reference"], *compare_doc.get("others", [])]) if compare_doc.get("reference") else None)
        or (summary or {}).get("scenario")
        or (scenario or {}).get("name")
        or ((sweep_doc or {}).get("sweep") or {}).get("scenario")
        or folder.resolve().name
    )
    description = (summary or {}).get("description") or (scenario or {}).get("description")

    facts: list[tuple[str, str]] = []
    source = summary or sweep_doc or next(iter(docs.values()), {})
    for key, label in (("replications", "replications"), ("seed", "seed"), ("horizon_days", "horizon (days)")):
        value = source.get(key) if source else None
        if value is None and key == "horizon_days":
            value = (scenario or {}).get("horizon_days")
        if value is not None:
            facts.append((label, str(value)))
    level = (summary or {}).get("us_backstop") or ((scenario or {}).get("us_backstop") or {}).get("level")
    if level:
        facts.append(("US backstop", str(level)))
    if summary and summary.get("thresholds"):
        th = summary["thresholds"]
        facts.append(("IOC / FOC", f"{run_view.pct(th.get('ioc'))} / {run_view.pct(th.get('foc'))} of the requirement"))
    if source and source.get("version"):
        facts.append(("coalition-sim", str(source["version"])))

    catalog = Catalog.load()
    if summary and summary.get("defaults_used"):
        used = dict(summary["defaults_used"])
        if level in (used.get("backstop") or {}):
            from ..vocabulary import LEVELS

            top = LEVELS.index(level) if level in LEVELS else len(LEVELS) - 1
            used["backstop"] = {k: v for k, v in used["backstop"].items() if k not in LEVELS[top + 1 :]}
        ev = evidence(used, scenario, catalog)
        evidence_basis = "the catalog defaults this run used"
    else:
        ev = evidence(catalog_defaults(catalog, scenario, level), scenario, catalog)
        evidence_basis = "the catalog defaults of the base scenario" if scenario else "every catalog default"

    tables = _tables(folder, HEADLINE_CSV.get(kind, ()), kind)
    if kind != "sweep" and sweep_doc is not None:
        tables += _tables(folder, HEADLINE_CSV["sweep"], "sweep")
    shown = {t.name for t in tables}
    for path in sorted(folder.glob("*.csv")):
        if path.name not in shown and path.name not in SKIP_CSV:
            tables.append(fl.read_table(path))
    goal = fl.scalar_items(docs["goal.json"]) if "goal.json" in docs else []
    if "goal.json" in docs:
        tables = _goal_history(docs["goal.json"]) + tables

    pics = []
    for pic in fl.pictures(folder, PICTURE_ORDER):
        stem = Path(pic.name).stem
        pics.append({"name": pic.name, "src": data_uri(pic.path), "caption": CAPTIONS.get(stem, "")})

    context: dict[str, Any] = {
        "kind": kind,
        "version": str((source or {}).get("version") or ""),
        "kind_title": TITLES.get(kind, kind),
        "name": name,
        "questions": _questions(docs, paths),
        "description": description,
        "facts": facts,
        "findings": run_view.findings(summary) if summary else _significant_findings(folder, kind, docs),
        "headline": run_view.headline(summary, scenario) if summary else [],
        "deadlines": run_view.deadlines(summary) if summary else None,
        "causes": run_view.causes(folder / "shortfall.csv") if (folder / "shortfall.csv").is_file() else None,
        "burden": run_view.burden(summary) if summary else [],
        "hubs": (summary or {}).get("hubs") or {},
        "withdrawals": (summary or {}).get("withdrawals") or {},
        "sweep_facts": _sweep_facts(sweep_doc) if sweep_doc else [],
        "tables": tables,
        "goal": goal,
        "pictures": pics,
        "assumptions": ev.assumptions,
        "sources": ev.sources,
        "sourced_defaults": ev.sourced_defaults,
        "evidence_basis": evidence_basis,
        "scenario_files": [str(p) for p in paths],
        "files": fl.data_files(folder),
    }
    return context


def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("sim.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["size"] = _size
    return env


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB"):
        if n < 1000 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} MB"


def render_report(folder: str | Path) -> str:
    """The report of ``folder`` as one HTML document (CSS and pictures inline)."""
    env = _environment()
    context = report_context(folder)
    return env.get_template("report.html.j2").render(**context)


def write_report(folder: str | Path, out: str | Path | None = None) -> Path:
    """Write the report of ``folder`` to ``out`` (default ``folder/report.html``) and return its path.

    The page is written to a temporary file beside ``out`` and moved into
    place when complete, so a reader never sees half a report.
    """
    html = render_report(folder)
    target = Path(out) if out else Path(folder) / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".report-{os.getpid()}-{secrets.token_hex(4)}.html.part"
    try:
        with open(tmp, "x", encoding="utf-8") as f:  # a plain open: the user's umask decides the mode
            f.write(html)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
