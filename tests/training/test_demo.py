"""The demo's training centre: two cohorts of ЕКсперт with 71 trainees, eight modules of
attendance, certificates (one revoked), feedback — for Ruse."""

from __future__ import annotations

from django.urls import reverse

from zakrila.accounts.models import User
from zakrila.organisations.models import Organisation
from zakrila.training.completion import cohort_completion
from zakrila.training.models import (
    Attendance,
    Certificate,
    Cohort,
    FeedbackResponse,
    Trainee,
    TrainingSession,
)

RUSE = "Сдружение „Еквилибриум“"


def test_the_demo_has_two_cohorts_of_ekspert_with_71_trainees(demo):
    ruse = Organisation.objects.get(name_bg=RUSE)
    cohorts = Cohort.objects.filter(organisation=ruse)
    assert cohorts.count() == 2
    assert {c.edition.programme.name for c in cohorts} == {"ЕКсперт"}
    assert Trainee.objects.filter(cohort__in=cohorts).count() == 71
    assert not Cohort.objects.exclude(organisation=ruse).exists()
    for cohort in cohorts:
        assert cohort.edition.modules.count() == 8
        modules = set(
            TrainingSession.objects.filter(cohort=cohort).values_list("module__number", flat=True)
        )
        assert modules == set(range(1, 9))
    # The two cohorts ran different editions: the second has a longer module 7.
    hours = {c.name: c.edition.modules.get(number=7).hours for c in cohorts}
    assert sorted(hours.values()) == [8, 12]


def test_the_demo_has_attendance_certificates_one_revoked_and_feedback(demo):
    ruse = Organisation.objects.get(name_bg=RUSE)
    first, second = Cohort.objects.filter(organisation=ruse).order_by("starts_on")
    assert Attendance.objects.filter(session__cohort=first).count() == 36 * 16
    completed = {pk for pk, c in cohort_completion(first).items() if c.completed}
    assert 25 <= len(completed) < 36
    certificates = Certificate.objects.filter(trainee__cohort=first)
    assert (
        set(certificates.filter(revoked_at__isnull=True).values_list("trainee_id", flat=True))
        == completed
    )
    assert certificates.filter(revoked_at__isnull=False).count() == 1
    # The second cohort ends today; today's module 8 is still to take, so nobody completed.
    today = second.sessions.get(module__number=8)
    assert today.attendance_taken_at is None
    assert not any(c.completed for c in cohort_completion(second).values())
    assert FeedbackResponse.objects.filter(cohort=first).count() > 100


def test_the_trainers_home_page_starts_with_todays_attendance(client, demo):
    client.force_login(User.objects.get(email="trainer@demo.zakrila.bg"))
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="card-trainer"' in page
    assert 'data-testid="sessions-today"' in page
    assert 'data-testid="attendance-to-take"' in page
    assert "ЕКсперт – Русе, 2-ри випуск" in page
    assert "No training cohorts yet" not in page
