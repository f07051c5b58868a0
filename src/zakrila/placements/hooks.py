"""What placements add to people and cases: a legal hold while a child is placed, a section of
the person's data export, and the alerts that become the key worker's tasks."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    WITHHELD_REASONS,
    case_withheld_reason,
    placements_visible_to,
    withheld_marker,
)
from zakrila.cases.models import TaskKind
from zakrila.cases.reminders import register_rule, task_for_rule
from zakrila.people.exports import register_section
from zakrila.people.holds import register_hold
from zakrila.people.models import Person
from zakrila.placements.models import Placement
from zakrila.placements.queries import alerts_for


@register_hold
def current_placements(person: Person) -> list[str]:
    return [
        _("A placement in %(unit)s") % {"unit": p.unit.name}
        for p in Placement.objects.filter(person=person, discharged_at__isnull=True).select_related(
            "unit"
        )
    ]


@register_section
def placements_section(person: Person, *, viewer: Any) -> tuple[str, list[dict[str, Any]]]:
    """The person's stays; a stay of a case the exporting user may not see is withheld."""
    rows: list[dict[str, Any]] = []
    placements = (
        Placement.objects.filter(person=person)
        .select_related("unit", "case")
        .prefetch_related("diary")
        .order_by("admitted_at", "id")
    )
    visible = set(placements_visible_to(viewer).filter(person=person).values_list("pk", flat=True))
    for p in placements:
        reason = None
        if p.pk not in visible:
            reason = case_withheld_reason(viewer, p.case) or str(WITHHELD_REASONS["case.unit"])
        if reason:
            rows.append(withheld_marker(reason))
            continue
        rows.append(
            {
                "unit": p.unit.name,
                "legal_basis": p.get_legal_basis_display(),
                "admitted_at": p.admitted_at.isoformat(),
                "discharged_at": p.discharged_at.isoformat() if p.discharged_at else None,
                "destination": p.get_destination_display(),
                "diary": [
                    {"when": e.written_at.isoformat(), "kind": e.get_kind_display(), "text": e.text}
                    for e in p.diary.all()
                ],
            }
        )
    return "placements", rows


@register_rule
def placement_alerts(today: Any) -> tuple[int, int]:
    """Each alert of a current placement is a task for the key worker, once."""
    created = 0
    current = list(
        Placement.objects.filter(discharged_at__isnull=True).select_related(
            "unit", "case", "person"
        )
    )
    by_unit: dict[int, list[Placement]] = {}
    for placement in current:
        by_unit.setdefault(placement.unit_id, []).append(placement)
    for placements in by_unit.values():
        for alert in alerts_for(placements, placements[0].unit):
            placement = alert.placement
            _task, made = task_for_rule(
                organisation_id=placement.organisation_id,
                assignee_id=placement.case.key_worker_id,
                rule_key=f"placement:{placement.pk}:{alert.kind}",
                defaults={
                    "kind": TaskKind.MANUAL,
                    "case": placement.case,
                    "title": f"{placement.person.display_name}: {alert.message}",
                    "due_on": timezone.localdate(),
                },
            )
            created += made
    return created, 0
