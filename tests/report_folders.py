"""Result folders for the report tests: a tiny run written by the CLI, and hand-made folders of each kind."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from sim.cli import app

from .tiny_scenario import SCENARIO

QUESTION = "how fast is a <tiny> sky held & what stays short?"

TINY = {
    **SCENARIO,
    "description": "Two countries <script>alert('x')</script> & a small sky.",
    "replications": 3,
    "countries": SCENARIO["countries"][:2],  # Alpha and Beta
}


def write_tiny(folder: Path) -> Path:
    """The tiny scenario file, opening with a two-line ``# Question:`` comment."""
    head = question_comment(QUESTION)
    path = folder / "tiny.yaml"
    path.write_text(head + "#\n# more notes\n" + yaml.safe_dump(TINY, sort_keys=False), encoding="utf-8")
    return path


def question_comment(question: str) -> str:
    """``question`` as a ``# Question:`` comment broken over two lines."""
    words = question.split()
    half = len(words) // 2
    return f"# Question: {' '.join(words[:half])}\n#   {' '.join(words[half:])}\n"


def tiny_run(folder: Path, *extra: str) -> Path:
    """Run the tiny scenario with the CLI into ``folder/run`` (plots drawn) and return the folder."""
    scenario = write_tiny(folder)
    out = folder / "run"
    result = CliRunner().invoke(app, ["run", str(scenario), "--reps", "3", "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out
