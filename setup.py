"""Build hook: ship the top-level ``seeds/``, ``scenarios/`` and ``sweeps/`` inside the package.

In the repository these folders stay at the top level, where users know them; a built wheel
carries copies as ``sim/data/<folder>/``, which :mod:`sim.library` reads with importlib.resources.
Editable installs read the repository's folders directly.

It also compiles the random streams (``sim/_splitmix.pyx``, with Cython) where a C compiler is
found: the same draws as their plain Python twin, about a fifth of a replication's time less.
Without a compiler the extension is skipped (``optional``) and the plain streams are used.
Everything else is in pyproject.toml.
"""

import os
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

DATA = ("seeds", "scenarios", "sweeps")
ROOT = Path(__file__).resolve().parent


class BuildPyWithData(build_py):
    """``build_py`` that also copies the data folders into ``sim/data/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders
        for name in DATA:
            for src in sorted((ROOT / name).rglob("*")):
                if src.is_file() and src.suffix in (".yaml", ".md") and "__pycache__" not in src.parts:
                    dest = Path(self.build_lib, "sim", "data", src.relative_to(ROOT))
                    self.mkpath(str(dest.parent))
                    self.copy_file(str(src), str(dest))


def extensions() -> list:
    """The compiled streams, where Cython is at hand (a build requirement); no extension without it."""
    try:
        from Cython.Build import cythonize
    except ImportError:
        return []
    # no fused multiply-add: every float operation rounds as Python's does
    flags = [] if os.name == "nt" else ["-O2", "-ffp-contract=off"]
    ext = Extension("sim._splitmix", ["sim/_splitmix.pyx"], optional=True, extra_compile_args=flags)
    built = cythonize([ext], language_level=3, quiet=True)
    for each in built:
        each.optional = True  # cythonize's copies drop the flag: a failed compile must leave the plain streams
    return built


setup(cmdclass={"build_py": BuildPyWithData}, ext_modules=extensions())
