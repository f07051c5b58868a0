"""Tasks made by rules: what is due, for whom, by when. ``reminders_refresh`` is idempotent — it
creates the tasks that are missing and closes those no longer needed — so the periodic job can
run as often as wanted, on one machine or on any worker of the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between
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
from zakrila.cases.models.casework import follow_up_title

OPEN = [CaseStatus.REFERRED, CaseStatus.ASSESSMENT, CaseStatus.ASSESSED, CaseStatus.SUPPORT]

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


# Tasks made and closed by the job are in the audit trail like any other change; the job has no
# acting user, so the events name it in their details.
JOB_DETAILS = {"job": "reminders"}


def task_for_rule(
    *, organisation_id: int, assignee_id: int | None, rule_key: str, defaults: dict[str, Any]
) -> tuple[Task, bool]:
    """The task a rule wants, made (and audited) if it is not there yet. Rules of other apps
    use this too, so every task the job makes is audited the same way."""
    task, created = Task.objects.get_or_create(
        organisation_id=organisation_id,
        assignee_id=assignee_id,
        rule_key=rule_key,
        defaults=defaults,
    )
    if created:
        audit_record(
            action=AuditAction.CREATE,
            obj=task,
            organisation_id=organisation_id,
            changes=changes_between(
                {},
                {
                    "kind": task.kind,
                    "title": task.title,
                    "due_on": task.due_on,
                    "assignee": assignee_id,
                    "case": task.case_id,
                },
            ),
            details={**JOB_DETAILS, "rule": rule_key},
        )
    return task, created


def _task_close(task: Task, *, now: dt.datetime) -> None:
    Task.objects.filter(pk=task.pk).update(done_at=now)
    audit_record(
        action=AuditAction.UPDATE,
        obj=task,
        organisation_id=task.organisation_id,
        changes={"done_at": {"old": None, "new": now.isoformat()}},
        details={**JOB_DETAILS, "rule": task.rule_key, "reason": "no longer needed"},
    )


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
        _task, created = task_for_rule(
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
    for task in stale.only("pk", "organisation_id", "assignee_id", "rule_key"):
        if (task.assignee_id, task.rule_key) not in wanted:
            _task_close(task, now=now)
            result.closed += 1

    # Follow-ups after closure: one task each until it is recorded.
    for follow_up in FollowUp.objects.filter(done_on__isnull=True).select_related("case"):
        _task, created = task_for_rule(
            organisation_id=follow_up.organisation_id,
            assignee_id=follow_up.case.key_worker_id,
            rule_key=f"follow_up:{follow_up.case_id}:{follow_up.months}",
            defaults={
                "kind": TaskKind.FOLLOW_UP,
                "case": follow_up.case,
                "title": follow_up_title(follow_up.case.number, follow_up.months),
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
        _task, created = task_for_rule(
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
