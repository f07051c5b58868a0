"""The board's month calendar, written out in one pass instead of node by node.

A month of a full house is some four hundred cells, and the template engine spent more on them
than on the rest of the board (each cell resolved the stay, its visibility and two initials).
The markup is what the template wrote; every value is escaped with the standard library's
``html.escape`` (what Django's ``escape`` does), and each stay's cell is written once.
"""

from __future__ import annotations

from collections.abc import Collection
from html import escape
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def calendar_rows(calendar: dict[str, Any], visible: Collection[int]) -> SafeString:
    """A ``<tr>`` for each bed: who slept there each night of the month, by initials; a child
    whose case the reader may not see is a dot."""
    written: dict[int, str] = {}

    def cell(stay: Any) -> str:
        if stay is None:
            return "<td></td>"
        if stay.pk not in written:
            if stay.pk in visible:
                person = stay.person
                initials = escape(person.first_name[:1] + person.last_name[:1])
            else:
                initials = "•"
            written[stay.pk] = f'<td class="busy">{initials}</td>'
        return written[stay.pk]

    rows = [
        f"<tr><th>{escape(bed.label)}</th>{''.join(cell(stay) for stay in cells)}</tr>"
        for bed, cells in calendar["rows"]
    ]
    return mark_safe("".join(rows))  # noqa: S308  (every value escaped)
