"""The case timeline's entries, written out in one pass instead of node by node.

A page of the timeline is fifty contacts and the other records of their days; the template
engine spent more on them than the rest of the case page together (each contact resolved a
dozen variables, a plural and its staff). The markup is what the template wrote, every value
escaped with the standard library's ``html.escape`` (what Django's ``escape`` does) and each
date formatted once per page.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zakrila.cases.models import ContactKind
from zakrila.cases.timeline import ContactRow, TimelinePage
from zakrila.core.links import url_for
from zakrila.core.rows import short_dates

register = template.Library()


@register.simple_tag
def timeline_entries(timeline: TimelinePage, show_confidential: bool) -> SafeString:
    """``<li>`` for each entry, newest first, and the "Earlier entries" link when there are."""
    day = short_dates()
    write = _Writer(show_confidential)
    items = [
        f'<li><span class="muted">{day(entry["at"])}</span> {write.entry(entry)}</li>'
        for entry in timeline.entries
    ]
    if not items:
        nothing = escape(_("Nothing recorded yet."))
        items.append(f'<li class="empty">{nothing}</li>')
    if timeline.after:
        after, earlier = escape(timeline.after), escape(_("Earlier entries"))
        items.append(
            f'<li class="more"><a class="button" href="?after={after}#timeline" '
            f'hx-get="?after={after}" hx-target="closest li" hx-swap="outerHTML" '
            f'data-testid="timeline-earlier">{earlier}</a></li>'
        )
    return mark_safe("\n".join(items))  # noqa: S308  (every value escaped)


def _lines(text: str) -> str:
    """``linebreaksbr``: the text escaped, its line breaks kept."""
    return escape(normalize_newlines(text)).replace("\n", "<br>")


def _strong(title: str) -> str:
    return f"<strong>{escape(title)}</strong>"


class _Writer:
    """Each kind of entry as the timeline shows it; the words of a page translated once."""

    def __init__(self, show_confidential: bool) -> None:
        self.show_confidential = show_confidential
        self.contact_kinds = {value: escape(str(label)) for value, label in ContactKind.choices}
        self.hidden_note = (
            '<div class="muted" data-testid="note-hidden">'
            + escape(_("Confidential note: seen by the case team, the director and specialists."))
            + "</div>"
        )
        self._enrolment_url: Callable[[int], str] | None = None
        # Outside the f-strings below: the extractor of translatable strings does not look
        # inside an f-string's braces.
        referral, assessment, document = _("Referral"), _("Assessment"), _("Document")
        plan, review = _("Individual support plan"), _("Review")
        self.stage = _("Stage")
        self.by_kind: dict[str, Callable[[Any], str]] = {
            "referral": lambda r: (
                f"{_strong(referral)} — "
                f"{escape(r.get_source_display())}: {escape(r.get_decision_display())}"
            ),
            "assessment": lambda a: (
                f"{_strong(assessment)} — "
                f"{escape(a.template.name)}: {escape(a.get_status_display())}"
            ),
            "plan": lambda p: f"{_strong(f'{plan} {p.number}')} — {escape(p.get_status_display())}",
            "document": lambda d: f"{_strong(document)} — {escape(d.title)}",
            "review": lambda r: f"{_strong(review)} — {escape(r.get_decision_display())}",
            "status": self.status,
            "programme_visit": self.programme_visit,
            "contact": self.contact,
        }

    def entry(self, entry: dict[str, Any]) -> str:
        writer = self.by_kind.get(entry["kind"])
        if writer is not None:
            return writer(entry["item"])
        # Another app's entry with its own title, text and link.
        title = escape(entry.get("title", ""))
        if entry.get("url"):
            title = f'<a href="{escape(entry["url"])}">{title}</a>'
        return f"<strong>{title}</strong> — {escape(entry.get('text', ''))}"

    def status(self, change: Any) -> str:
        moved = escape(change.get_to_status_display())
        if change.from_status:
            moved = f"{escape(change.get_from_status_display())} → {moved}"
        reason = f": {escape(change.reason)}" if change.reason else ""
        by = change.created_by.full_name if change.created_by else ""
        return f'{_strong(self.stage)} — {moved}{reason} <span class="muted">{escape(by)}</span>'

    def programme_visit(self, visit: Any) -> str:
        if self._enrolment_url is None:
            self._enrolment_url = url_for("programmes:enrolment")
        text = (
            f"{_strong(visit.programme.name)} — "
            f'<a href="{escape(self._enrolment_url(visit.enrolment_id))}">{escape(visit.title)}</a>'
        )
        if visit.kind:
            text += f", {escape(visit.get_kind_display())}"
        if visit.done_by:
            by = visit.done_by.full_name or visit.done_by.email
            text += f' <span class="muted">{escape(by)}</span>'
        return text

    def contact(self, contact: ContactRow) -> str:
        minutes = ngettext("%(minutes)s minute", "%(minutes)s minutes", contact.duration_minutes)
        text = (
            f"<strong>{self.contact_kinds.get(contact.kind, escape(contact.kind))}</strong> — "
            f"{timezone.localtime(contact.occurred_at):%H:%M}, "
            f"{escape(minutes % {'minutes': contact.duration_minutes})}"
            f"{', ' + escape(contact.place) if contact.place else ''}"
            f" · {escape(', '.join(contact.staff))}"
        )
        if not contact.note:
            return text
        if contact.is_confidential and not self.show_confidential:
            return text + self.hidden_note
        css = "confidential" if contact.is_confidential else ""
        return f'{text}<div class="{css}">{_lines(contact.note)}</div>'
