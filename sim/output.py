"""Output folders that are never half-written and never lose what a user has.

Every command that writes a folder of results goes through this module::

    from sim.output import check_target, write_aside

    check_target(folder, replaces="summary.json")       # before simulating: exit 2 early if it cannot work
    ...simulate...
    with write_aside(folder, replaces="summary.json") as tmp:
        write_files(tmp)                                # everything goes into a temporary sibling folder
    # here the complete folder has replaced ``folder`` in one step

Rules:

- The new files are written to a temporary folder beside the target
  (``.NAME.tmp-PID-XXXX``) and moved into place only when the ``with`` block
  ends normally. If it raises (an error, Ctrl-C), the temporary folder is
  removed and the target is left exactly as it was.
- The target is replaced as a whole, so no file of an earlier run remains
  beside the new ones.
- Only a folder that is absent, empty, or holds an earlier output of the
  same kind (one of the ``replaces`` marker files, e.g. ``summary.json`` for a
  run) is ever replaced. Anything else is the user's: :class:`OutputError`.
- :func:`check_target` finds, before any work, a target that is a file, a
  parent that is a file, or a place that cannot be written.

:func:`safe_name` and :func:`default_folder` turn a scenario's or sweep's name
into one safe path component under ``plots/``. All problems are reported as
:class:`OutputError`, a :class:`~sim.errors.ScenarioError` with one line, so
the command line prints it and exits with status 2.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from .errors import ScenarioError

__all__ = ["OutputError", "check_target", "default_folder", "safe_name", "write_aside"]

_TMP = ".{name}.tmp-"
_OLD = ".{name}.old-"


class OutputError(ScenarioError):
    """An output folder that cannot or must not be written (one line, exit status 2)."""

    def __init__(self, target: str | Path, expected: str):
        """``target``: the folder asked for; ``expected``: what is wrong, as one clause."""
        super().__init__([f"{target}: {expected}"])


def safe_name(name: str, fallback: str = "run") -> str:
    """``name`` as one safe path component: no separators, no ``..``, not absolute, not empty.

    Letters, digits, ``-``, ``_`` and ``.`` are kept; every other run of
    characters becomes ``-``; leading and trailing dots and dashes are removed
    (so the result is never hidden, ``.`` or ``..``); at most 100 characters.
    An empty result becomes ``fallback``.

    >>> safe_name("../../x")
    'x'
    >>> safe_name("UK / France only")
    'UK-France-only'
    """
    text = unicodedata.normalize("NFC", str(name))
    text = re.sub(r"[^\w.\-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.strip(".-_")[:100].strip(".-_")
    return text or fallback


def default_folder(name: str, root: str | Path = "plots") -> Path:
    """The default output folder for ``name``: ``root/<safe_name(name)>``."""
    return Path(root) / safe_name(name)


def changed_name(name: str, sets: Iterable[str]) -> str:
    """The default name of a run of ``name`` with ``--set`` changes: never the unchanged scenario's folder.

    The changes are sorted (their order does not change the scenario); a long
    list is shortened to a digest so two different lists never share a name.

    >>> changed_name("baseline", ["us_backstop.level=guarantee"])
    'baseline-set-us_backstop.level-guarantee'
    >>> changed_name("baseline", [])
    'baseline'
    """
    changes = sorted(sets)
    if not changes:
        return name
    text = safe_name("-".join(changes))
    if len(text) > 60:
        import hashlib

        text = text[:48].rstrip(".-_") + "-" + hashlib.sha256("\n".join(changes).encode()).hexdigest()[:10]
    return f"{name}-set-{text}"


def _markers(replaces: str | Iterable[str]) -> tuple[str, ...]:
    return (replaces,) if isinstance(replaces, str) else tuple(replaces)


PICTURES = frozenset({
    "coverage.png", "timeline.png", "shortfall.png", "trained.png",  # a run
    "line.png", "heatmap.png", "tornado.png", "sensitivity.png",  # a sweep
    "compare.png", "levers.png", "audit.png",
})
"""Pictures the tool draws. A folder holding nothing else is an earlier output whose data files were not
kept: the committed gallery (``plots/baseline/`` and the like) keeps its pictures, not its CSV and JSON."""


def _ours(folder: Path, markers: tuple[str, ...]) -> bool:
    """True if ``folder`` is empty, holds one of the marker files, or holds only pictures the tool draws."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    if not entries or any((folder / m).is_file() for m in markers):
        return True
    return all(e.name in PICTURES and e.is_file() and not e.is_symlink() for e in entries)


def check_target(target: str | Path, replaces: str | Iterable[str] = ()) -> Path:
    """Check, before any work, that ``target`` can be written as an output folder; return it.

    Args:
        target: the output folder (it need not exist yet).
        replaces: marker file names (e.g. ``"summary.json"``): an existing,
            non-empty ``target`` is replaced only if it holds one of them.

    Raises:
        OutputError: ``target`` is a file; it holds other files; a parent is a
            file; or the nearest existing parent cannot be written.
    """
    target = Path(target)
    markers = _markers(replaces)
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise OutputError(target, "expected an output folder, but this is a file (choose another --out)")
        if not _ours(target, markers):
            kind = " or ".join(markers) or "output"
            raise OutputError(
                target,
                f"holds files that are not an earlier result of this command (no {kind}); "
                "nothing is replaced: choose another --out or an empty folder",
            )
    parent = Path(os.path.abspath(target)).parent
    probe = parent
    while not probe.exists():
        if probe.is_symlink():  # a dangling link
            raise OutputError(target, f"cannot create the folder: {probe} is a broken link")
        probe = probe.parent
    if not probe.is_dir():
        raise OutputError(target, f"cannot create the folder: {probe} is a file")
    try:  # the only test that cannot lie (read-only file systems, ACLs, root): try it
        os.rmdir(tempfile.mkdtemp(prefix=".coalition-sim-probe-", dir=probe))
    except OSError as exc:
        raise OutputError(target, f"cannot write in {probe} ({exc.strerror or exc})") from None
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def pid_exists(pid: int) -> bool:
    """True if the kernel knows process ``pid`` (one we may not signal counts as existing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders left beside ``name`` by a process that no longer runs (kill -9)."""
    for prefix in (_TMP.format(name=name), _OLD.format(name=name)):
        for path in parent.glob(f"{glob_escape(prefix)}*"):
            pid = path.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and not pid_exists(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def glob_escape(text: str) -> str:
    """``text`` with glob metacharacters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _move_into_place(tmp: Path, target: Path) -> None:
    """Put the finished ``tmp`` folder at ``target``, replacing an earlier one as a whole."""
    if not (target.exists() or target.is_symlink()):
        os.rename(tmp, target)
        return
    if target.is_dir() and not target.is_symlink() and _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the earlier folder
        return
    old = Path(tempfile.mkdtemp(prefix=f"{_OLD.format(name=target.name)}{os.getpid()}-", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)  # a crash between these two renames leaves the earlier folder at `old`
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(old, target)
        raise
    if old.is_symlink() or not old.is_dir():
        old.unlink()
    else:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def write_aside(target: str | Path, replaces: str | Iterable[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; move it into place when the block completes.

    Args:
        target: the output folder to create or replace.
        replaces: marker file names that make an existing folder an earlier
            output of this kind (see :func:`check_target`).

    Yields:
        The empty temporary folder to write every file into.

    Raises:
        OutputError: as :func:`check_target`. If the block raises, the
            temporary folder is removed, ``target`` is untouched and the
            exception propagates.
    """
    target = Path(target)
    check_target(target, replaces)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(target.parent, target.name)
    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP.format(name=target.name)}{os.getpid()}-", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # as a plain mkdir would (mkdtemp makes it private)
        yield tmp
        check_target(target, replaces)  # the folder may have changed while we worked
        _move_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
