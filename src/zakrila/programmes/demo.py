"""Demo programmes: a year of the four programmes that follow individuals, for Ruse, and a little
early intervention for the other organisation.

Ruse: about 40 maternity signals in the last twelve months (and 20 the year before, so the page
compares two years), some at night, most ending with the newborn at home; 30 children in early
intervention with two or three screenings each, home sessions and their parents' goals; 25
pregnancies at different weeks followed by the field worker (and a few already born, the baby
enrolled in early intervention); 10 children leaving institutions, most already in a family,
with their 3-, 6- and 12-month follow-ups. A few visits are left undone, so the field worker's
and the case manager's home pages show overdue visits. Deterministic: a fixed seed, dates
relative to today. Everything goes through the services, so it is audited like real work.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone
from faker import Faker

from zakrila.accounts.models import Membership, Role, User
from zakrila.organisations.models import Organisation, Programme, ProgrammeKind
from zakrila.people.models import Person
from zakrila.people.services import person_create
from zakrila.programmes.models import Enrolment, Visit, VisitStatus
from zakrila.programmes.services import (
    enrolment_end,
    enrolment_move_stage,
    enrolment_start,
    goal_add,
    goal_met,
    leaving_record,
    leaving_register,
    maternity_signal_register,
    pregnancy_birth,
    pregnancy_register,
    screening_record,
    visit_record,
)

HOSPITALS = (
    ("УМБАЛ „Канев“ – Русе", "Неонатология"),
    ("УМБАЛ „Канев“ – Русе", "Акушеро-гинекологично отделение"),
    ("МБАЛ „Медика“ – Русе", "Родилно отделение"),
)
CALLERS = ("социален работник на болницата", "дежурна акушерка", "д-р Петрова, неонатолог",
           "ОЗД – Русе", "старша акушерка")  # fmt: skip
MATERNITY_OUTCOMES = (
    ("home_with_mother", 70), ("home_with_relatives", 10), ("foster_care", 8),
    ("family_type_placement", 5), ("institution", 4), ("adoption", 3),
)  # fmt: skip
INSTITUTIONS = (
    ("ДМСГД – Русе", "medical_social"),
    ("ДДЛРГ „Надежда“ – Русе", "children_home"),
    ("ДДМУИ – с. Писанец", "disability_home"),
)
GOALS = (
    "Да казва поне десет думи до лятото",
    "Да се храни сам с лъжица",
    "Да ходи на детска градина",
    "Да играе с другите деца на площадката",
    "Да спи цяла нощ в своето легло",
    "Да обува сам обувките си",
)


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    ):
        if role in membership.roles:
            return membership.user
    return None


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _work_visits(
    enrolment: Enrolment,
    *,
    actor: User,
    until: dt.date,
    rng: random.Random,
    leave_undone: float = 0.0,
    answers: dict[str, Any] | None = None,
) -> None:
    """Do the planned visits due up to ``until``, each within its window; leave a share undone
    (it stays overdue once its window closes: missing it is visible)."""
    skipped: set[int] = set()
    while True:
        visit = (
            Visit.objects.filter(enrolment=enrolment, status=VisitStatus.PLANNED, due_on__lte=until)
            .exclude(pk__in=skipped)
            .order_by("due_on", "pk")
            .first()
        )
        if visit is None:
            return
        if rng.random() < leave_undone:
            skipped.add(visit.pk)
            continue
        latest = min(visit.window_end, until)
        earliest = min(max(visit.window_start, enrolment.started_on), latest)
        done_on = earliest + dt.timedelta(days=rng.randint(0, max((latest - earliest).days, 0)))
        kind = "ward" if visit.key in ("first_visit", "support_visit") else "home"
        visit_record(
            actor=actor, enrolment=enrolment, visit=visit, done_on=done_on, kind=kind,
            duration_minutes=rng.choice((30, 45, 60, 90)),
            answers=(answers or {}).get(visit.key, {}),
        )  # fmt: skip
        enrolment.refresh_from_db()


def _programme(organisation: Organisation, kind: str) -> Programme | None:
    return Programme.objects.filter(organisation=organisation, kind=kind).first()


def build_programmes(*, organisation: Organisation, seed: int, small: bool = False) -> int:
    """Nothing when the organisation already has enrolments. Returns the enrolments made."""
    if Enrolment.objects.filter(organisation=organisation).exists():
        return 0
    manager = _staff(organisation, Role.CASE_MANAGER)
    field = _staff(organisation, Role.FIELD_WORKER) or manager
    specialist = _staff(organisation, Role.SPECIALIST) or manager
    if manager is None or field is None or specialist is None:
        return 0
    fake = Faker("bg_BG")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    made = 0
    early = _programme(organisation, ProgrammeKind.EARLY_INTERVENTION)
    if early is not None:
        made += _early_intervention(
            early, actor=specialist, manager=manager, fake=fake, rng=rng, today=today,
            count=4 if small else 30,
        )  # fmt: skip
    if small:
        return made
    maternity = _programme(organisation, ProgrammeKind.MATERNITY_WARD)
    if maternity is not None:
        made += _maternity(maternity, actor=manager, fake=fake, rng=rng, today=today)
    pregnancy = _programme(organisation, ProgrammeKind.FAMILY_PLANNING)
    if pregnancy is not None:
        made += _pregnancies(pregnancy, actor=field, early=early, fake=fake, rng=rng, today=today)
    di = _programme(organisation, ProgrammeKind.DEINSTITUTIONALISATION)
    if di is not None:
        made += _deinstitutionalisation(di, actor=manager, fake=fake, rng=rng, today=today)
    return made


def _person(programme: Programme, actor: User, **data: Any) -> Person:
    return person_create(
        actor=actor,
        organisation_id=programme.organisation_id,
        data={"unit": programme.unit, **data},
    )


def _maternity(
    programme: Programme, *, actor: User, fake: Faker, rng: random.Random, today: dt.date
) -> int:
    made = 0
    for index in range(60):
        # 40 in the last twelve months, 20 the year before.
        days_ago = rng.randint(1, 364) if index < 40 else rng.randint(366, 729)
        day = today - dt.timedelta(days=days_ago)
        hour = rng.choice((2, 3, 5, 9, 11, 14, 16, 19, 22, 23))  # many signals come at night
        signalled_at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59))))  # fmt: skip
        hospital, ward = rng.choice(HOSPITALS)
        last = fake.last_name_female()
        risks = rng.sample(
            ["no_documents", "no_home", "single_young", "previous_placed", "child_disability",
             "poverty", "no_support", "stated_intent"], k=rng.randint(1, 4),
        )  # fmt: skip
        signal = maternity_signal_register(
            actor=actor, programme=programme, worker=actor, hospital=hospital, ward=ward,
            signalled_at=signalled_at, caller=rng.choice(CALLERS),
            mother_data={"first_name": fake.first_name_female(), "last_name": last,
                         "sex": "female", "birth_date": day - dt.timedelta(days=rng.randint(16 * 365, 38 * 365))},
            newborn_data={"sex": rng.choice(("male", "female")), "birth_date": day - dt.timedelta(days=rng.randint(0, 2)),
                          "last_name": last if rng.random() < 0.4 else ""},
            risk_factors=risks,
        )  # fmt: skip
        enrolment = signal.enrolment
        made += 1
        work_until = min(today, day + dt.timedelta(days=rng.randint(5, 25)))
        _work_visits(enrolment, actor=actor, until=day + dt.timedelta(days=1), rng=rng)
        enrolment = enrolment_move_stage(
            actor=actor, enrolment=enrolment, stage="support", on=day + dt.timedelta(days=1)
        )
        recent = days_ago < 20
        _work_visits(
            enrolment, actor=actor, until=work_until, rng=rng, leave_undone=0.5 if recent else 0
        )
        if recent:
            continue  # still at the ward: the outcome is not known yet
        outcome_on = min(work_until, today)
        enrolment.refresh_from_db()
        enrolment_end(
            actor=actor, enrolment=enrolment, status="completed", ended_on=outcome_on,
            outcome=_weighted(rng, MATERNITY_OUTCOMES), outcome_on=outcome_on,
        )  # fmt: skip
    return made


def _pregnancies(
    programme: Programme,
    *,
    actor: User,
    early: Programme | None,
    fake: Faker,
    rng: random.Random,
    today: dt.date,
) -> int:
    made = 0
    for index in range(30):
        weeks = 6 + (index * 34) // 25 if index < 25 else 41 + index  # 25 now, 5 already born
        last_period = today - dt.timedelta(weeks=weeks, days=rng.randint(0, 6))
        registered = last_period + dt.timedelta(weeks=rng.randint(5, min(max(weeks - 1, 5), 14)))
        registered = min(registered, today)
        woman = _person(
            programme, actor, first_name=fake.first_name_female(), last_name=fake.last_name_female(),
            sex="female", birth_date=today - dt.timedelta(days=rng.randint(15 * 365, 36 * 365)),
        )  # fmt: skip
        pregnancy = pregnancy_register(
            actor=actor, programme=programme, woman=woman, worker=actor,
            last_period_on=last_period, started_on=registered, has_gp=rng.random() < 0.6,
            has_obstetrician=rng.random() < 0.4,
            risk_flags=rng.sample(["adolescent", "late_care", "no_insurance", "many_children", "substances"], k=rng.randint(0, 2)),
        )  # fmt: skip
        made += 1
        enrolment = pregnancy.enrolment
        born_on = last_period + dt.timedelta(days=rng.randint(266, 287))
        until = min(today - dt.timedelta(days=1), born_on)
        # About one contact in six is missed: it shows as overdue on the field worker's home.
        _work_visits(enrolment, actor=actor, until=until, rng=rng, leave_undone=0.17)
        if born_on < today:
            pregnancy_birth(
                actor=actor, pregnancy=pregnancy, birth_on=born_on, outcome="live_birth",
                newborn_data={"first_name": fake.first_name_female(), "sex": "female"},
                enrol_in=early,
            )  # fmt: skip
    return made


def _deinstitutionalisation(
    programme: Programme, *, actor: User, fake: Faker, rng: random.Random, today: dt.date
) -> int:
    made = 0
    # Months ago each child left (None: still preparing), and whether they still live in a
    # family at each follow-up.
    plan = [(16, True), (14, True), (13, False), (11, True), (9, True), (7, True), (4, True),
            (None, True), (None, True), (None, True)]  # fmt: skip
    for months_ago, stays in plan:
        sex = rng.choice(("male", "female"))
        name = fake.first_name_male() if sex == "male" else fake.first_name_female()
        left_on = today - dt.timedelta(days=30 * months_ago) if months_ago else None
        started = (left_on or today) - dt.timedelta(days=rng.randint(40, 90))
        child = _person(
            programme, actor, first_name=name, last_name=fake.last_name_male() if sex == "male" else fake.last_name_female(),
            sex=sex, birth_date=started - dt.timedelta(days=rng.randint(300, 9 * 365)),
        )  # fmt: skip
        institution, kind = rng.choice(INSTITUTIONS)
        leaving = leaving_register(
            actor=actor, programme=programme, child=child, worker=actor, institution=institution,
            institution_kind=kind, started_on=started,
            planned_on=None if left_on else today + dt.timedelta(days=rng.randint(10, 60)),
        )  # fmt: skip
        made += 1
        enrolment = leaving.enrolment
        _work_visits(enrolment, actor=actor, until=left_on or today - dt.timedelta(days=1), rng=rng)
        if left_on is None:
            continue
        destination = rng.choice(("biological_family", "relatives", "foster_family", "adoption"))
        leaving_record(actor=actor, leaving=leaving, left_on=left_on, destination=destination)
        enrolment.refresh_from_db()
        answer = {"in_family": "yes", "living_with": destination}
        if not stays:
            answer = {"in_family": "no", "living_with": "returned_to_institution"}
        answers = {"follow_3m": {"in_family": "yes", "living_with": destination},
                   "follow_6m": answer, "follow_12m": answer}  # fmt: skip
        _work_visits(
            enrolment, actor=actor, until=today - dt.timedelta(days=1), rng=rng,
            leave_undone=0.25 if months_ago and months_ago < 12 else 0, answers=answers,
        )  # fmt: skip
        enrolment.refresh_from_db()
        twelve = enrolment.visits.filter(key="follow_12m", status=VisitStatus.DONE).first()
        if twelve is not None and twelve.done_on is not None:
            enrolment_end(
                actor=actor, enrolment=enrolment, status="completed", ended_on=twelve.done_on,
                outcome=answer["living_with"],
            )  # fmt: skip
    return made


def _early_intervention(
    programme: Programme,
    *,
    actor: User,
    manager: User,
    fake: Faker,
    rng: random.Random,
    today: dt.date,
    count: int,
) -> int:
    made = 0
    for index in range(count):
        started = today - dt.timedelta(days=rng.randint(100, 300))
        birth = started - dt.timedelta(days=rng.randint(60, 4 * 365))
        sex = rng.choice(("male", "female"))
        child = _person(
            programme, actor,
            first_name=fake.first_name_male() if sex == "male" else fake.first_name_female(),
            last_name=fake.last_name_male() if sex == "male" else fake.last_name_female(),
            sex=sex, birth_date=birth,
        )  # fmt: skip
        worker = manager if index % 5 == 0 else actor
        enrolment = enrolment_start(
            actor=actor, programme=programme, person=child, worker=worker, started_on=started
        )
        made += 1
        _work_visits(enrolment, actor=actor, until=started + dt.timedelta(days=20), rng=rng)
        enrolment = enrolment_move_stage(
            actor=actor, enrolment=enrolment, stage="home_sessions", on=started + dt.timedelta(days=21)
        )  # fmt: skip
        _work_visits(
            enrolment, actor=actor, until=today - dt.timedelta(days=1), rng=rng,
            leave_undone=0.2 if worker == manager else 0.03,
        )  # fmt: skip
        # Two or three screenings, the domains improving slowly from where the child started.
        base = {key: rng.randint(1, 3) for key in ("motor", "cognitive", "speech", "social_emotional", "self_care")}  # fmt: skip
        screenings = rng.choice((2, 3))
        for number in range(screenings):
            day = started + dt.timedelta(days=7 + number * 75)
            if day >= today:
                break
            scores = {
                key: min(5, value + number * rng.choice((0, 1, 1))) for key, value in base.items()
            }
            screening_record(actor=actor, enrolment=enrolment, screened_on=day, scores=scores)
        for text in rng.sample(GOALS, k=rng.randint(1, 2)):
            goal = goal_add(
                actor=actor, enrolment=enrolment, text=text, set_on=started + dt.timedelta(days=10)
            )
            if rng.random() < 0.4:
                goal_met(
                    actor=actor,
                    goal=goal,
                    met_on=min(today, started + dt.timedelta(days=rng.randint(60, 140))),
                )
    return made
