"""What the training centre adds to privacy: its retention rules.

- ``trainee``: the years after a cohort ended (``ZAKRILA_RETENTION_TRAINEE_YEARS``, default 3),
  its trainees are anonymised: name, organisation, position and email are removed; the type of
  organisation and the region stay, so the yearly figures stay true. A revoked certificate
  loses its holder's name with them.
- ``training_certificate``: the years after a certificate was issued
  (``ZAKRILA_RETENTION_TRAINING_CERTIFICATE_YEARS``, default 10), the holder's name printed on
  it is removed too; until then the public verification page can name the holder, which is
  what the certificate is for. Afterwards the page says the certificate was issued, without a
  name.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models

from zakrila.privacy.retention import (
    RecordRetentionRule,
    anonymise_in_batches,
    register_record_rule,
)
from zakrila.training.models import Certificate, Trainee


def _cutoff(kind: str, now: dt.datetime) -> dt.date:
    return now.date() - relativedelta(years=settings.ZAKRILA_RETENTION_YEARS[kind])


def _trainees_due(now: dt.datetime) -> models.QuerySet[Trainee]:
    return Trainee.objects.filter(
        anonymised_at__isnull=True, cohort__ends_on__lt=_cutoff("trainee", now)
    )


def _certificates_due(now: dt.datetime) -> models.QuerySet[Certificate]:
    kept = Certificate.objects.exclude(holder_name="")
    old = models.Q(issued_on__lt=_cutoff("training_certificate", now))
    # A revoked certificate proves nothing: its name goes with the trainee's record.
    revoked_and_gone = models.Q(revoked_at__isnull=False, trainee__anonymised_at__isnull=False)
    return kept.filter(old | revoked_and_gone)


def trainees_anonymise(now: dt.datetime) -> int:
    """Anonymise the trainees and the certificate names that have been kept long enough, in
    batches of one transaction each, every record in its organisation's audit trail."""
    trainees = anonymise_in_batches(
        _trainees_due(now),
        lambda trainee: {
            "full_name": "", "employer": "", "position": "", "email": "", "anonymised_at": now
        },
        lambda trainee: {"retention": "trainee", "cohort": trainee.cohort_id},
    )  # fmt: skip
    certificates = anonymise_in_batches(
        _certificates_due(now),
        lambda certificate: {"holder_name": ""},
        lambda certificate: {"retention": "training_certificate", "number": certificate.number},
    )
    return trainees + certificates


register_record_rule(
    RecordRetentionRule(
        kind="trainee",
        description="trainees of cohorts that ended longer ago than the period; holders' names "
        "on certificates issued longer ago than the certificate period",
        due=lambda now: _trainees_due(now).count() + _certificates_due(now).count(),
        apply=trainees_anonymise,
    )
)
