"""Tasks: work assigned to a person, with or without a case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.cases.models import (
    Case,
    Closure,
    Task,
    TaskKind,
)


@transaction.atomic
def task_create(
    *,
    actor: User,
    case: Case | None,
    organisation_id: int,
    title: str,
    assignee: User,
    due_on: dt.date,
) -> Task:
    task = Task(
        organisation_id=organisation_id, case=case, title=title, assignee=assignee, due_on=due_on,
        kind=TaskKind.MANUAL, created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        task,
        actor=actor,
        person_id=case.person_id if case else None,
        details={"assignee": assignee.pk, "due_on": due_on.isoformat()},
    )
    return task


@transaction.atomic
def task_complete(*, actor: User, task: Task) -> Task:
    """Mark a task done. The task of approving a closure is done by deciding on the closure:
    ticking it while the closure still waits is refused, or the closure would be forgotten."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if (
        task.done_at is None
        and task.kind == TaskKind.APPROVAL
        and task.case_id is not None
        and Closure.objects.filter(case_id=task.case_id, approved_at__isnull=True).exists()
    ):
        raise ValidationError(
            _(
                "The closure still waits for a decision: open it and approve it or send it back; "
                "the task is then done by itself."
            ),
            code="closure_waiting",
        )
    if task.done_at is None:
        task.done_at = timezone.now()
        task.updated_by = actor
        task.save(update_fields=["done_at", "updated_by", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=task,
            changes={"done": {"old": False, "new": True}},
        )
    return task
