"""The trainer sees training only; the training centre is seen by the trainer, the director,
the DPO and auditors, and changed by the trainer and the director; another organisation sees
nothing of it; every view of a trainee's record and every change is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, member
from tests.training.conftest import full_course, make_cohort, make_edition
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.training.models import Cohort, TrainingSession
from zakrila.training.services import certificate_issue, cohort_create, session_schedule


@pytest.fixture
def cohort(trainer):
    cohort = make_cohort(trainer, make_edition(trainer, hours=(8, 8)))
    full_course(trainer, cohort)
    return cohort


def test_the_trainer_sees_training_and_no_people_or_cases(client, org, cop, trainer, cohort):
    child = PersonFactory(organisation=org, unit=cop)
    client.force_login(trainer)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("training:index") in home
    for hidden in (reverse("people:list"), reverse("cases:list"), reverse("cases:my_work")):
        assert f'href="{hidden}"' not in home
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get(child.get_absolute_url()).status_code == 404
    assert client.get(reverse("training:cohort", args=[cohort.pk])).status_code == 200


def test_a_case_manager_has_no_part_in_the_training_centre(client, case_manager, cohort):
    trainee = cohort.trainees.first()
    client.force_login(case_manager)
    response = client.get(reverse("training:index"))
    assert response.status_code == 403
    assert "обучителния център" in response.content.decode()
    assert client.get(trainee.get_absolute_url()).status_code == 404
    assert f'href="{reverse("training:index")}"' not in client.get("/").content.decode()


def test_another_organisation_sees_nothing_and_changes_nothing(
    client, other_trainer, trainer, cohort
):
    trainee = cohort.trainees.first()
    certificate = certificate_issue(actor=trainer, trainee=trainee)
    client.force_login(other_trainer)
    for url in (
        trainee.get_absolute_url(), cohort.get_absolute_url(), certificate.get_absolute_url(),
        reverse("training:certificate_pdf", args=[certificate.pk]),
        reverse("training:completion", args=[cohort.pk]),
    ):  # fmt: skip
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("training:certificate_revoke", args=[certificate.pk]),
        {"reason": "чужд", "version": certificate.version},
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    index = client.get(reverse("training:index")).content.decode()
    assert cohort.name not in index


def test_the_dpo_reads_but_does_not_change(client, dpo, cohort):
    trainee = cohort.trainees.first()
    client.force_login(dpo)
    assert client.get(trainee.get_absolute_url()).status_code == 200
    response = client.get(reverse("training:trainee_edit", args=[trainee.pk]))
    assert response.status_code == 403
    assert client.post(reverse("training:certificate_issue", args=[trainee.pk])).status_code == 403
    assert not trainee.certificates.exists()


def test_every_view_of_a_trainee_and_every_change_is_audited(client, trainer, cohort):
    trainee = cohort.trainees.order_by("pk").first()
    client.force_login(trainer)
    client.get(trainee.get_absolute_url())
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="training.trainee", object_id=str(trainee.pk),
        actor=trainer,
    ).exists()  # fmt: skip
    response = client.post(
        reverse("training:trainee_edit", args=[trainee.pk]),
        {
            "full_name": "Мария Стоянова-Петрова", "employer": trainee.employer,
            "employer_type": trainee.employer_type, "region": "silistra", "position": "психолог",
            "email": "nova@example.org", "version": trainee.version,
        },
    )  # fmt: skip
    assert response.status_code == 302
    change = AuditEvent.objects.get(
        action=AuditAction.UPDATE, object_type="training.trainee", object_id=str(trainee.pk)
    )
    assert change.changes["full_name"] == {"old": "Мария Стоянова", "new": "Мария Стоянова-Петрова"}
    assert change.changes["email"] == "changed"  # the address itself stays out of the trail


def test_a_stale_trainee_form_is_refused(client, trainer, director, cohort):
    trainee = cohort.trainees.order_by("pk").first()
    data = {
        "full_name": trainee.full_name, "employer": "", "employer_type": trainee.employer_type,
        "region": trainee.region, "position": "", "email": "", "version": trainee.version,
    }  # fmt: skip
    client.force_login(director)
    assert client.post(reverse("training:trainee_edit", args=[trainee.pk]), data).status_code == 302
    client.force_login(trainer)
    response = client.post(
        reverse("training:trainee_edit", args=[trainee.pk]), {**data, "position": "психолог"}
    )
    assert response.status_code == 200 and "director@example.bg" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.position == ""


def test_cohort_and_completion_pages_cost_the_same_queries_for_2_or_12_trainees(client, trainer):
    edition = make_edition(trainer, hours=(8, 8))
    small = make_cohort(trainer, edition, trainees=["А Б", "В Г"], name="Малък")
    large = make_cohort(
        trainer, edition, trainees=[f"Курсист {n}" for n in range(12)], name="Голям"
    )
    for cohort in (small, large):
        full_course(trainer, cohort)
        certificate_issue(actor=trainer, trainee=cohort.trainees.first())
    client.force_login(trainer)
    for name in ("training:cohort", "training:completion"):
        counts = []
        for cohort in (small, large):
            url = reverse(name, args=[cohort.pk])
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], name


def test_the_director_manages_training_too(client, director, cohort):
    client.force_login(director)
    assert client.get(reverse("training:cohort_new")).status_code == 200
    trainer_only = member(cohort.organisation, Role.TRAINER, email="t2@example.bg")
    client.force_login(trainer_only)
    assert client.get(reverse("training:cohort_new")).status_code == 200


def test_a_session_of_another_organisations_module_is_refused(trainer, other_trainer):
    cohort = make_cohort(trainer, make_edition(trainer, hours=(8,)))
    foreign = make_edition(other_trainer, hours=(8,)).modules.get()
    with pytest.raises(ValidationError, match="различни организации"):
        session_schedule(
            actor=trainer, cohort=cohort, module=foreign, held_on=cohort.starts_on,
            hours=Decimal(4),
        )  # fmt: skip
    assert not TrainingSession.objects.exists()


def test_a_trainer_of_another_organisation_does_not_lead_a_cohort(trainer, other_trainer):
    edition = make_edition(trainer, hours=(8,))
    with pytest.raises(ValidationError, match="не е обучител в тази организация"):
        cohort_create(
            actor=trainer, edition=edition, name="Чужд випуск", starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + dt.timedelta(days=30), trainers=[other_trainer],
        )  # fmt: skip
    assert not Cohort.objects.exists()
