"""The report: one self-contained HTML page for any result folder, built with autoescaped Jinja2 templates."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli import app
from sim.report import NotAResultFolder, kind_of, write_report
from sim.report.folder import read_table
from sim.report.question import question_in

from .report_folders import QUESTION, tiny_run

NETWORK = re.compile(r"""<(?:script|img|link|iframe|source|video|audio)[^>]+(?:src|href)=["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    return tiny_run(tmp_path_factory.mktemp("report"), "--report")


def test_question_is_the_comment_from_question_to_the_first_empty_comment_line():
    text = "# Question: does the sky\n#   hold by day 180?\n#\n# Notes, not the question.\nname: x\n"
    assert question_in(text) == "does the sky hold by day 180?"
    assert question_in("# Question: one line only\nname: x  # Question: not this\n") == "one line only"
    assert question_in("name: x\n# a comment\n") is None


def test_run_report_holds_question_headline_every_picture_assumptions_and_sources(run_folder):
    html = (run_folder / "report.html").read_text(encoding="utf-8")
    summary = json.loads((run_folder / "summary.json").read_text())
    assert summary["question"] == QUESTION
    pngs = sorted(run_folder.glob("*.png"))
    assert len(pngs) >= 3
    assert html.count('src="data:image/png;base64,') == len(pngs)
    assert not NETWORK.search(html)
    # the question and the description are escaped by the template, never injected
    assert "how fast is a &lt;tiny&gt; sky held &amp; what stays short?" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    # headline: one row per component with its mean coverage as written in summary.json
    for comp, c in summary["components"].items():
        assert f"{round(c['mean_coverage'] * 100)}%" in html and comp in html
    # deadlines, where the run has them: one column pair per day, chances as percentages
    days = {d["day"] for c in summary["components"].values() for d in c.get("deadlines") or []}
    for d in days:
        assert f"by day {d}</th>" in html
    # assumptions: every parameter default carried by an assumption note is listed, with its reason
    notes = {p: e["assumption"] for p, e in summary["defaults_used"]["parameters"].items() if "assumption" in e}
    assert notes
    for path in notes:
        assert f"<td>{path}<span" in html
    # sources: each cited source is listed; those with a URL are links
    from sim.catalog import Catalog

    cat = Catalog.load()
    cited = {sid for e in summary["defaults_used"]["parameters"].values() for sid in e.get("sources", [])}
    assert cited
    for sid in cited:
        assert f'id="src-{sid}"' in html
        url = cat.sources[sid].get("url")
        if url:
            assert f'href="{url}"' in html


def test_css_is_inline_and_not_escaped(run_folder):
    html = (run_folder / "report.html").read_text(encoding="utf-8")
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@media print" in style and "@media (max-width" in style
    assert "&#34;" not in style and "&quot;" not in style and '"Segoe UI"' in style


def test_report_command_writes_elsewhere_with_out_and_refuses_other_folders(run_folder, tmp_path):
    target = tmp_path / "shared" / "page.html"
    result = CliRunner().invoke(app, ["report", str(run_folder), "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(target.parent.glob(".report-*"))  # nothing left aside
    bad = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert bad.exit_code == 2
    assert str(tmp_path) in bad.output and "summary.json" in bad.output and "Traceback" not in bad.output


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.mark.parametrize(
    ("marker", "kind"),
    [("compare.csv", "compare"), ("levers.csv", "levers"), ("audit.csv", "audit"), ("goal.json", "goal")],
)
def test_each_kind_is_recognised_by_its_file_and_its_table_shown(tmp_path, marker, kind):
    folder = tmp_path / kind
    folder.mkdir()
    if marker.endswith(".csv"):
        _csv(folder / marker, ["component", "metric", "value<b>"], [["sky", "mean_coverage", 0.123456789]])
    else:
        (folder / marker).write_text(json.dumps({"answer": 16, "estimate": 0.81, "target": "sky:p_foc_by_180>=0.8"}))
    assert kind_of(folder) == kind
    html = write_report(folder).read_text(encoding="utf-8")
    if marker.endswith(".csv"):
        assert f"<code>{marker}</code>" in html and "0.1235" in html and "value&lt;b&gt;" in html
    else:
        assert "sky:p_foc_by_180&gt;=0.8" in html and "<td>answer</td><td>16</td>" in html
    assert "Assumptions the answer rests on" in html and 'id="sources"' in html


def test_long_tables_are_capped_and_say_how_many_rows_are_left_out(tmp_path):
    _csv(tmp_path / "compare.csv", ["scenario", "diff", "empty"], [[f"s{i}", i / 3, ""] for i in range(150)])
    table = read_table(tmp_path / "compare.csv", max_rows=60)
    assert table.total == 150 and len(table.rows) == 60 and table.columns == ["scenario", "diff"]
    html = write_report(tmp_path).read_text(encoding="utf-8")
    assert "First 60 of 150 rows" in html and ">s59</td>" in html and ">s60</td>" not in html


def test_a_folder_the_tool_did_not_write_is_refused(tmp_path):
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(NotAResultFolder):
        kind_of(tmp_path)


def test_sweep_report_shows_the_design_and_results(tmp_path):
    from .report_folders import write_tiny

    write_tiny(tmp_path)
    (tmp_path / "sweep.yaml").write_text(
        "base: tiny.yaml\nreplications: 2\nseed: 9\ndesign: grid\nparameters:\n  us_backstop.level: [none, guarantee]\n"
    )
    out = tmp_path / "sw"
    result = CliRunner().invoke(
        app, ["sweep", str(tmp_path / "sweep.yaml"), "--quiet", "--workers", "1", "--out", str(out), "--report"]
    )
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert kind_of(out) == "sweep" and "Sweep report" in html
    assert "how fast is a &lt;tiny&gt; sky" in html  # the base scenario's question
    assert "<code>results.csv</code>" in html and "us_backstop.level" in html and "none, guarantee" in html
    assert html.count('src="data:image/png;base64,') == len(list(out.glob("*.png"))) >= 1


def test_compare_report_names_both_scenarios_their_questions_and_the_significant_differences(tmp_path):
    from .report_folders import write_tiny

    ref = write_tiny(tmp_path)
    other = tmp_path / "other.yaml"
    text = ref.read_text(encoding="utf-8").replace("# Question: how fast", "# Question: without Beta, how fast")
    other.write_text(text.replace("name: tiny", "name: tiny-other").replace("probability: 0.8", "probability: 0.1"))
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", str(ref), str(other), "--reps", "4", "--out", str(out), "-q", "--report"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert kind_of(out) == "compare" and "tiny vs tiny-other" in html
    assert "Question (tiny):" in html and "Question (other):" in html and "without Beta, how fast" in html
    rows = list(csv.DictReader(open(out / "compare.csv")))
    significant = [r for r in rows if r["diff_low"] and (float(r["diff_low"]) > 0 or float(r["diff_high"]) < 0)]
    assert html.count('<tr class="significant">') == len(significant[:60])
    assert html.count('src="data:image/png;base64,') == len(list(out.glob("*.png")))


def test_an_audit_table_keeps_the_top_rows_of_every_component(tmp_path):
    rows = [[f"p{i}", comp, 1.0 - i / 100] for comp in ("sky", "sea", "land", "regeneration") for i in range(30)]
    _csv(tmp_path / "audit.csv", ["parameter", "component", "mu_star"], rows)
    html = write_report(tmp_path).read_text(encoding="utf-8")
    assert "First 60 of 120 rows (the first 15 per component)" in html
    for comp in ("sky", "sea", "land", "regeneration"):
        assert html.count(f'<td class="text">{comp}</td>') == 15
