"""One self-contained HTML page for any folder the tool writes (run, compare, sweep, levers, audit, goal).

``coalition-sim report DIR`` writes ``DIR/report.html``: the scenario's
question, the headline table, every picture inline (data URIs), the tables of
the comparison, levers or audit, the assumptions the answer rests on and the
sources with links. CSS is inline and nothing is fetched from the network, so
the file can be mailed, opened on a phone or printed.
"""

from __future__ import annotations

from .build import render_report, report_context, write_report
from .folder import NotAResultFolder, kind_of

__all__ = ["NotAResultFolder", "kind_of", "render_report", "report_context", "write_report"]
