"""Volunteers: no work with children without a valid criminal-record certificate, a warning
before it runs out, needs and assignments never double-booked, hours scheduled and done, the
thank-you letter and the certificate of hours."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import member
from tests.giving.conftest import make_volunteer
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditEvent
from zakrila.giving.models import Assignment, Volunteer
from zakrila.giving.services import (
    assignment_cancel,
    assignment_make,
    assignment_record_hours,
    need_create,
)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _need(coordinator, cop, *, days=3, start=10, end=13, with_children=True, people=2, title=None):
    return need_create(
        actor=coordinator, unit=cop, title=title or "Занимания с децата в ЦОП",
        starts_at=_at(days, start), ends_at=_at(days, end), people_needed=people,
        with_children=with_children,
    )  # fmt: skip


def test_a_volunteer_without_a_criminal_record_certificate_cannot_work_with_children(
    coordinator, org, cop
):
    volunteer = make_volunteer(coordinator, org)
    with pytest.raises(ValidationError) as refused:
        assignment_make(actor=coordinator, need=_need(coordinator, cop), volunteer=volunteer)
    assert "свидетелство за съдимост" in " ".join(refused.value.messages)
    assert not Assignment.objects.exists()
    # Work without children needs no certificate.
    sorting = _need(coordinator, cop, days=5, with_children=False, title="Сортиране на дрехи")
    assert assignment_make(actor=coordinator, need=sorting, volunteer=volunteer)


def test_the_page_refuses_the_assignment_with_the_reason(client, coordinator, org, cop):
    volunteer = make_volunteer(coordinator, org)
    need = _need(coordinator, cop)
    client.force_login(coordinator)
    response = client.post(need.get_absolute_url(), {"volunteer": volunteer.pk})
    assert response.status_code == 200
    assert "няма свидетелство за съдимост" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_certificate_that_runs_out_before_the_work_is_refused(coordinator, org, cop):
    today = timezone.localdate()
    old = today - relativedelta(months=6) + dt.timedelta(days=5)
    volunteer = make_volunteer(coordinator, org, certificate_on=old)
    # Valid for a few more days: how many depends on the months' lengths (29.11 less six
    # months is 29.05, and 31.05 plus six months is 30.11), so ask the certificate.
    left = (volunteer.certificate_valid_until - today).days
    assert 2 <= left <= 8
    with pytest.raises(ValidationError, match="валидно до"):
        assignment_make(
            actor=coordinator, need=_need(coordinator, cop, days=left), volunteer=volunteer
        )
    assert assignment_make(
        actor=coordinator, need=_need(coordinator, cop, days=left - 1), volunteer=volunteer
    )


def test_the_coordinator_is_warned_before_a_certificate_runs_out(client, coordinator, org, cop):
    soon = timezone.localdate() - relativedelta(months=6) + dt.timedelta(days=10)
    volunteer = make_volunteer(coordinator, org, certificate_on=soon)
    assignment_make(actor=coordinator, need=_need(coordinator, cop, days=2), volunteer=volunteer)
    client.force_login(coordinator)
    page = client.get(volunteer.get_absolute_url()).content.decode()
    assert 'data-testid="certificate-expiring"' in page
    home = client.get("/").content.decode()
    assert 'data-testid="home-certificates-expiring"' in home and volunteer.full_name in home


def test_a_volunteer_is_never_double_booked(coordinator, org, cop):
    volunteer = make_volunteer(coordinator, org, certificate_on=timezone.localdate())
    assignment_make(
        actor=coordinator, need=_need(coordinator, cop, start=10, end=13), volunteer=volunteer
    )
    overlapping = _need(coordinator, cop, start=12, end=15, title="Разходка в парка")
    with pytest.raises(ValidationError, match="вече е зает"):
        assignment_make(actor=coordinator, need=overlapping, volunteer=volunteer)
    after = _need(coordinator, cop, start=13, end=15, title="Помощ с уроците")
    assert assignment_make(actor=coordinator, need=after, volunteer=volunteer)


def test_a_cancelled_assignment_frees_the_time(coordinator, org, cop):
    volunteer = make_volunteer(coordinator, org, certificate_on=timezone.localdate())
    first = assignment_make(actor=coordinator, need=_need(coordinator, cop), volunteer=volunteer)
    assignment_cancel(actor=coordinator, assignment=first, expected_version=first.version)
    again = _need(coordinator, cop, title="Друго занимание")
    assert assignment_make(actor=coordinator, need=again, volunteer=volunteer)


def test_a_need_takes_no_more_people_than_it_needs(coordinator, org, cop):
    need = _need(coordinator, cop, people=1)
    first = make_volunteer(coordinator, org, certificate_on=timezone.localdate())
    second = make_volunteer(
        coordinator, org, certificate_on=timezone.localdate(), name="Ива Илиева"
    )
    assignment_make(actor=coordinator, need=need, volunteer=first)
    with pytest.raises(ValidationError):
        assignment_make(actor=coordinator, need=need, volunteer=second)


def test_hours_are_recorded_once_the_work_started_and_printed(client, coordinator, org, cop):
    volunteer = make_volunteer(
        coordinator, org, certificate_on=timezone.localdate() - dt.timedelta(days=30)
    )
    past = _need(coordinator, cop, days=-3)
    future = _need(coordinator, cop, days=3)
    done = assignment_make(actor=coordinator, need=past, volunteer=volunteer)
    ahead = assignment_make(actor=coordinator, need=future, volunteer=volunteer)
    assert done.hours_scheduled == 3
    with pytest.raises(ValidationError):
        assignment_record_hours(
            actor=coordinator,
            assignment=ahead,
            hours_done=Decimal(3),
            expected_version=ahead.version,
        )
    assignment_record_hours(
        actor=coordinator, assignment=done, hours_done=Decimal("2.5"), expected_version=done.version
    )
    client.force_login(coordinator)
    hours = client.get(reverse("giving:volunteer_hours", args=[volunteer.pk]))
    assert hours["Content-Type"] == "application/pdf"
    text = _pdf_text(hours.content)
    assert "УДОСТОВЕРЕНИЕ" in text and "Гергана Добромирова" in text and "2,5" in text
    letter = _pdf_text(client.get(reverse("giving:volunteer_letter", args=[volunteer.pk])).content)
    assert "Гергана Добромирова" in letter and "благодар" in letter.lower()
    assert AuditEvent.objects.filter(action="print", object_type="giving.volunteer").count() == 2


def test_a_volunteer_of_another_organisation_is_not_assigned(coordinator, cop, other_org):
    other_coordinator = member(
        other_org,
        Role.GIVING_COORDINATOR,
        email="giving@other.example.bg",
        full_name="Чужд Координатор",
    )
    stranger = make_volunteer(other_coordinator, other_org, certificate_on=timezone.localdate())
    need = _need(coordinator, cop)
    with pytest.raises(ValidationError, match="различни организации"):
        assignment_make(actor=coordinator, need=need, volunteer=stranger)
    assert not Assignment.objects.exists()


def test_a_volunteer_who_left_is_not_assigned(coordinator, org, cop):
    volunteer = make_volunteer(coordinator, org, certificate_on=timezone.localdate())
    Volunteer.objects.filter(pk=volunteer.pk).update(left_on=timezone.localdate())
    with pytest.raises(ValidationError, match="вече не участва"):
        assignment_make(actor=coordinator, need=_need(coordinator, cop), volunteer=volunteer)
    assert not Assignment.objects.exists()


def test_a_volunteer_is_not_put_on_the_same_need_twice(coordinator, org, cop):
    volunteer = make_volunteer(coordinator, org, certificate_on=timezone.localdate())
    need = _need(coordinator, cop, people=2)
    assignment_make(actor=coordinator, need=need, volunteer=volunteer)
    with pytest.raises(ValidationError, match="в тази нужда"):
        assignment_make(actor=coordinator, need=need, volunteer=volunteer)
    assert need.assignments.count() == 1


def test_a_cancelled_assignment_takes_no_hours_and_is_not_cancelled_again(coordinator, org, cop):
    volunteer = make_volunteer(
        coordinator, org, certificate_on=timezone.localdate() - dt.timedelta(days=30)
    )
    assignment = assignment_make(
        actor=coordinator, need=_need(coordinator, cop, days=-3), volunteer=volunteer
    )
    assignment = assignment_cancel(
        actor=coordinator, assignment=assignment, expected_version=assignment.version
    )
    with pytest.raises(ValidationError, match="участие е отменено"):
        assignment_record_hours(
            actor=coordinator, assignment=assignment, hours_done=Decimal(3),
            expected_version=assignment.version,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="Само планирано участие"):
        assignment_cancel(
            actor=coordinator, assignment=assignment, expected_version=assignment.version
        )
    assignment.refresh_from_db()
    assert assignment.status == "cancelled" and assignment.hours_done is None


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 11, 29), dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2028, 2, 29)],
)
def test_the_certificate_warnings_are_the_certificates_own_rule_around_every_month_end(
    coordinator, org, cop, today
):
    """The warnings read only the certificates dated near six months ago: they are still
    exactly the ones the certificate's rule names, on the month ends where six months back
    is clipped (31.08 + 6 months is 28.02)."""
    from zakrila.giving.queries import certificate_warnings

    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    dated = [today - dt.timedelta(days=days) for days in range(0, 240)]
    Volunteer.objects.bulk_create(
        Volunteer(organisation=org, full_name=f"Доброволец {n:03}", consent_on=today,
                  record_certificate_on=on, record_certificate_number=str(n) if on else "")
        for n, on in enumerate([*dated, None])
    )  # fmt: skip
    with_children = need_create(
        actor=coordinator, unit=cop, title="Занимания", starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=3), people_needed=400, with_children=True,
    )  # fmt: skip
    everyone = list(Volunteer.objects.order_by("full_name", "id"))
    assigned = [*everyone[:-1:7], everyone[-1]]  # the last has no certificate
    for volunteer in assigned:
        Assignment.objects.create(
            organisation=org, need=with_children, volunteer=volunteer, status="scheduled",
            starts_at=with_children.starts_at, ends_at=with_children.ends_at,
        )  # fmt: skip
    horizon = today + dt.timedelta(days=30)

    expiring, at_risk = certificate_warnings(coordinator, org.pk, today=today)

    assert expiring == [v for v in everyone if v.certificate_expiring(today)]
    assert at_risk == [v for v in assigned if not v.certificate_valid_on(horizon)]
    assert len(expiring) >= 25 and everyone[-1] in at_risk


def test_the_home_card_names_the_ten_certificates_that_run_out_soonest_and_counts_the_rest(
    client, coordinator, org
):
    today = timezone.localdate()
    for days in range(12):  # valid until in 29, 28, ... 18 days
        make_volunteer(
            coordinator, org, name=f"Доброволец {days:02}",
            certificate_on=today - relativedelta(months=6) + dt.timedelta(days=29 - days),
        )  # fmt: skip
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    card = home.split('data-testid="home-certificates-expiring"')[1].split("</ul>")[0]
    named = [item.split("</a>")[0].rsplit(">", 1)[1] for item in card.split("<li>")[1:]]
    assert named == [f"Доброволец {days:02}" for days in range(11, 1, -1)]
    assert "и още 2" in card
    everyone = card.split("и още 2")[0].rsplit('href="', 1)[1].split('"')[0]
    assert everyone == reverse("giving:volunteers") + "?certificate=expiring"
    listed = client.get(everyone).content.decode()
    assert listed.split('data-testid="volunteers"')[1].count("<tr>") == 1 + 12
