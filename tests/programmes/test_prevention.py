"""The four programmes of #10 on the engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.audit.models import AuditEvent
from zakrila.organisations.models import ProgrammeKind
from zakrila.people.models import Person
from zakrila.programmes.models import (
    EnrolmentStatus,
    MaternitySignal,
    VisitStatus,
    naegele_due_date,
    naegele_last_period,
)
from zakrila.programmes.screening import age_in_months
from zakrila.programmes.services import (
    leaving_record,
    leaving_register,
    maternity_signal_register,
    pregnancy_birth,
    pregnancy_register,
    screening_record,
    visit_record,
)

pytestmark = pytest.mark.django_db


def test_naegele_adds_a_year_takes_three_months_and_adds_seven_days():
    assert naegele_due_date(dt.date(2026, 1, 1)) == dt.date(2026, 10, 8)
    assert naegele_due_date(dt.date(2026, 5, 25)) == dt.date(2027, 3, 4)
    assert naegele_last_period(dt.date(2026, 10, 8)) == dt.date(2026, 1, 1)


def test_age_in_months_counts_whole_months():
    birth = dt.date(2024, 1, 31)
    assert age_in_months(birth, dt.date(2024, 2, 29)) == 1
    assert age_in_months(birth, dt.date(2024, 2, 28)) == 0
    assert age_in_months(birth, dt.date(2026, 1, 30)) == 23
    assert age_in_months(birth, dt.date(2026, 1, 31)) == 24


def test_a_pregnancy_registered_at_ten_weeks_has_the_eight_contacts(pregnancy_programme, org, cop, field_worker):  # fmt: skip
    woman = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2005, 2, 1))
    lmp = timezone.localdate() - dt.timedelta(weeks=10)
    pregnancy = pregnancy_register(
        actor=field_worker, programme=pregnancy_programme, woman=woman, worker=field_worker,
        last_period_on=lmp, has_gp=True, risk_flags=["adolescent"],
    )  # fmt: skip
    assert pregnancy.due_on == naegele_due_date(lmp) and pregnancy.weeks == 10
    visits = list(pregnancy.enrolment.visits.order_by("due_on"))
    assert [v.due_on for v in visits] == [lmp + dt.timedelta(weeks=w) for w in (12, 20, 26, 30, 34, 36, 38, 40)]  # fmt: skip
    event = AuditEvent.objects.get(object_type="programmes.pregnancy")
    assert event.changes["risk_flags"] == "changed" and str(lmp.year) not in str(event.changes)


def test_a_pregnancy_from_the_due_date_and_never_from_the_future(pregnancy_programme, org, cop, worker):  # fmt: skip
    woman = PersonFactory(organisation=org, unit=cop)
    due = timezone.localdate() + dt.timedelta(weeks=20)
    pregnancy = pregnancy_register(
        actor=worker, programme=pregnancy_programme, woman=woman, worker=worker, due_on=due
    )
    assert pregnancy.last_period_on == naegele_last_period(due)
    other = PersonFactory(organisation=org, unit=cop)
    with pytest.raises(ValidationError):
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=other, worker=worker,
            last_period_on=timezone.localdate() + dt.timedelta(days=3),
        )  # fmt: skip
    with pytest.raises(ValidationError):
        pregnancy_register(actor=worker, programme=pregnancy_programme, woman=other, worker=worker)


def test_a_birth_enrols_the_newborn_in_early_intervention_in_one_step(pregnancy_programme, programme_of, org, cop, worker):  # fmt: skip
    early = programme_of(ProgrammeKind.EARLY_INTERVENTION)
    woman = PersonFactory(organisation=org, unit=cop, last_name="Асенова")
    pregnancy = pregnancy_register(
        actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
        last_period_on=timezone.localdate() - dt.timedelta(weeks=39),
    )  # fmt: skip
    pregnancy = pregnancy_birth(
        actor=worker, pregnancy=pregnancy, birth_on=timezone.localdate(), outcome="live_birth",
        newborn_data={"first_name": "Ива", "sex": "female"}, enrol_in=early,
    )  # fmt: skip
    pregnancy.enrolment.refresh_from_db()
    assert pregnancy.enrolment.status == EnrolmentStatus.COMPLETED
    assert pregnancy.enrolment.outcome == "live_birth"
    assert not pregnancy.enrolment.visits.filter(status=VisitStatus.PLANNED).exists()
    newborn = pregnancy.newborn
    assert newborn.birth_date == timezone.localdate() and newborn.last_name == "Асенова"
    assert newborn.enrolments.get().programme == early


def test_a_maternity_signal_registers_mother_and_unnamed_newborn(programme_of, worker):
    maternity = programme_of(ProgrammeKind.MATERNITY_WARD)
    signal = maternity_signal_register(
        actor=worker, programme=maternity, worker=worker, hospital="МБАЛ Русе",
        ward="Неонатология", signalled_at=timezone.now() - dt.timedelta(hours=3),
        caller="д-р Петрова", mother_data={"first_name": "Анелия", "last_name": "Маринова"},
        newborn_data={"sex": "male", "birth_date": timezone.localdate()},
        risk_factors=["no_documents", "single_young"],
    )  # fmt: skip
    newborn = signal.enrolment.person
    assert newborn.first_name == "" and "Анелия Маринова" in newborn.description
    assert signal.mother.full_name == "Анелия Маринова"
    keys = set(signal.enrolment.visits.values_list("key", flat=True))
    assert keys == {"first_visit", "home_1m", "home_3m"}
    with pytest.raises(ValidationError):
        maternity_signal_register(
            actor=worker, programme=maternity, worker=worker, hospital="МБАЛ Русе", ward="",
            signalled_at=timezone.now(), caller="x", mother=signal.mother,
            newborn_data={"sex": "male"}, risk_factors=["moon"],
        )  # fmt: skip


def test_a_child_moved_to_a_family_in_march_is_followed_up_in_june_september_and_march(di, child, worker):  # fmt: skip
    leaving = leaving_register(
        actor=worker, programme=di, child=child, worker=worker, institution="ДМСГД Русе",
        institution_kind="medical_social", started_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    leaving_record(actor=worker, leaving=leaving, left_on=dt.date(2026, 3, 12), destination="foster_family")  # fmt: skip
    enrolment = leaving.enrolment
    enrolment.refresh_from_db()
    assert enrolment.stage == "follow_up"
    follow = {v.key: v.due_on for v in enrolment.visits.filter(stage="follow_up")}
    assert follow == {
        "follow_3m": dt.date(2026, 6, 12),
        "follow_6m": dt.date(2026, 9, 12),
        "follow_12m": dt.date(2027, 3, 12),
    }
    assert not enrolment.visits.filter(stage="preparation", status=VisitStatus.PLANNED).exists()
    with pytest.raises(ValidationError):
        leaving_record(actor=worker, leaving=leaving, left_on=dt.date(2026, 3, 13), destination="relatives")  # fmt: skip


def test_screenings_take_the_age_from_the_birth_date_and_check_the_scale(programme_of, org, cop, worker):  # fmt: skip
    from zakrila.programmes.services import enrolment_start

    early = programme_of(ProgrammeKind.EARLY_INTERVENTION)
    toddler = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2024, 6, 10))
    enrolment = enrolment_start(actor=worker, programme=early, person=toddler, worker=worker,
                                started_on=dt.date(2025, 1, 10))  # fmt: skip
    screening = screening_record(
        actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 1, 20),
        scores={"motor": 3, "speech": 2},
    )  # fmt: skip
    assert screening.age_months == 7 and screening.score_max == 5
    with pytest.raises(ValidationError):
        screening_record(actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 2, 1), scores={"motor": 9})  # fmt: skip
    external = screening_record(
        actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 7, 1), instrument="ASQ-3",
        score_max=60, scores={"motor": 45},
    )  # fmt: skip
    assert external.score_max == 60 and external.age_months == 12


def test_the_twelve_month_answer_is_stored_on_the_visit(di, child, worker):
    today = timezone.localdate()
    leaving = leaving_register(
        actor=worker, programme=di, child=child, worker=worker, institution="ДМСГД",
        institution_kind="medical_social", started_on=today - dt.timedelta(days=420),
    )  # fmt: skip
    leaving_record(actor=worker, leaving=leaving, left_on=today - dt.timedelta(days=380), destination="relatives")  # fmt: skip
    twelve = leaving.enrolment.visits.get(key="follow_12m")
    visit_record(actor=worker, enrolment=leaving.enrolment, visit=twelve, done_on=today,
                 kind="home", answers={"in_family": "yes", "living_with": "relatives"})  # fmt: skip
    twelve.refresh_from_db()
    assert twelve.answers == {"in_family": "yes", "living_with": "relatives"}


def test_a_maternity_signal_for_a_mother_of_another_organisation_is_refused(
    programme_of, worker, other_org
):
    maternity = programme_of(ProgrammeKind.MATERNITY_WARD)
    stranger = PersonFactory(organisation=other_org, first_name="Чужда", last_name="Майка")
    people_before = Person.objects.count()
    with pytest.raises(ValidationError, match="друга организация"):
        maternity_signal_register(
            actor=worker, programme=maternity, worker=worker, hospital="МБАЛ Русе", ward="",
            signalled_at=timezone.now(), caller="д-р Петрова", mother=stranger,
            newborn_data={"sex": "female", "birth_date": timezone.localdate()},
        )  # fmt: skip
    assert not MaternitySignal.objects.exists()
    assert Person.objects.count() == people_before
