"""Issuing and revoking certificates. Issuing is refused to anyone who has not completed the
programme edition of their cohort under its completion rule."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.concurrency import lock_for_edit
from zakrila.training.codes import new_code
from zakrila.training.completion import cohort_completion, hours_text, trainee_completion
from zakrila.training.models import Certificate, Cohort, Trainee, TrainingProgramme


def _next_number(programme: TrainingProgramme, year: int) -> str:
    """The next number of the programme's certificates in the year: ЕКС-2026-001, -002, ...
    The caller holds the programme's row lock, so two issuers never take the same number."""
    prefix = f"{programme.code}-{year}-"
    numbers = Certificate.objects.filter(
        organisation_id=programme.organisation_id, number__startswith=prefix
    ).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def _issue(
    *, actor: User, trainee: Trainee, programme: TrainingProgramme, issued_on: dt.date
) -> Certificate:
    if trainee.anonymised_at is not None:
        raise ValidationError(
            _("This trainee's data was anonymised under the retention rule."), code="anonymised"
        )
    if Certificate.objects.filter(trainee=trainee, revoked_at__isnull=True).exists():
        raise ValidationError(
            _("%(name)s already holds a valid certificate.") % {"name": trainee.full_name},
            code="already_certified",
        )
    completion = trainee_completion(trainee)
    if not completion.completed:
        missing = "; ".join(
            _("module %(number)s: %(missing)s h missing")
            % {"number": p.module.number, "missing": hours_text(p.missing)}
            for p in completion.unmet
        ) or _("%(missing)s h missing in all") % {"missing": hours_text(completion.missing_total)}
        raise ValidationError(
            _(
                "%(name)s has not completed the programme under its rule, so no certificate is "
                "issued (%(missing)s). Check the attendance first."
            )
            % {"name": trainee.full_name, "missing": missing},
            code="not_completed",
        )
    for _attempt in range(5):
        certificate = Certificate(
            organisation_id=trainee.organisation_id, trainee=trainee,
            number=_next_number(programme, issued_on.year), code=new_code(),
            holder_name=trainee.full_name, issued_on=issued_on, issued_by=actor,
            created_by=actor, updated_by=actor,
        )  # fmt: skip
        certificate.full_clean()
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            if Certificate.objects.filter(code=certificate.code).exists():
                continue  # a code drawn twice: astronomically rare, draw again
            raise
        break
    else:  # pragma: no cover
        raise ValidationError(_("The certificate could not be numbered: try again."), code="retry")
    audit_record(
        action=AuditAction.CREATE, actor=actor, obj=certificate,
        details={"trainee": trainee.pk, "cohort": trainee.cohort_id, "number": certificate.number,
                 "hours": str(completion.attended)},
    )  # fmt: skip
    return certificate


@transaction.atomic
def certificate_issue(
    *, actor: User, trainee: Trainee, issued_on: dt.date | None = None
) -> Certificate:
    """A certificate for a trainee who completed their cohort's programme edition."""
    require(actor, "training.manage", organisation_id=trainee.organisation_id)
    trainee = Trainee.objects.select_related("cohort__edition").get(pk=trainee.pk)
    programme = TrainingProgramme.objects.select_for_update().get(
        pk=trainee.cohort.edition.programme_id
    )
    return _issue(
        actor=actor, trainee=trainee, programme=programme,
        issued_on=issued_on or timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def certificates_issue_for_cohort(
    *, actor: User, cohort: Cohort, issued_on: dt.date | None = None
) -> list[Certificate]:
    """Certificates for everyone in the cohort who completed and holds none yet."""
    require(actor, "training.manage", organisation_id=cohort.organisation_id)
    cohort = Cohort.objects.select_related("edition").get(pk=cohort.pk)
    programme = TrainingProgramme.objects.select_for_update().get(pk=cohort.edition.programme_id)
    completed = {pk for pk, c in cohort_completion(cohort).items() if c.completed}
    holders = set(
        Certificate.objects.filter(trainee__cohort=cohort, revoked_at__isnull=True).values_list(
            "trainee_id", flat=True
        )
    )
    waiting = (
        Trainee.objects.filter(pk__in=completed - holders, anonymised_at__isnull=True)
        .select_related("cohort__edition")
        .order_by("full_name", "id")
    )
    if not waiting:
        raise ValidationError(
            _(
                "Nobody in this cohort is waiting for a certificate: everyone who completed has one."
            ),
            code="none_waiting",
        )
    day = issued_on or timezone.localdate()
    return [
        _issue(actor=actor, trainee=trainee, programme=programme, issued_on=day)
        for trainee in waiting
    ]


@transaction.atomic
def certificate_revoke(
    *, actor: User, certificate: Certificate, reason: str, expected_version: int
) -> Certificate:
    """Revoke a certificate with a reason. It stays on record, and the public page says it is
    revoked."""
    require(actor, "training.manage", organisation_id=certificate.organisation_id)
    current: Certificate = lock_for_edit(
        Certificate, certificate.pk, expected_version=expected_version
    )
    if current.revoked_at is not None:
        raise ValidationError(
            _("The certificate was already revoked on %(day)s.")
            % {"day": date_format(timezone.localtime(current.revoked_at), "SHORT_DATE_FORMAT")},
            code="already_revoked",
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Write why the certificate is revoked.")}, code="no_reason"
        )
    current.revoked_at = timezone.now()
    current.revoked_by = actor
    current.revoke_reason = reason.strip()
    current.version += 1
    current.updated_by = actor
    current.full_clean()
    current.save()
    audit_record(
        action=AuditAction.UPDATE, actor=actor, obj=current,
        changes={"revoked_at": {"old": None, "new": current.revoked_at}},
        details={"version": current.version, "reason": current.revoke_reason, "number": current.number},
    )  # fmt: skip
    return current


def certificate_printed(*, actor: User, certificate: Certificate, language: str, what: str) -> None:
    """The certificate was printed or exported (PDF, Open Badges credential): in the trail."""
    with transaction.atomic():
        audit_record(
            action=AuditAction.PRINT if what == "pdf" else AuditAction.EXPORT,
            actor=actor, obj=certificate, details={"what": what, "language": language},
        )  # fmt: skip
