"""The visual report of an alignment: one self-contained HTML page with figures.

``tolka match --report`` and ``tolka learn --report`` write it; a server can send the string
:func:`render_report` returns. Modules: :mod:`~services.report.data` gathers the table rows and
the heatmap's scores, :mod:`~services.report.overlays` the learned pairs' time series,
:mod:`~services.report.figures` draws the PNGs, :mod:`~services.report.template` holds the page,
:mod:`~services.report.page` puts it together.
"""

from __future__ import annotations

from services.report.data import ranked_candidates
from services.report.page import check_writable, render_report, write_report
from services.report.template import CONTENT_SECURITY_POLICY

__all__ = ["CONTENT_SECURITY_POLICY", "check_writable", "ranked_candidates", "render_report", "write_report"]
