"""Parameter sweeps: many variants of one scenario, run in parallel, summarised per point.

A sweep is load -> expand -> validate -> execute -> save -> plot, each its own module:

- :mod:`sim.sweep.paths`     the path syntax (``countries[France].land.troops``) on raw scenario mappings
- :mod:`sim.sweep.spec`      the sweep file (pydantic), design expansion into points, validation up front
- :mod:`sim.sweep.worker`    the task a worker runs: a batch of replications -> per-replication metrics
- :mod:`sim.sweep.executors` where tasks run: in-process, a local process pool, or Dask
- :mod:`sim.sweep.store`     the append-only journal, ``results.csv`` and ``sweep.json``
- :mod:`sim.sweep.run`       the driver: batching, merging per point, resume, progress
- :mod:`sim.sweep.plots`     figures chosen from the design, redrawn from the files
- :mod:`sim.sweep.cli`       the ``coalition-sim sweep`` command

This package imports nothing heavy at import time, so the CLI stays fast.
"""
