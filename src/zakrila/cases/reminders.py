"""Tasks made by rules: what is due, for whom, by when. ``reminders_refresh`` is idempotent — it
creates the tasks that are missing and closes those no longer needed — so the periodic job can
run as often as wanted, on one machine or on any worker of the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.cases.models import (
    Case,
    CaseStatus,
    FollowUp,
    PlanStatus,
    Review,
    SupportPlan,
    Task,
    TaskKind,
)

OPEN = [CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.SUPPORT]

# An assessment is due this many days after the case is opened (the Social Services Act's
# individual needs assessment).
ASSESSMENT_DAYS = 30


# Rules other apps add (placements: alerts on the board): f(today) -> (created, closed).
Rule = Callable[[dt.date], tuple[int, int]]
_rules: list[Rule] = []


def register_rule(rule: Rule) -> Rule:
    if rule not in _rules:
        _rules.append(rule)
    return rule


@dataclass
class RefreshResult:
    created: int = 0
    closed: int = 0


@transaction.atomic
def reminders_refresh(*, today: dt.date | None = None) -> RefreshResult:
    today = today or timezone.localdate()
    result = RefreshResult()
    now = timezone.now()

    # Assessments due: cases still referred or in assessment.
    assessing = Case.objects.filter(
        status__in=[CaseStatus.REFERRED, CaseStatus.ASSESSMENT]
    ).select_related("key_worker")
    wanted: set[tuple[int, str]] = set()
    for case in assessing.iterator(chunk_size=500):
        key = f"assessment:{case.pk}"
        wanted.add((case.key_worker_id, key))
        _task, created = Task.objects.get_or_create(
            organisation_id=case.organisation_id,
            assignee_id=case.key_worker_id,
            rule_key=key,
            defaults={
                "kind": TaskKind.ASSESSMENT_DUE,
                "case": case,
                "title": _("Complete the assessment of %(number)s") % {"number": case.number},
                "due_on": case.opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
            },
        )
        result.created += created
    stale = Task.objects.open().filter(kind=TaskKind.ASSESSMENT_DUE)
    for task in stale.only("pk", "assignee_id", "rule_key"):
        if (task.assignee_id, task.rule_key) not in wanted:
            Task.objects.filter(pk=task.pk).update(done_at=now)
            result.closed += 1

    # Follow-ups after closure: one task each until it is recorded.
    for follow_up in FollowUp.objects.filter(done_on__isnull=True).select_related("case"):
        _task, created = Task.objects.get_or_create(
            organisation_id=follow_up.organisation_id,
            assignee_id=follow_up.case.key_worker_id,
            rule_key=f"follow_up:{follow_up.case_id}:{follow_up.months}",
            defaults={
                "kind": TaskKind.FOLLOW_UP,
                "case": follow_up.case,
                "title": _("Follow-up of %(number)s, %(months)s months after closure")
                % {"number": follow_up.case.number, "months": follow_up.months},
                "due_on": follow_up.due_on,
            },
        )
        result.created += created

    # Plan reviews: one task per plan in force, due on its review date, until a review is held.
    for plan in SupportPlan.objects.filter(
        status=PlanStatus.APPROVED, case__status__in=OPEN
    ).select_related("case"):
        if Review.objects.filter(plan=plan).exists():
            continue
        _task, created = Task.objects.get_or_create(
            organisation_id=plan.organisation_id,
            assignee_id=plan.case.key_worker_id,
            rule_key=f"review:{plan.pk}",
            defaults={
                "kind": TaskKind.REVIEW_DUE,
                "case": plan.case,
                "title": _("Review the plan of %(number)s with the family")
                % {"number": plan.case.number},
                "due_on": plan.review_on,
            },
        )
        result.created += created
    for rule in _rules:
        made, ended = rule(today)
        result.created += made
        result.closed += ended
    return result
