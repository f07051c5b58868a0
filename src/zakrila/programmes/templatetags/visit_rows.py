"""The due and overdue lists' rows, written out in one pass instead of node by node.

A unit's or a programme's lists show up to a hundred visits on a page that workers open every
day; the template engine spent most of the page's time on their cells. The markup is what the
template wrote, every value escaped with the standard library's ``html.escape`` (what Django's
``escape`` does) and each date formatted once per list.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zakrila.core.rows import short_dates
from zakrila.programmes.queries import VisitRow

register = template.Library()


@register.simple_tag
def visit_rows(rows: Iterable[VisitRow], show_programme: bool, show_worker: bool) -> SafeString:
    """``<tr>`` for each visit: due on (and how late, or until when), the visit, the person
    (linked to the enrolment), the programme and the worker where asked, and the button."""
    day = short_dates()

    until = escape(_("until"))
    record = escape(_("Record the visit"))
    lines = []
    for row in rows:
        if row.overdue:
            late = ngettext("%(n)s day overdue", "%(n)s days overdue", row.days_late) % {
                "n": row.days_late
            }
            when = f' <span class="badge danger">{escape(late)}</span>'
        else:
            when = f' <span class="muted small">({until} {day(row.window_end)})</span>'
        programme = f"<td>{escape(row.programme)}</td>" if show_programme else ""
        worker = f"<td>{escape(row.worker)}</td>" if show_worker else ""
        opening = '<tr class="overdue">' if row.overdue else "<tr>"
        lines.append(
            f"{opening}"
            f"<td>{day(row.due_on)}{when}</td><td>{escape(row.title)}</td>"
            f'<td><a href="{escape(row.enrolment_url)}">{escape(row.person)}</a></td>'
            f"{programme}{worker}"
            f'<td><a class="button small" href="{escape(row.url)}">{record}</a></td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308  (every value escaped above)
