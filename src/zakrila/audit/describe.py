"""The audit trail in plain language: "Viewed the file of Иван Петров", "Changed the case
ЦОП-2026-0042: risk level, key worker", never ``people.person #494 {'what': 'page'}``.

Each app says how its records are named by registering a ``RecordKind`` for an object type (in
a module ``audit_labels.py`` of the app, found at start-up as the admin finds ``admin.py``): a
phrase for the kind as a whole ("the list of cases", for searches) and a function that names
records by id *for the person looking*, through the access policy, with a link when they may
open it. A record the viewer may not see, or one without a registered kind, is named only by its
kind and number ("contact no. 12"), so the audit pages reveal nothing the policy hides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from zakrila.audit.models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RecordLabel:
    """How one record is named in a sentence ("the file of Иван Петров"), and its page."""

    text: str
    url: str = ""


Namer = Callable[[Any, list[str]], Mapping[str, RecordLabel]]  # (viewer, ids) -> labels by id


@dataclass(frozen=True)
class RecordKind:
    many: str | Promise  # the kind as a whole, for searches and lists: "the list of cases"
    name: Namer | None = None


_kinds: dict[str, RecordKind] = {}


def register_record_kind(object_type: str, kind: RecordKind) -> None:
    _kinds[object_type] = kind


def registered_kinds() -> list[str]:
    """The object types with a registered kind that are records (not pseudo-types)."""
    types = []
    for object_type in _kinds:
        try:
            apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        types.append(object_type)
    return types


def names_from(
    visible: Callable[[Any], QuerySet[Any]],
    text: Callable[[Any], str],
    url: Callable[[Any], str] | None = None,
) -> Namer:
    """A namer over the records ``visible(viewer)`` returns: one query for a page of events."""

    def name(viewer: Any, ids: list[str]) -> dict[str, RecordLabel]:
        numbers = [int(i) for i in ids if i.isdigit()]
        found = visible(viewer).filter(pk__in=numbers)
        return {str(obj.pk): RecordLabel(text(obj), url(obj) if url else "") for obj in found}

    return name


# What each action says; %(record)s is the record's name (a link when the viewer may open it).
SENTENCES: dict[str, Promise] = {
    AuditAction.VIEW: gettext_lazy("Viewed %(record)s"),
    AuditAction.CREATE: gettext_lazy("Created %(record)s"),
    AuditAction.UPDATE: gettext_lazy("Changed %(record)s"),
    AuditAction.DELETE: gettext_lazy("Deleted %(record)s"),
    AuditAction.MERGE: gettext_lazy("Merged %(record)s"),
    AuditAction.EXPORT: gettext_lazy("Exported %(record)s"),
    AuditAction.PRINT: gettext_lazy("Printed %(record)s"),
    AuditAction.DOWNLOAD: gettext_lazy("Downloaded %(record)s"),
    AuditAction.SEARCH: gettext_lazy("Searched %(record)s"),
    AuditAction.OVERRIDE: gettext_lazy("Overrode a rule on %(record)s"),
}
SENTENCES_WITHOUT_RECORD: dict[str, Promise] = {
    AuditAction.LOGIN: gettext_lazy("Signed in"),
    AuditAction.LOGOUT: gettext_lazy("Signed out"),
    AuditAction.LOGIN_FAILED: gettext_lazy("Failed to sign in"),
    AuditAction.LOCKED_OUT: gettext_lazy("Was locked out after failed sign-ins"),
    AuditAction.DENIED: gettext_lazy("Was refused a page"),
}

# Names of changed things that are not model fields.
EXTRA_FIELD_LABELS: dict[str, Promise] = {
    "password": gettext_lazy("password"),
    "second_factor": gettext_lazy("second factor (authenticator)"),
    "units": gettext_lazy("units"),
}

WHAT_WAS_SEEN: dict[str, Promise] = {
    "history": gettext_lazy("the list of who saw it"),
    "duplicate comparison": gettext_lazy("to compare possible duplicates"),
    "pdf": gettext_lazy("as PDF"),
}


@dataclass
class DescribedEvent:
    """One row of an audit page: when, who, what was done in a sentence, and how."""

    event: AuditEvent
    who: str
    who_detail: str
    sentence: SafeString
    details: list[str] = field(default_factory=list)


def describe_events(events: Iterable[AuditEvent], *, viewer: Any) -> list[DescribedEvent]:
    events = list(events)
    labels = _labels(events, viewer)
    people = _people(events)
    rows = []
    for event in events:
        name = people.get(event.actor_id) if event.actor_id else None
        rows.append(
            DescribedEvent(
                event=event,
                who=name or event.actor_label or _("the system"),
                who_detail=event.actor_label if name else "",
                sentence=_sentence(event, labels.get((event.object_type, event.object_id))),
                details=detail_phrases(event),
            )
        )
    return rows


def _people(events: list[AuditEvent]) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    ids = {event.actor_id for event in events if event.actor_id}
    if not ids:
        return {}
    return dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "full_name"))


def _labels(events: list[AuditEvent], viewer: Any) -> dict[tuple[str, str], RecordLabel]:
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type and event.object_id:
            wanted[event.object_type].add(event.object_id)
    labels: dict[tuple[str, str], RecordLabel] = {}
    for object_type, ids in wanted.items():
        kind = _kinds.get(object_type)
        named = kind.name(viewer, sorted(ids)) if kind and kind.name else {}
        for object_id in ids:
            labels[(object_type, object_id)] = named.get(object_id) or _numbered(
                object_type, object_id
            )
    return labels


def _numbered(object_type: str, object_id: str) -> RecordLabel:
    """A record named only by its kind and number: nothing the policy might hide."""
    return RecordLabel(
        _("%(kind)s no. %(number)s") % {"kind": kind_name(object_type), "number": object_id}
    )


def kind_name(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return _("record")


def _sentence(event: AuditEvent, label: RecordLabel | None) -> SafeString:
    if event.action in SENTENCES_WITHOUT_RECORD:
        return mark_safe(escape(SENTENCES_WITHOUT_RECORD[event.action]))  # noqa: S308
    template = SENTENCES.get(event.action, gettext_lazy("Did something with %(record)s"))
    if label is not None:
        record = (
            format_html('<a href="{}">{}</a>', label.url, label.text)
            if label.url
            else escape(label.text)
        )
    else:
        kind = _kinds.get(event.object_type)
        record = escape(kind.many if kind else _("records"))
    text = escape(template) % {"record": record}
    fields = changed_field_labels(event)
    if fields:
        text += escape(": " + ", ".join(fields))
    return mark_safe(text)  # noqa: S308  (every part escaped above)


def changed_field_labels(event: AuditEvent) -> list[str]:
    """The changed fields by the names people know (the model's verbose_name)."""
    if not event.changes:
        return []
    try:
        meta = apps.get_model(event.object_type)._meta if event.object_type else None
    except (LookupError, ValueError):
        meta = None
    labels = []
    for name in event.changes:
        label: Any = None
        if meta is not None:
            try:
                label = meta.get_field(name).verbose_name
            except FieldDoesNotExist:
                label = None
        label = label or EXTRA_FIELD_LABELS.get(name) or name.replace("_", " ")
        labels.append(str(label))
    return labels


def detail_phrases(event: AuditEvent) -> list[str]:
    """The details worth telling a person, in words; ids and bookkeeping are left out."""
    details = event.details or {}
    phrases: list[str] = []
    what = details.get("what")
    if what in WHAT_WAS_SEEN:
        phrases.append(str(WHAT_WAS_SEEN[what]))
    if details.get("text"):
        phrases.append(_("for „%(text)s“") % {"text": details["text"]})
    if "found" in details:
        count = int(details["found"])
        phrases.append(ngettext("%(count)s found", "%(count)s found", count) % {"count": count})
    if details.get("list") and "shown" in details:
        count = int(details["shown"])
        phrases.append(ngettext("%(count)s shown", "%(count)s shown", count) % {"count": count})
    filters = details.get("filters")
    if isinstance(filters, dict) and filters:
        phrases.append(_("filters: %(values)s") % {"values": ", ".join(map(str, filters.values()))})
    if details.get("format"):
        phrases.append(_("as %(format)s") % {"format": str(details["format"]).upper()})
    for key, message in (
        ("reason", gettext_lazy("reason: %(value)s")),
        ("rejected", gettext_lazy("refused: %(value)s")),
        ("legal_basis", gettext_lazy("legal basis: %(value)s")),
        ("recipient", gettext_lazy("to %(value)s")),
    ):
        if details.get(key):
            phrases.append(str(message) % {"value": details[key]})
    second_factor = details.get("second_factor")
    if second_factor == "totp":
        phrases.append(_("with the authenticator app"))
    elif second_factor == "recovery":
        phrases.append(_("with a recovery code"))
    elif second_factor is True:
        phrases.append(_("wrong one-time code"))
    if details.get("locked_out"):
        phrases.append(_("the account is locked"))
    if details.get("ended_by") == "user":
        phrases.append(_("ended by the user themselves"))
    if details.get("sessions_ended"):
        count = int(details["sessions_ended"])
        phrases.append(
            ngettext("%(count)s session ended", "%(count)s sessions ended", count)
            % {"count": count}
        )
    if details.get("anonymised"):
        phrases.append(_("anonymised"))
    if details.get("rule") == "capacity":
        phrases.append(_("over the unit's capacity"))
    if details.get("via") == "admin":
        phrases.append(_("in the administration site"))
    if details.get("job") == "reminders":
        phrases.append(_("by the automatic reminders"))
    if event.action == AuditAction.DENIED and details.get("path"):
        status = details.get("status")
        reason = _("no right to it") if status == 403 else _("not found, or not theirs to see")
        phrases.append(
            _("address %(path)s (%(reason)s)") % {"path": details["path"], "reason": reason}
        )
    return phrases


def autodiscover() -> None:
    """Import every app's ``audit_labels`` module, where it registers its record kinds."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("audit_labels")
