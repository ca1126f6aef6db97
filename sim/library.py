"""The data shipped with coalition-sim: the evidence base, the scenario library, the example sweeps.

In the repository they are the top-level folders ``seeds/``, ``scenarios/``
and ``sweeps/``; a wheel carries the same folders inside the package, as
``sim/data/<kind>/``, read with :mod:`importlib.resources`. :func:`folder`
finds them either way, so the clone, an editable install and an installed
wheel behave alike. ``$COALITION_SIM_SEEDS`` still overrides the evidence base
(see :func:`evidence_base`).

A library scenario or sweep can be named instead of a file
(``coalition-sim run baseline``): :func:`resolve` turns a name into its file
when no such file exists where the user is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ScenarioError

KINDS = ("seeds", "scenarios", "sweeps")
SEEDS_ENV = "COALITION_SIM_SEEDS"


def folder(kind: str) -> Path:
    """The shipped folder ``kind`` (one of :data:`KINDS`): packaged in a wheel, else the checkout's.

    Raises:
        ScenarioError: the folder is in neither place (a broken install).
    """
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    packaged = resources.files("sim").joinpath("data", kind)
    if packaged.is_dir():
        return Path(str(packaged))  # wheels install as plain files
    checkout = Path(__file__).resolve().parent.parent / kind  # a clone or an editable install
    if checkout.is_dir():
        return checkout
    raise ScenarioError([f"{packaged}: the packaged {kind}/ folder is missing (reinstall coalition-sim)"])


@dataclass(frozen=True)
class EvidenceBase:
    """Which evidence base (``seeds/``) is in use, for a run's record."""

    directory: Path
    origin: str
    """``packaged`` (inside the installed package), ``checkout`` (the repository's ``seeds/``),
    ``COALITION_SIM_SEEDS`` (the override) or ``given folder`` (``Catalog.load(directory)``)."""

    def record(self) -> dict:
        """A JSON-ready description: origin, folder and a digest of its files."""
        digest = hashlib.sha256()
        files = sorted(p for p in self.directory.glob("*.yaml") if p.is_file())
        for p in files:
            digest.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        return {
            "origin": self.origin,
            "directory": str(self.directory),
            "files": [p.name for p in files],
            "sha256": digest.hexdigest(),
        }


def evidence_base(directory: str | os.PathLike | None = None) -> EvidenceBase:
    """The evidence base in ``directory``, or the one to use: ``$COALITION_SIM_SEEDS`` if set, else the shipped ``seeds/``."""
    env = os.environ.get(SEEDS_ENV)
    shipped = folder("seeds")
    d = Path(directory) if directory is not None else Path(env) if env else shipped
    if d.resolve() == shipped.resolve():
        origin = "packaged" if Path(str(resources.files("sim"))).resolve() in shipped.resolve().parents else "checkout"
    elif env and d.resolve() == Path(env).resolve():
        origin = SEEDS_ENV
    else:
        origin = "given folder"
    return EvidenceBase(d, origin)


def entries(kind: str = "scenarios") -> dict[str, Path]:
    """The library's files of ``kind`` by name (file stem), in name order."""
    return {p.stem: p for p in sorted(folder(kind).glob("*.yaml"))}


def resolve(arg: str | os.PathLike, kind: str = "scenarios") -> Path:
    """``arg`` as given if it exists (or looks like a path); else the library file it names.

    ``baseline`` and ``baseline.yaml`` both name ``scenarios/baseline.yaml`` of
    the library when there is no file ``baseline`` where the user is. Anything
    else is returned unchanged, so the loader reports the missing file.
    """
    path = Path(arg)
    if path.exists() or len(path.parts) != 1:
        return path
    name = path.name[:-5] if path.name.endswith(".yaml") else path.name
    found = entries(kind).get(name)
    return found if found is not None else path


def question(path: Path) -> str:
    """The question a library file asks, as one line ('' if none).

    That is its ``# Question:`` comment (with the comment lines that continue
    it), else the first paragraph of comments at the top of the file.
    """
    paragraphs: list[list[str]] = [[]]
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text.startswith("#"):
            break
        body = text.lstrip("#").strip()
        if body:
            paragraphs[-1].append(body)
        elif paragraphs[-1]:
            paragraphs.append([])
    for para in paragraphs:
        if para and para[0].lower().startswith("question:"):
            return " ".join([para[0][len("question:") :].strip(), *para[1:]])
    return " ".join(paragraphs[0])


def _bases(path: Path) -> list[Path]:
    """Files a library file builds on (``extends:`` of a scenario, ``base:`` of a sweep), relative ones."""
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return []
    out = []
    for key in ("extends", "base"):
        ref = doc.get(key) if isinstance(doc, dict) else None
        if isinstance(ref, str) and not Path(ref).is_absolute():
            out.append((path.parent / ref).resolve())
    return out


def copy(names: list[str], to: str | os.PathLike, kind: str = "scenarios") -> list[Path]:
    """Copy library files (all when ``names`` is empty) into the folder ``to``, with the files they build on.

    A scenario that ``extends:`` another library file brings that file too, so
    the copies run as they are; scenarios are copied side by side into ``to``.
    A sweep names its base scenario by a relative path (``../scenarios/...``),
    so sweeps are copied into ``to/sweeps/`` with their bases in
    ``to/scenarios/``: the files stay byte for byte what the library holds and
    still find each other. Nothing is overwritten.

    Returns:
        The files written, in order.

    Raises:
        ScenarioError: an unknown name (with the known ones) or a file that exists already.
    """
    library = entries(kind)
    unknown = [n for n in names if n.removesuffix(".yaml") not in library]
    if unknown:
        raise ScenarioError(
            [f"{n}: expected a library {kind[:-1]}; known: {', '.join(library)}" for n in unknown]
        )
    wanted = [library[n.removesuffix(".yaml")] for n in names] if names else list(library.values())
    roots = {k: folder(k).resolve() for k in (("scenarios",) if kind == "scenarios" else ("sweeps", "scenarios"))}
    todo: list[Path] = []
    stack = list(reversed(wanted))
    while stack:
        p = stack.pop().resolve()
        if p in todo:
            continue
        todo.append(p)
        stack.extend(b for b in _bases(p) if b.is_file() and b.parent in roots.values() and b not in todo)
    target = Path(to)

    def place(p: Path) -> Path:  # scenarios side by side; with sweeps, the library's own two folders
        if kind == "scenarios":
            return target / p.name
        return target / next(k for k, root in roots.items() if p.parent == root) / p.name

    copies = {p: place(p) for p in todo}
    clashes = [c for c in copies.values() if c.exists()]
    if clashes:
        raise ScenarioError([f"{c}: exists already; nothing was copied (choose another folder)" for c in clashes])
    for p, c in copies.items():
        c.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, c)
    return list(copies.values())
