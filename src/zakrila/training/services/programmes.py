"""Programmes, editions and modules. A published edition is never changed: a change is a new
edition, so what earlier cohorts completed stays what it was."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, changes_between, create_audited, snapshot
from zakrila.core.concurrency import lock_for_edit
from zakrila.training.feedback_templates import current_template
from zakrila.training.models import (
    CompletionRule,
    EditionStatus,
    Module,
    ProgrammeEdition,
    TrainingProgramme,
)

EDITION_FIELDS = ["completion_rule", "completion_percent", "changes"]
MODULE_FIELDS = ["title", "title_en", "hours", "learning_outcomes", "trainers"]


@transaction.atomic
def programme_create(
    *,
    actor: User,
    organisation_id: int,
    code: str,
    name: str,
    name_en: str = "",
    description: str = "",
    completion_rule: str = CompletionRule.EVERY_MODULE,
    completion_percent: int = 80,
) -> TrainingProgramme:
    """A new programme with its first edition, a draft to which the modules are added."""
    require(actor, "training.manage", organisation_id=organisation_id)
    programme = TrainingProgramme(
        organisation_id=organisation_id, code=code.strip(), name=name.strip(),
        name_en=name_en.strip(), description=description, created_by=actor, updated_by=actor,
    )  # fmt: skip
    programme.full_clean()
    programme.save()
    edition = ProgrammeEdition(
        organisation_id=organisation_id, programme=programme, number=1,
        completion_rule=completion_rule, completion_percent=completion_percent,
        feedback_template=current_template(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    edition.full_clean()
    edition.save()
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=programme,
        details={"code": programme.code, "name": programme.name, "edition": edition.pk},
    )  # fmt: skip
    return programme


def _draft(edition: ProgrammeEdition, expected_version: int | None = None) -> ProgrammeEdition:
    if expected_version is None:
        current: ProgrammeEdition = ProgrammeEdition.objects.select_for_update().get(pk=edition.pk)
    else:
        current = lock_for_edit(ProgrammeEdition, edition.pk, expected_version=expected_version)
    if current.status != EditionStatus.DRAFT:
        raise ValidationError(
            _(
                "A published edition is not changed, so that what its trainees completed stays "
                "true: make a new edition."
            ),
            code="published",
        )
    return current


@transaction.atomic
def edition_new(*, actor: User, programme: TrainingProgramme) -> ProgrammeEdition:
    """A new draft edition, starting as a copy of the latest one (modules and rule)."""
    require(actor, "training.manage", organisation_id=programme.organisation_id)
    programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
    if programme.editions.filter(status=EditionStatus.DRAFT).exists():
        raise ValidationError(
            _("This programme already has a draft edition: finish and publish it first."),
            code="draft_exists",
        )
    latest = programme.editions.order_by("-number").first()
    edition = ProgrammeEdition(
        organisation_id=programme.organisation_id, programme=programme,
        number=(latest.number + 1) if latest else 1,
        completion_rule=latest.completion_rule if latest else CompletionRule.EVERY_MODULE,
        completion_percent=latest.completion_percent if latest else 80,
        feedback_template=current_template(), created_by=actor, updated_by=actor,
    )  # fmt: skip
    edition.full_clean()
    edition.save()
    if latest is not None:
        Module.objects.bulk_create(
            Module(
                organisation_id=programme.organisation_id,
                edition=edition,
                number=m.number,
                title=m.title,
                title_en=m.title_en,
                hours=m.hours,
                learning_outcomes=m.learning_outcomes,
                trainers=m.trainers,
                created_by=actor,
                updated_by=actor,
            )
            for m in latest.modules.order_by("number")
        )
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=edition,
        details={"programme": programme.pk, "number": edition.number, "copied_from": latest.pk if latest else None},
    )  # fmt: skip
    return edition


@transaction.atomic
def edition_update(
    *,
    actor: User,
    edition: ProgrammeEdition,
    completion_rule: str,
    completion_percent: int,
    changes: str,
    expected_version: int,
) -> ProgrammeEdition:
    """The completion rule of a draft edition, and what is new in it."""
    require(actor, "training.manage", organisation_id=edition.organisation_id)
    current = _draft(edition, expected_version)
    before = snapshot(current, EDITION_FIELDS)
    current.completion_rule = completion_rule
    current.completion_percent = completion_percent
    current.changes = changes
    current.full_clean()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, EDITION_FIELDS)),
        details={"version": current.version},
    )  # fmt: skip
    return current


@transaction.atomic
def edition_publish(*, actor: User, edition: ProgrammeEdition) -> ProgrammeEdition:
    """Fix the edition: from now on cohorts can run it, and nothing in it changes."""
    require(actor, "training.manage", organisation_id=edition.organisation_id)
    current = _draft(edition)
    if not current.modules.exists():
        raise ValidationError(
            _("An edition needs at least one module before it is published."), code="no_modules"
        )
    current.status = EditionStatus.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = actor
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes={"status": {"old": EditionStatus.DRAFT, "new": EditionStatus.PUBLISHED}},
        details={"version": current.version, "modules": current.modules.count()},
    )  # fmt: skip
    return current


@transaction.atomic
def module_add(
    *,
    actor: User,
    edition: ProgrammeEdition,
    title: str,
    hours: Decimal,
    title_en: str = "",
    learning_outcomes: str = "",
    trainers: str = "",
) -> Module:
    """A module at the end of a draft edition."""
    require(actor, "training.manage", organisation_id=edition.organisation_id)
    current = _draft(edition)
    number = (current.modules.aggregate(last=Max("number"))["last"] or 0) + 1
    module = Module(
        organisation_id=current.organisation_id, edition=current, number=number, title=title.strip(),
        title_en=title_en.strip(), hours=hours, learning_outcomes=learning_outcomes, trainers=trainers.strip(),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    create_audited(
        module,
        actor=actor,
        details={"edition": current.pk, "number": number, "title": module.title, "hours": hours},
    )
    return module


@transaction.atomic
def module_update(
    *,
    actor: User,
    module: Module,
    title: str,
    title_en: str,
    hours: Decimal,
    learning_outcomes: str,
    trainers: str,
    expected_version: int,
) -> Module:
    """Change a module of a draft edition."""
    require(actor, "training.manage", organisation_id=module.organisation_id)
    _draft(module.edition)
    current: Module = lock_for_edit(Module, module.pk, expected_version=expected_version)
    before = snapshot(current, MODULE_FIELDS)
    current.title = title.strip()
    current.title_en = title_en.strip()
    current.hours = hours
    current.learning_outcomes = learning_outcomes
    current.trainers = trainers.strip()
    current.full_clean()
    current.version += 1
    current.updated_by = actor
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes=changes_between(before, snapshot(current, MODULE_FIELDS)),
        details={"version": current.version},
    )  # fmt: skip
    return current
