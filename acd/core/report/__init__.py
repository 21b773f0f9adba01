"""``acd report``: contact-centre KPIs per queue and per agent, computed from the journal.

Pure (no database, no clock): the CLI reads the journal and passes the facts and ``now``
in. Definitions: docs/kpi.md.
"""

from acd.core.report.errors import BadPeriodError, ReportError, UnknownAgentError, UnknownQueueError
from acd.core.report.jsonout import report_json
from acd.core.report.kpi import Report, ReportOptions, compute_report
from acd.core.report.period import Period, parse_period
from acd.core.report.rates import AgentKpis, QueueKpis
from acd.core.report.text import render_text

__all__ = [
    "AgentKpis",
    "BadPeriodError",
    "Period",
    "QueueKpis",
    "Report",
    "ReportError",
    "ReportOptions",
    "UnknownAgentError",
    "UnknownQueueError",
    "compute_report",
    "parse_period",
    "render_text",
    "report_json",
]
