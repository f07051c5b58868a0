"""The trainees' data is kept only as long as needed: years after the cohort ended they are
anonymised (the figures stay true); the name on a certificate stays for the public page until
the certificate's own period has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.training.conftest import full_course, make_cohort, make_edition
from zakrila.accounts.policy import cohorts_visible_to
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.privacy.retention import retention_run
from zakrila.training.figures import training_figures
from zakrila.training.models import Certificate, Trainee
from zakrila.training.services import certificate_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_cohort(trainer, settings):
    settings.ZAKRILA_RETENTION_YEARS = {
        **settings.ZAKRILA_RETENTION_YEARS, "trainee": 3, "training_certificate": 10,
    }  # fmt: skip
    today = timezone.localdate()
    cohort = make_cohort(
        trainer, make_edition(trainer, hours=(8,)), starts_on=today - dt.timedelta(days=4 * 365),
        days=30, name="Много стар випуск",
    )  # fmt: skip
    maria, petya = cohort.trainees.order_by("pk")
    full_course(trainer, cohort, skip={1: [petya]})
    certificate_issue(actor=trainer, trainee=maria, issued_on=cohort.ends_on)
    return cohort


def test_trainees_are_anonymised_years_after_their_cohort_and_figures_stay(trainer, old_cohort):
    before = training_figures(cohorts=cohorts_visible_to(trainer), today=timezone.localdate())
    result = retention_run()
    assert result.records["trainee"] == 2
    for trainee in Trainee.objects.filter(cohort=old_cohort):
        assert trainee.anonymised_at is not None
        assert (trainee.full_name, trainee.email, trainee.employer, trainee.position) == ("",) * 4
        assert trainee.region == "ruse" and trainee.employer_type == "social_assistance"
    after = training_figures(cohorts=cohorts_visible_to(trainer), today=timezone.localdate())
    assert after.per_year == before.per_year and after.by_region == before.by_region
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.DELETE, object_type="training.trainee", actor_label="retention"
        ).count()
        == 2
    )
    assert retention_run().records["trainee"] == 0


def test_the_certificate_keeps_its_holders_name_for_its_own_period(
    anonymous, trainer, old_cohort, settings
):
    retention_run()
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Мария Стоянова"
    page = anonymous.get(reverse("training:verify", args=[certificate.code])).content.decode()
    assert "Мария Стоянова" in page
    settings.ZAKRILA_RETENTION_YEARS = {
        **settings.ZAKRILA_RETENTION_YEARS,
        "training_certificate": 3,
    }
    assert retention_run().records["trainee"] == 1
    certificate.refresh_from_db()
    assert certificate.holder_name == ""
    page = anonymous.get(reverse("training:verify", args=[certificate.code])).content.decode()
    assert 'data-state="genuine"' in page and "Мария Стоянова" not in page


def test_a_dry_run_counts_what_is_due_and_changes_nothing(old_cohort, capsys):
    call_command("retention", "run", "--dry-run")
    assert "trainee: 2 would be anonymised" in capsys.readouterr().out
    assert not Trainee.objects.filter(anonymised_at__isnull=False).exists()


def test_recent_trainees_are_kept(trainer, settings):
    make_cohort(trainer, make_edition(trainer, hours=(8,)))
    assert retention_run().records["trainee"] == 0
    assert not Trainee.objects.filter(anonymised_at__isnull=False).exists()


def test_the_records_of_processing_say_what_is_kept_and_for_how_long(client, org, dpo):
    client.force_login(dpo)
    page = client.get(reverse("privacy:records")).content.decode()
    assert "Обучение на специалисти от други организации" in page
    assert "Публична проверка на сертификат" in page
    assert "име, организация, вид организация, област, длъжност, имейл" in page
