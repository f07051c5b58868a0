"""Tasks made by rules: what is due, for whom, by when. ``reminders_refresh`` is idempotent — it
creates the tasks that are missing and closes those no longer needed — so the periodic job can
run as often as wanted, on one machine or on any worker of the queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
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


@dataclass(frozen=True)
class Wanted:
    """A task a rule wants: its title is written only if the task must be made."""

    kind: str
    case_id: int
    due_on: dt.date | None
    title: Callable[[], str]

    def defaults(self) -> dict[str, Any]:
        return {"kind": self.kind, "case_id": self.case_id, "title": self.title(),
                "due_on": self.due_on}  # fmt: skip


KEYS_PER_QUERY = 1000


def _tasks_make(wanted: dict[tuple[int, int | None, str], Wanted]) -> int:
    """Make the tasks the rules want that are not there yet (keyed by organisation, assignee
    and rule key). Which are there is read for a thousand keys a query, through the index that
    the rule's key leads: every open case, plan and follow-up of the country is wanted on every
    run, and asking for each (as ``get_or_create`` does) cost a query each."""
    keys = list(wanted)
    there: set[tuple[int, int | None, str]] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        names = {key for _organisation, _assignee, key in keys[start : start + KEYS_PER_QUERY]}
        found = Task.objects.filter(rule_key__in=names)
        there.update(
            (organisation, assignee, key)
            for key, organisation, assignee in found.values_list(
                "rule_key", "organisation_id", "assignee_id"
            )
        )
    created = 0
    for key in keys:
        if key not in there:
            organisation_id, assignee_id, rule_key = key
            _task, made = task_for_rule(
                organisation_id=organisation_id, assignee_id=assignee_id, rule_key=rule_key,
                defaults=wanted[key].defaults(),
            )  # fmt: skip
            created += made
    return created


def _assessment_title(number: str) -> str:
    return _("Complete the assessment of %(number)s") % {"number": number}


def _review_title(number: str) -> str:
    return _("Review the plan of %(number)s with the family") % {"number": number}


@transaction.atomic
def reminders_refresh(*, today: dt.date | None = None) -> RefreshResult:
    today = today or timezone.localdate()
    result = RefreshResult()
    now = timezone.now()
    wanted: dict[tuple[int, int | None, str], Wanted] = {}

    # Assessments due: cases still referred or in assessment.
    assessing = Case.objects.filter(
        status__in=[CaseStatus.REFERRED, CaseStatus.ASSESSMENT]
    ).values_list("pk", "organisation_id", "key_worker_id", "number", "opened_on")
    for pk, organisation_id, key_worker_id, number, opened_on in assessing.iterator(2000):
        wanted[(organisation_id, key_worker_id, f"assessment:{pk}")] = Wanted(
            TaskKind.ASSESSMENT_DUE, pk, opened_on + dt.timedelta(days=ASSESSMENT_DAYS),
            partial(_assessment_title, number),
        )  # fmt: skip
    assessments = {(assignee, key) for _organisation, assignee, key in wanted}
    stale = Task.objects.open().filter(kind=TaskKind.ASSESSMENT_DUE)
    for task in stale.only("pk", "organisation_id", "assignee_id", "rule_key"):
        if (task.assignee_id, task.rule_key) not in assessments:
            _task_close(task, now=now)
            result.closed += 1

    # Follow-ups after closure: one task each until it is recorded.
    follow_ups = FollowUp.objects.filter(done_on__isnull=True).values_list(
        "organisation_id", "case_id", "case__key_worker_id", "case__number", "months", "due_on"
    )
    for organisation_id, case_id, key_worker_id, number, months, due_on in follow_ups.iterator(
        2000
    ):
        wanted[(organisation_id, key_worker_id, f"follow_up:{case_id}:{months}")] = Wanted(
            TaskKind.FOLLOW_UP, case_id, due_on, partial(follow_up_title, number, months)
        )

    # Plan reviews: one task per plan in force, due on its review date, until a review is held.
    plans = (
        SupportPlan.objects.filter(status=PlanStatus.APPROVED, case__status__in=OPEN)
        .filter(~Exists(Review.objects.filter(plan=OuterRef("pk"))))
        .values_list(
            "pk", "organisation_id", "case_id", "case__key_worker_id", "case__number", "review_on"
        )
    )
    for pk, organisation_id, case_id, key_worker_id, number, review_on in plans.iterator(2000):
        wanted[(organisation_id, key_worker_id, f"review:{pk}")] = Wanted(
            TaskKind.REVIEW_DUE, case_id, review_on, partial(_review_title, number)
        )
    result.created += _tasks_make(wanted)
    for rule in _rules:
        made, ended = rule(today)
        result.created += made
        result.closed += ended
    return result
