"""What ships with the package: the data folders, the scenario library by name, sources, the public API."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim
from sim import library
from sim.cli import app
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def cli(*args, cwd, env=None):
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
    )


# --- the shipped folders ----------------------------------------------------------------------


def test_the_data_folders_are_found_and_full():
    seeds = library.folder("seeds")
    assert {p.name for p in seeds.glob("*.yaml")} >= {"sources.yaml", "countries.yaml", "backstop.yaml", "parameters.yaml"}
    assert "baseline" in library.entries("scenarios")
    assert "leave_one_out" in library.entries("sweeps")
    with pytest.raises(ValueError):
        library.folder("secrets")


def test_every_library_file_states_its_question():
    for kind in ("scenarios", "sweeps"):
        for name, path in library.entries(kind).items():
            q = library.question(path)
            assert len(q) > 20 and "\n" not in q, (kind, name, q)
    assert library.question(library.entries()["baseline"]).startswith("with the coalition")


def test_a_name_resolves_to_the_library_only_where_no_such_file_exists(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert library.resolve("baseline") == library.entries()["baseline"]
    assert library.resolve("baseline.yaml") == library.entries()["baseline"]
    assert library.resolve("leave_one_out", "sweeps") == library.entries("sweeps")["leave_one_out"]
    (tmp_path / "baseline").write_text("mine")
    assert library.resolve("baseline") == Path("baseline")  # the user's file wins
    assert library.resolve("nothing-here") == Path("nothing-here")  # left for the loader to report
    assert library.resolve("sub/baseline") == Path("sub/baseline")  # a path is never looked up


def test_run_a_library_scenario_by_name(tmp_path):
    proc = cli("run", "baseline", "--reps", "1", "--no-plots", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "plots" / "baseline" / "summary.json").read_text())
    assert Path(summary["scenario_file"]) == library.entries()["baseline"]
    base = summary["evidence_base"]
    assert base["origin"] in ("checkout", "packaged")
    assert base["files"] == ["backstop.yaml", "countries.yaml", "parameters.yaml", "sources.yaml"]
    assert len(base["sha256"]) == 64


def test_the_seeds_override_is_recorded(tmp_path):
    import shutil

    seeds = tmp_path / "myseeds"
    shutil.copytree(library.folder("seeds"), seeds)
    proc = cli("run", "baseline", "--reps", "1", "--no-plots", "--out", tmp_path / "o", cwd=tmp_path,
               env={"COALITION_SIM_SEEDS": str(seeds)})
    assert proc.returncode == 0, proc.stderr
    base = json.loads((tmp_path / "o" / "summary.json").read_text())["evidence_base"]
    assert base["origin"] == "COALITION_SIM_SEEDS" and base["directory"] == str(seeds)
    shipped = library.evidence_base(library.folder("seeds")).record()
    assert base["sha256"] == shipped["sha256"]
    (seeds / "sources.yaml").write_text((seeds / "sources.yaml").read_text() + "\n# edited\n")
    assert library.evidence_base(seeds).record()["sha256"] != shipped["sha256"]


def test_scenarios_lists_the_library_with_questions():
    r = runner.invoke(app, ["scenarios"])
    assert r.exit_code == 0, r.output
    for name, path in library.entries().items():
        line = next(line for line in r.output.splitlines() if line.split()[:1] == [name])
        assert library.question(path)[:30] in line
    r = runner.invoke(app, ["scenarios", "no-such"])
    assert r.exit_code == 2 and "no-such" in r.output and "baseline" in r.output


def test_scenarios_copies_to_edit_and_never_overwrites(tmp_path):
    r = runner.invoke(app, ["scenarios", "us-none", "--copy-to", str(tmp_path / "mine")])
    assert r.exit_code == 0, r.output
    copied = tmp_path / "mine" / "us-none.yaml"
    assert copied.read_bytes() == library.entries()["us-none"].read_bytes()
    copied.write_text("my edits")
    r = runner.invoke(app, ["scenarios", "us-none", "--copy-to", str(tmp_path / "mine")])
    assert r.exit_code == 2 and copied.read_text() == "my edits"
    r = runner.invoke(app, ["scenarios", "--copy-to", str(tmp_path / "all")])
    assert r.exit_code == 0
    assert sorted(p.stem for p in (tmp_path / "all").iterdir()) == sorted(library.entries())


def test_a_copy_brings_the_files_it_extends(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "base.yaml").write_text("# Question: the base?\nname: base\n")
    (lib / "mid.yaml").write_text("# Question: in between?\nextends: base.yaml\nname: mid\n")
    (lib / "top.yaml").write_text("# Question: on top?\nextends: mid.yaml\nname: top\n")
    monkeypatch.setattr(library, "folder", lambda kind: lib)
    written = library.copy(["top"], tmp_path / "out")
    assert [p.name for p in written] == ["top.yaml", "mid.yaml", "base.yaml"]
    with pytest.raises(ScenarioError):
        library.copy(["nope"], tmp_path / "out2")


# --- sources ----------------------------------------------------------------------------------


def test_the_news_reports_are_cited_by_outlet_headline_date_and_url():
    doc = yaml.safe_load((library.folder("seeds") / "sources.yaml").read_text(encoding="utf-8"))
    seeds = [s for s in doc["sources"] if s["id"].startswith("seed-")]
    assert len(seeds) == 5
    for s in seeds:
        assert s["outlet"] and s["title"] and s["date"], s["id"]
        assert str(s["url"]).startswith("https://"), s["id"]
        assert "file" not in s, s["id"]


def test_nothing_names_a_path_outside_the_repository():
    needles = ("../" + "shared", "/work" + "/", "FACTS" + ".md")
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    hits = []
    for name in files:
        path = ROOT / name
        if path.suffix in (".png", ".pdf") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        hits += [f"{name}: {n}" for n in needles if n in text]
    assert hits == []
    r = runner.invoke(app, ["sources"])
    assert r.exit_code == 0 and not any(n in r.output for n in needles[::2])  # the checkout itself may be in /work


# --- the public API ---------------------------------------------------------------------------


def test_every_public_name_resolves():
    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert name in dir(sim)


def test_every_public_name_is_visible_to_type_checkers():
    tree = ast.parse((ROOT / "sim" / "__init__.py").read_text())
    seen = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom)
                for alias in imp.names:
                    seen[alias.asname or alias.name] = imp.module
    assert set(seen) == set(sim.__all__)
    for name, module in seen.items():
        assert getattr(sim, name) is getattr(__import__(f"sim.{module}", fromlist=[name]), name)


def test_plots_reachable_after_a_plain_import():
    code = "import sim; print(callable(sim.plots.draw_run), callable(sim.output.write_aside))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.split() == ["True", "True"], proc.stderr
    with pytest.raises(AttributeError):
        sim.no_such_name  # noqa: B018


def test_py_typed_is_shipped():
    assert (Path(sim.__file__).parent / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"py.typed"' in pyproject


def test_ci_runs_the_readmes_test_command_and_the_wheel():
    import re

    readme = (ROOT / "README.md").read_text()
    command = re.search(r"\*\*Run the tests:\*\*\s*```bash\n(.+?)\n```", readme, re.S).group(1).strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert command in ci.splitlines()
    assert "python -m build" in ci and "coalition-sim\" run baseline" in ci.replace("$cs", "coalition-sim")


def test_a_copied_sweep_runs_on_its_copied_base(tmp_path):
    from sim.sweep.spec import load_sweep

    r = runner.invoke(app, ["scenarios", "--sweeps", "leave_one_out", "--copy-to", str(tmp_path / "mine")])
    assert r.exit_code == 0, r.output
    sweep_copy, base_copy = tmp_path / "mine" / "sweeps" / "leave_one_out.yaml", tmp_path / "mine" / "scenarios" / "baseline.yaml"
    assert sweep_copy.read_bytes() == library.entries("sweeps")["leave_one_out"].read_bytes()
    assert base_copy.read_bytes() == library.entries()["baseline"].read_bytes()
    base_copy.write_text(base_copy.read_text(encoding="utf-8").replace("horizon_days: 730", "horizon_days: 400"), encoding="utf-8")
    assert {s.horizon_days for s in load_sweep(sweep_copy).scenarios} == {400}  # the copy reads its own base
    r = runner.invoke(app, ["scenarios", "--sweeps", "leave_one_out", "--copy-to", str(tmp_path / "mine")])
    assert r.exit_code == 2 and "exists already" in r.output
