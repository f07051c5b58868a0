"""What the programmes' services refuse, and that a refusal writes nothing: a pregnancy whose
dates cannot be right or whose woman belongs to another organisation, a birth that cannot
have happened, a screening the scale cannot hold, and an SOS call logged or referred wrongly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import PersonFactory, UnitFactory
from zakrila.audit.models import AuditEvent
from zakrila.cases.models import Referral
from zakrila.organisations.models import ProgrammeKind
from zakrila.people.models import Person
from zakrila.programmes.models import (
    Call,
    CallCounter,
    Enrolment,
    EnrolmentStatus,
    Pregnancy,
    Screening,
    Visit,
)
from zakrila.programmes.services import (
    enrolment_start,
    pregnancy_birth,
    pregnancy_register,
    screening_record,
)
from zakrila.programmes.services.calls import call_log, call_referral_create

pytestmark = pytest.mark.django_db


def _written() -> dict[str, int]:
    """How many records of each kind a refused write could have left behind."""
    return {
        "people": Person.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "visits": Visit.objects.count(),
        "pregnancies": Pregnancy.objects.count(),
        "screenings": Screening.objects.count(),
        "calls": Call.objects.count(),
        "referrals": Referral.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _said(refused: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(refused.value.messages)


def _weeks_ago(weeks: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(weeks=weeks)


@pytest.fixture
def woman(org, cop):
    return PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2002, 5, 4))


@pytest.fixture
def early(programme_of):
    return programme_of(ProgrammeKind.EARLY_INTERVENTION)


@pytest.fixture
def toddler_enrolment(early, org, cop, worker):
    toddler = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2024, 6, 10))
    return enrolment_start(
        actor=worker, programme=early, person=toddler, worker=worker,
        started_on=dt.date(2025, 1, 10),
    )  # fmt: skip


# --- Pregnancy ---------------------------------------------------------------------------------


def test_a_pregnancy_needs_the_last_period_or_the_due_date(pregnancy_programme, woman, worker):
    """Without either date nothing can be scheduled: the worker is told to give one."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_register(actor=worker, programme=pregnancy_programme, woman=woman, worker=worker)
    assert "last_period_on" in refused.value.message_dict
    assert "последната менструация или предполагаемия термин" in _said(refused)
    assert _written() == before


def test_a_last_period_in_the_future_is_refused(pregnancy_programme, woman, worker):
    """A typo in the year must not schedule eight contacts a year from now — also when the
    due date typed is so far ahead that the last period it gives is still to come."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
            last_period_on=timezone.localdate() + dt.timedelta(days=3),
        )  # fmt: skip
    assert "last_period_on" in refused.value.message_dict
    assert "Последната менструация е в бъдещето" in _said(refused)
    with pytest.raises(ValidationError, match="в бъдещето"):
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
            due_on=timezone.localdate() + dt.timedelta(weeks=45),
        )  # fmt: skip
    assert _written() == before


def test_a_last_period_more_than_44_weeks_ago_is_refused(pregnancy_programme, woman, worker):
    """More than 44 weeks of pregnancy is a wrong date, not a pregnancy to follow: counted from
    the day of the enrolment when it is given, from today otherwise."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
            last_period_on=_weeks_ago(45),
        )  # fmt: skip
    assert "last_period_on" in refused.value.message_dict
    assert "повече от 44 седмици бременност" in _said(refused)
    with pytest.raises(ValidationError, match="44 седмици"):
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
            last_period_on=_weeks_ago(60), started_on=_weeks_ago(15),
        )  # fmt: skip
    assert _written() == before


def test_a_woman_of_another_organisation_cannot_be_registered(
    pregnancy_programme, worker, other_org
):
    """A programme follows only its own organisation's people."""
    stranger = PersonFactory(organisation=other_org, first_name="Чужда", last_name="Жена")
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=stranger, worker=worker,
            last_period_on=_weeks_ago(10),
        )  # fmt: skip
    assert "от организацията на програмата" in _said(refused)
    assert _written() == before
    assert not stranger.enrolments.exists()


def test_the_worker_of_a_pregnancy_must_work_in_the_organisation_now(
    pregnancy_programme, woman, worker, outsider, org
):
    """The woman's worker is one of the organisation's staff: not a worker of another
    organisation, nor one whose membership has ended."""
    from tests.factories import member
    from zakrila.accounts.models import Role

    gone = member(org, Role.FIELD_WORKER, email="left@example.bg")
    gone.memberships.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    for stranger in (outsider, gone):
        before = _written()
        with pytest.raises(ValidationError) as refused:
            pregnancy_register(
                actor=worker, programme=pregnancy_programme, woman=woman, worker=stranger,
                last_period_on=_weeks_ago(10),
            )  # fmt: skip
        assert refused.value.message_dict == {
            "worker": ["Изберете служител, който работи в организацията сега."]
        }
        assert _written() == before


def test_a_pregnancy_is_registered_only_in_the_pregnancy_programme(programme_of, woman, worker):
    """A pregnancy typed into another programme's form is refused, not filed there."""
    di = programme_of(ProgrammeKind.DEINSTITUTIONALISATION)
    before = _written()
    with pytest.raises(ValidationError, match="Това не е програмата за този запис"):
        pregnancy_register(
            actor=worker, programme=di, woman=woman, worker=worker, last_period_on=_weeks_ago(10)
        )
    assert _written() == before


def test_the_same_pregnancy_is_not_registered_twice(pregnancy_programme, woman, worker):
    """A woman already followed in the programme is not enrolled a second time (a double
    click, a colleague who did not look first)."""
    pregnancy_register(
        actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
        last_period_on=_weeks_ago(10),
    )  # fmt: skip
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_register(
            actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
            last_period_on=_weeks_ago(11),
        )  # fmt: skip
    assert "Този човек вече е включен в тази програма" in _said(refused)
    assert _written() == before
    assert Pregnancy.objects.get().last_period_on == _weeks_ago(10)


# --- Birth -------------------------------------------------------------------------------------


@pytest.fixture
def pregnancy(pregnancy_programme, woman, worker):
    return pregnancy_register(
        actor=worker, programme=pregnancy_programme, woman=woman, worker=worker,
        last_period_on=_weeks_ago(30),
    )  # fmt: skip


def _unchanged(pregnancy: Pregnancy) -> None:
    before_version = pregnancy.version
    pregnancy.refresh_from_db()
    pregnancy.enrolment.refresh_from_db()
    assert pregnancy.birth_on is None and pregnancy.newborn_id is None
    assert pregnancy.version == before_version
    assert pregnancy.enrolment.status == EnrolmentStatus.ACTIVE
    assert pregnancy.enrolment.outcome == ""


def test_a_birth_in_the_future_is_refused(pregnancy, worker):
    """The pregnancy stays followed; no newborn is registered."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_birth(
            actor=worker, pregnancy=pregnancy, outcome="live_birth",
            birth_on=timezone.localdate() + dt.timedelta(days=1),
        )  # fmt: skip
    assert "birth_on" in refused.value.message_dict
    assert "Датата на раждане е в бъдещето" in _said(refused)
    assert _written() == before
    _unchanged(pregnancy)


def test_a_birth_before_the_pregnancy_is_refused(pregnancy, worker):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_birth(
            actor=worker, pregnancy=pregnancy, outcome="live_birth",
            birth_on=pregnancy.last_period_on - dt.timedelta(days=1),
        )  # fmt: skip
    assert "birth_on" in refused.value.message_dict
    assert "Раждането не може да е преди бременността" in _said(refused)
    assert _written() == before
    _unchanged(pregnancy)


def test_only_a_newborn_is_enrolled_onwards(pregnancy, early, worker):
    """After a miscarriage there is no one to enrol in early intervention."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_birth(
            actor=worker, pregnancy=pregnancy, outcome="miscarriage",
            birth_on=timezone.localdate(), enrol_in=early,
        )  # fmt: skip
    assert "enrol_in" in refused.value.message_dict
    assert "Само новородено" in _said(refused)
    assert _written() == before
    _unchanged(pregnancy)


def test_a_newborn_enrolled_in_the_wrong_programme_undoes_the_whole_birth(pregnancy, di, worker):
    """The refusal comes after the newborn was registered: the whole step is undone, so the
    worker can correct the programme and record the birth again."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        pregnancy_birth(
            actor=worker, pregnancy=pregnancy, outcome="live_birth",
            birth_on=timezone.localdate(), newborn_data={"first_name": "Ива"}, enrol_in=di,
        )  # fmt: skip
    assert "enrol_in" in refused.value.message_dict
    assert "ранна интервенция" in _said(refused).lower()
    assert _written() == before
    assert not Person.objects.filter(first_name="Ива").exists()
    _unchanged(pregnancy)


# --- Screening ---------------------------------------------------------------------------------


def test_a_screening_needs_the_childs_birth_date(early, org, cop, worker):
    """The age in months is computed, never typed: without a birth date it cannot be."""
    child = PersonFactory(organisation=org, unit=cop, birth_date=None)
    enrolment = enrolment_start(actor=worker, programme=early, person=child, worker=worker)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=enrolment, screened_on=timezone.localdate(),
            scores={"motor": 3},
        )  # fmt: skip
    assert "Датата на раждане на детето не е известна" in _said(refused)
    assert _written() == before


def test_a_screening_in_the_future_is_refused(toddler_enrolment, worker):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=toddler_enrolment,
            screened_on=timezone.localdate() + dt.timedelta(days=1), scores={"motor": 3},
        )  # fmt: skip
    assert "screened_on" in refused.value.message_dict
    assert "Тази дата е в бъдещето" in _said(refused)
    assert _written() == before


def test_a_screening_before_the_birth_is_refused(toddler_enrolment, worker):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2024, 6, 9),
            scores={"motor": 3},
        )  # fmt: skip
    assert "screened_on" in refused.value.message_dict
    assert "Скринингът не може да е преди раждането" in _said(refused)
    assert _written() == before


def test_a_screening_is_recorded_only_in_early_intervention(pregnancy, worker):
    """A pregnancy's enrolment has no screenings."""
    before = _written()
    with pytest.raises(ValidationError, match="Това не е програмата за този запис"):
        screening_record(
            actor=worker, enrolment=pregnancy.enrolment, screened_on=timezone.localdate(),
            scores={"motor": 3},
        )  # fmt: skip
    assert _written() == before


def test_another_instruments_screening_needs_its_highest_score(toddler_enrolment, worker):
    """ASQ-3's scores mean nothing without the scale they are on."""
    before = _written()
    for score_max in (None, 0):
        with pytest.raises(ValidationError) as refused:
            screening_record(
                actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
                instrument="ASQ-3", score_max=score_max, scores={"motor": 45},
            )  # fmt: skip
        assert "score_max" in refused.value.message_dict
        assert "най-високия резултат на инструмента" in _said(refused)
    assert _written() == before


def test_a_score_outside_the_scale_is_refused(toddler_enrolment, worker):
    """Our scale runs 1 to 5: a 0 or a 9 is a typing error, and says which domain."""
    before = _written()
    for score in (0, 9):
        with pytest.raises(ValidationError) as refused:
            screening_record(
                actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
                scores={"motor": 4, "speech": score},
            )  # fmt: skip
        assert "score_speech" in refused.value.message_dict
        assert "Резултатът трябва да е между 1 и 5" in _said(refused)
    assert _written() == before


def test_an_unknown_domain_is_refused(toddler_enrolment, worker):
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
            scores={"motor": 3, "astrology": 2},
        )  # fmt: skip
    assert "Непозната област: astrology" in _said(refused)
    assert _written() == before


def test_a_screening_needs_at_least_one_score(toddler_enrolment, worker):
    """Domains left empty are not a screening."""
    before = _written()
    for scores in ({}, {"motor": None, "speech": None}):
        with pytest.raises(ValidationError) as refused:
            screening_record(
                actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
                scores=scores,
            )  # fmt: skip
        assert "Въведете резултат поне за една област" in _said(refused)
    assert _written() == before


# --- The SOS line ------------------------------------------------------------------------------


@pytest.fixture
def call(worker, cop):
    return call_log(actor=worker, unit=cop, started_at=timezone.now(), category="family")


def _call_unchanged(call: Call) -> None:
    version = call.version
    call.refresh_from_db()
    assert call.referral_id is None and call.version == version
    assert call.referred_to == ""


def test_a_call_is_not_referred_to_a_unit_of_another_organisation(call, worker, other_org):
    """The child and the referral would land in a stranger's registers: refused whole."""
    foreign_unit = UnitFactory(organisation=other_org, name="ЦОП Чужд")
    before = _written()
    with pytest.raises(ValidationError) as refused:
        call_referral_create(
            actor=worker, call=call, unit=foreign_unit, reason="Майката е на ръба.",
            child={"first_name": "Ива", "age": 7},
        )  # fmt: skip
    assert "unit" in refused.value.message_dict
    assert "Звеното трябва да е от същата организация" in _said(refused)
    assert _written() == before
    assert not Person.objects.filter(organisation=other_org, first_name="Ива").exists()
    _call_unchanged(call)


def test_a_call_is_referred_only_once(call, worker, cop):
    first = call_referral_create(
        actor=worker, call=call, unit=cop, reason="Майката е на ръба.", child={"first_name": "Ива"}
    )
    before = _written()
    call.refresh_from_db()
    version = call.version
    with pytest.raises(ValidationError) as refused:
        call_referral_create(
            actor=worker, call=call, unit=cop, reason="отново", child={"first_name": "Ива"}
        )
    assert refused.value.code == "already_referred"
    assert "вече е направено насочване" in _said(refused)
    assert _written() == before
    call.refresh_from_db()
    assert call.referral_id == first.pk and call.version == version


def test_a_referral_from_a_call_needs_the_childs_name_or_a_description(call, worker, cop):
    """Whitespace is not a name: a referral about nobody is refused."""
    before = _written()
    with pytest.raises(ValidationError) as refused:
        call_referral_create(
            actor=worker, call=call, unit=cop, reason="Майката е на ръба.",
            child={"first_name": "  ", "last_name": "", "description": " "},
        )  # fmt: skip
    assert "first_name" in refused.value.message_dict
    assert "Напишете името на детето или кратко описание" in _said(refused)
    assert _written() == before
    _call_unchanged(call)


def test_a_call_about_an_unknown_concern_is_refused(worker, cop):
    """The month's figures count calls by concern: only the list's concerns are taken, and
    no call number is used up by a refusal."""
    before, counters = _written(), list(CallCounter.objects.values_list("day", "last"))
    with pytest.raises(ValidationError) as refused:
        call_log(actor=worker, unit=cop, started_at=timezone.now(), category="astrology")
    assert "concern" in refused.value.message_dict
    assert "Изберете темата от списъка" in _said(refused)
    assert _written() == before
    assert list(CallCounter.objects.values_list("day", "last")) == counters


def test_an_anonymous_call_with_a_name_is_refused_by_the_service_too(worker, cop):
    """What was typed in the name or phone is refused, not dropped silently."""
    before = _written()
    for typed in ({"caller_name": "Мария"}, {"caller_phone": "0888 123 456"}):
        with pytest.raises(ValidationError) as refused:
            call_log(
                actor=worker, unit=cop, started_at=timezone.now(), category="family",
                anonymous=True, **typed,
            )  # fmt: skip
        assert "anonymous" in refused.value.message_dict
        assert "изтрийте името и телефона" in _said(refused)
    assert _written() == before


def test_a_call_of_negative_duration_is_refused(worker, cop):
    """A minus typed before the minutes is caught before the call takes a number."""
    before, counters = _written(), list(CallCounter.objects.values_list("day", "last"))
    with pytest.raises(ValidationError) as refused:
        call_log(
            actor=worker, unit=cop, started_at=timezone.now(), category="family",
            duration_minutes=-5,
        )  # fmt: skip
    assert "duration_minutes" in refused.value.message_dict
    assert _written() == before
    assert list(CallCounter.objects.values_list("day", "last")) == counters


def test_the_same_screening_is_not_recorded_twice_on_one_day(toddler_enrolment, worker):
    """A screening typed again (another tab, a second colleague) is refused, not counted
    twice in the child's chart; another instrument on the same day is a screening of its own."""
    screening_record(
        actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
        scores={"motor": 3},
    )  # fmt: skip
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
            scores={"motor": 4},
        )  # fmt: skip
    assert refused.value.message_dict == {
        "screened_on": [
            "Скринингът на това дете с този инструмент за тази дата вече е записан: "
            "отворете го от страницата на включването."
        ]
    }
    assert _written() == before
    screening_record(
        actor=worker, enrolment=toddler_enrolment, screened_on=dt.date(2025, 2, 1),
        instrument="ASQ-3", score_max=60, scores={"motor": 45},
    )  # fmt: skip
    assert toddler_enrolment.screenings.count() == 2


def test_our_scale_is_not_used_past_the_seventh_birthday(early, org, cop, worker):
    """The shipped scale is for children 0–6: an older child's scores on it would be read
    against the wrong ages; another instrument, named, is taken."""
    older = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2018, 3, 1))
    enrolment = enrolment_start(
        actor=worker, programme=early, person=older, worker=worker, started_on=dt.date(2025, 1, 10)
    )
    before = _written()
    with pytest.raises(ValidationError) as refused:
        screening_record(
            actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 3, 1),
            scores={"motor": 3},
        )  # fmt: skip
    assert "на 84 месеца" in _said(refused) and "screened_on" in refused.value.message_dict
    assert _written() == before
    # The day before the seventh birthday the scale still holds; another instrument any day.
    screening_record(
        actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 2, 28), scores={"motor": 3}
    )
    screening_record(
        actor=worker, enrolment=enrolment, screened_on=dt.date(2025, 3, 1), instrument="ASQ-3",
        score_max=60, scores={"motor": 45},
    )  # fmt: skip
