"""The training centre: programmes, editions, cohorts, trainees, sessions, certificates."""

from __future__ import annotations

from typing import Any

from django.db import models

from zakrila.accounts.policy.access import access_for
from zakrila.accounts.policy.capabilities import CAPABILITIES


def _training_scope(user: Any) -> models.Q:
    """The training centre serves the whole organisation and its records carry no unit: the
    organisations where the user's roles may see training, whatever units they are limited to."""
    access = access_for(user)
    allowed = CAPABILITIES["training.view"]
    return models.Q(
        organisation_id__in=sorted(r.organisation_id for r in access.reaches if r.roles & allowed)
    )


def training_programmes_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import TrainingProgramme

    return TrainingProgramme.objects.filter(_training_scope(user))


def editions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import ProgrammeEdition

    return ProgrammeEdition.objects.filter(_training_scope(user))


def training_modules_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Module

    return Module.objects.filter(_training_scope(user))


def cohorts_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Cohort

    return Cohort.objects.filter(_training_scope(user))


def trainees_visible_to(user: Any) -> models.QuerySet[Any]:
    """The specialists of the cohorts the user may see."""
    from zakrila.training.models import Trainee

    return Trainee.objects.filter(_training_scope(user))


def training_sessions_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import TrainingSession

    return TrainingSession.objects.filter(_training_scope(user))


def certificates_visible_to(user: Any) -> models.QuerySet[Any]:
    from zakrila.training.models import Certificate

    return Certificate.objects.filter(_training_scope(user))
