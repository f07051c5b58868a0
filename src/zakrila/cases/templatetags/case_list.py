"""The case list's rows, and the referrals waiting above them, written out here in one pass
instead of node by node.

The case list is the page opened most, and on every view the template engine resolved eight
variables, a condition and a date for each of its 50 rows: half of the page's rendering. Here
each value is escaped with the standard library's ``html.escape`` (what Django's ``escape``
does, without its lazy-string checks) and each date formatted once per list.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zakrila.cases.queries import CaseRow, PendingReferralRow
from zakrila.core.rows import short_dates

register = template.Library()


@register.simple_tag
def case_rows(cases: Iterable[CaseRow]) -> SafeString:
    """``<tr>`` for each case: number (linked, marked when restricted), child or parent,
    status, risk, key worker and the date it opened."""
    restricted = escape(_("restricted"))  # outside the f-string: the extractor skips those
    restricted = f' <span class="badge warn">{restricted}</span>'
    day = short_dates()

    rows = [
        f'<tr><td><a href="{escape(case.url)}">{escape(case.number)}</a>'
        f"{restricted if case.is_restricted else ''}</td><td>{escape(case.person)}</td>"
        f"<td>{escape(case.status)}</td><td>{escape(case.risk)}</td>"
        f"<td>{escape(case.key_worker)}</td><td>{day(case.opened_on)}</td></tr>"
        for case in cases
    ]
    return mark_safe("\n".join(rows))  # noqa: S308  (every value escaped above)


@register.simple_tag
def referral_rows(referrals: Iterable[PendingReferralRow]) -> SafeString:
    """``<li>`` for each referral waiting for a decision: the person (linked), who referred,
    the date it came and the unit. Up to 20 on every view of the list, five values each."""
    day = short_dates()
    rows = [
        f'<li><a href="{escape(referral.url)}">{escape(referral.person)}</a> — '
        f"{escape(referral.source)}, {day(referral.received_on)} · {escape(referral.unit)}</li>"
        for referral in referrals
    ]
    return mark_safe("".join(rows))  # noqa: S308  (every value escaped above)
