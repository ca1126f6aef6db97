"""Which assumptions drive the answer, and what it takes.

- :mod:`sim.audit.space`    the parameter space of a scenario, read from the evidence base
- :mod:`sim.audit.metric`   a scenario outcome by name (``mean_coverage``, ``p_foc_by_180``, ...)
- :mod:`sim.audit.points`   design points run through the sweep engine (common random numbers, resume)
- :mod:`sim.audit.analysis` SALib sampling and analysis (Morris, Sobol)
- :mod:`sim.audit.report`   ``audit.csv``, ``audit.json``, ``audit.png`` and the terminal table
- :mod:`sim.audit.goal`     the smallest value of one number that meets a target (bisection)
- :mod:`sim.audit.cli`      the ``coalition-sim audit`` and ``goal`` commands

Nothing heavy is imported here.
"""
