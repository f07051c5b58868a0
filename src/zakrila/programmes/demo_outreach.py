"""Demo data for groups, the SOS line, street and field work: three months of calls, a year of
street sessions whose anonymous children were met again and some became cases, a year of the
parents' group, and monthly field sessions. Deterministic for a seed; nothing is made when the
organisation already has calls."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from zakrila.accounts.models import Membership, Role, User
from zakrila.organisations.models import Organisation, Programme, ProgrammeKind, Unit, UnitKind
from zakrila.people.models import IdentificationStatus, Person
from zakrila.programmes.call_categories import categories
from zakrila.programmes.models import Call, NonContactKind, OnwardReferral, OutreachKind
from zakrila.programmes.services.calls import call_log, call_referral_create, non_contact_count
from zakrila.programmes.services.groups import (
    group_attendance_record,
    group_create,
    group_member_add,
    group_session_create,
)
from zakrila.programmes.services.outreach import (
    drop_in_record,
    outreach_contact_record,
    outreach_session_create,
    street_case_open,
    street_child_identify,
)

PLACES = ("гара Русе", "Автогара Юг", "пазара", "центъра", "парк „Майн“", "кв. Дружба")
FIELD_PLACES = ("кв. Средна кула", "кв. Селеметя", "с. Николово", "кв. Здравец-изток")
FIELD_TOPICS = (
    "Семейно планиране",
    "Грижа за бебето през първите месеци",
    "Бременност и женска консултация",
    "Ваксините на детето",
    "Хигиена и здраве в дома",
)
GROUP_TOPICS = (
    "Гневът на детето и нашият гняв", "Сънят на малкото дете", "Как да казваме „не“",
    "Братя и сестри", "Детето с увреждане в детската градина", "Грижата за себе си",
    "Играта у дома", "Правата ни и услугите", "Срещата с лекаря", "Училищната готовност",
)  # fmt: skip
NICKNAMES = ("Малкия", "Рижия", "Чочо", "Котката", "Бате Ги", "Пиле", "Мишо", "Шопа")
ADVICE = (
    "Обсъдихме границите и последователността у дома.",
    "Информация за услугите на ЦОП и как да се запише час.",
    "Подкрепа и успокояване; договорихме ново обаждане при нужда.",
    "Насоки как да говори с учителката.",
)


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in Membership.objects.filter(organisation=organisation).order_by("id"):
        if role in membership.roles:
            return membership.user
    return None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def build_outreach(*, organisation: Organisation, seed: int) -> int:
    """Build the demo's line, groups and outreach; returns the calls made (0: already there)."""
    if Call.objects.filter(organisation=organisation).exists():
        return 0
    line_worker = _staff(organisation, Role.SPECIALIST)
    street_worker = _staff(organisation, Role.FIELD_WORKER)
    case_manager = _staff(organisation, Role.CASE_MANAGER)
    if line_worker is None or street_worker is None or case_manager is None:
        return 0
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    units = Unit.objects.filter(organisation=organisation)
    cop = units.filter(kind=UnitKind.COMMUNITY_SUPPORT).order_by("id").first()
    street = units.filter(kind=UnitKind.STREET_CHILDREN).order_by("id").first()
    if cop is None:
        return 0
    calls = _calls(organisation, cop, line_worker, rng, today)
    _group(organisation, cop, line_worker, rng, today)
    if street is not None:
        _street(street, street_worker, rng, today)
        field_unit = (
            Programme.objects.filter(organisation=organisation, kind=ProgrammeKind.FAMILY_PLANNING)
            .values_list("unit", flat=True)
            .first()
        )
        _field(units.get(pk=field_unit) if field_unit else street, street_worker, rng, today)
    return calls


def _calls(
    organisation: Organisation, unit: Unit, worker: User, rng: random.Random, today: dt.date
) -> int:
    line_unit = (
        Programme.objects.filter(organisation=organisation, kind=ProgrammeKind.SOS_PARENT)
        .values_list("unit", flat=True)
        .first()
    )
    if line_unit:
        unit = Unit.objects.get(pk=line_unit)
    weights = [5, 6, 3, 3, 2, 3, 2, 1]  # family, parenting, violence, health, ...
    concerns = list(categories())
    made = 0
    for days_ago in range(91, 0, -1):
        day = today - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for _n in range(rng.choice((0, 1, 1, 2, 2, 3))):
            category = rng.choices(concerns, weights=weights[: len(concerns)])[0]
            sub = rng.choice(category["sub"])["code"] if category["sub"] else ""
            referred = rng.choices(
                [c for c, _l in OnwardReferral.choices], weights=[12, 3, 2, 1, 1, 1]
            )[0]
            named = rng.random() < 0.15
            call = call_log(
                actor=worker, unit=unit, started_at=_at(day, rng.randint(9, 18), rng.choice((0, 15, 30, 45))),
                category=category["code"], subcategory=sub, duration_minutes=rng.randint(4, 40),
                channel=rng.choices(["phone", "in_person", "message"], weights=[8, 1, 1])[0],
                anonymous=not named, caller_name="Мария" if named else "",
                caller_phone="0888 000 111" if named else "", repeat_caller=rng.random() < 0.2,
                advice=rng.choice(ADVICE), referred_to=referred,
                callback_on=day + dt.timedelta(days=1) if named and rng.random() < 0.5 else None,
                caller_kind=rng.choices(["parent", "child", "relative", "professional", "other"],
                                        weights=[10, 2, 2, 2, 1])[0],
            )  # fmt: skip
            made += 1
            if referred == OnwardReferral.COMMUNITY_SUPPORT and rng.random() < 0.4:
                call_referral_create(
                    actor=worker, call=call, unit=unit,
                    reason="Обаждане на SOS линията: родителят моли за подкрепа.",
                    child={"description": "дете на обаждащ се родител", "age": rng.randint(2, 14)},
                )  # fmt: skip
        for kind in NonContactKind.values:
            if rng.random() < 0.25:
                non_contact_count(
                    actor=worker, unit=unit, kind=kind, occurred_at=_at(day, rng.randint(9, 18))
                )
    return made


def _group(
    organisation: Organisation, unit: Unit, facilitator: User, rng: random.Random, today: dt.date
) -> None:
    programme = Programme.objects.filter(
        organisation=organisation, kind=ProgrammeKind.PARENT_GROUP
    ).first()
    group = group_create(
        actor=facilitator, unit=programme.unit if programme else unit,
        name="„Необикновени родители – необикновени деца“", facilitators=[facilitator],
        programme=programme, meets="всеки вторник, 17:30",
    )  # fmt: skip
    start = today - dt.timedelta(days=364)
    parents = list(
        Person.objects.filter(organisation=organisation, unit=unit, birth_date__lt=start.replace(
            year=start.year - 20)).order_by("id")[:11]
    )  # fmt: skip
    members = [
        group_member_add(actor=facilitator, group=group, person=p, joined_on=start) for p in parents
    ]
    for name in ("Мими", "Веси", "Цвети", "Радка"):
        members.append(
            group_member_add(actor=facilitator, group=group, first_name=name, joined_on=start)
        )
    stopped = {members[0].pk, members[-1].pk}  # missed the last three sessions
    day = start + dt.timedelta(days=(1 - start.weekday()) % 7)  # Tuesdays
    index = 0
    while day <= today + dt.timedelta(days=7):
        session = group_session_create(
            actor=facilitator, group=group, held_on=day,
            topic=GROUP_TOPICS[index % len(GROUP_TOPICS)], duration_minutes=90,
        )  # fmt: skip
        if day < today:
            recent = (today - day).days <= 21
            latest = (today - day).days <= 7  # everyone else came last time
            came = [
                m.pk
                for m in members
                if not (recent and m.pk in stopped) and (latest or rng.random() < 0.75)
            ]
            cancelled = [m.pk for m in members if m.pk not in came and rng.random() < 0.3]
            group_attendance_record(
                actor=facilitator, session=session, attended=came,
                with_child=[pk for pk in came if rng.random() < 0.4], cancelled=cancelled,
                guests=["Гостенка"] if rng.random() < 0.1 else [],
                expected_version=session.version,
            )  # fmt: skip
        day += dt.timedelta(days=7)
        index += 1
    # Today's extra meeting, for the facilitator's home page and the tablet.
    if today.weekday() != 1:
        group_session_create(
            actor=facilitator, group=group, held_on=today, topic="Извънредна среща: въпроси"
        )


def _street(unit: Unit, worker: User, rng: random.Random, today: dt.date) -> None:
    known = list(
        Person.objects.filter(unit=unit).exclude(identification_status=IdentificationStatus.IDENTIFIED)
    )  # fmt: skip
    met: list[Person] = []
    start = today - dt.timedelta(days=364)
    day = start
    index = 0
    while day < today:
        session = outreach_session_create(
            actor=worker, unit=unit, place=PLACES[index % len(PLACES)],
            starts_at=_at(day, 16), duration_minutes=150,
        )  # fmt: skip
        chosen: set[int] = set()
        for _n in range(rng.randint(2, 5)):
            if met and rng.random() < 0.65:
                person = rng.choice(met)
            elif known:
                person = known.pop()
                met.append(person)
            else:
                age = rng.randint(8, 16)
                person = outreach_contact_record(
                    actor=worker, session=session,
                    description=f"{'момче' if rng.random() < 0.7 else 'момиче'}, ~{age} г., {session.place}",
                    nickname=rng.choice(NICKNAMES) if rng.random() < 0.5 else "", age=age,
                    note="Първа среща.",
                ).person  # fmt: skip
                met.append(person)
                chosen.add(person.pk)
                continue
            if person.pk in chosen:
                continue
            chosen.add(person.pk)
            outreach_contact_record(actor=worker, session=session, person=person)
        if met and rng.random() < 0.6:
            drop_in_record(
                actor=worker, unit=unit, person=rng.choice(met),
                visited_on=day + dt.timedelta(days=2),
                services=rng.sample(["meal", "shower", "clothes", "consultation"], 2),
            )  # fmt: skip
        day += dt.timedelta(days=7)
        index += 1
    # Three children who became cases: identified after many meetings, a case opened by the
    # street team.
    names = (("Иван", "Асенов"), ("Стефка", "Маринова"), ("Георги", "Илиев"))
    often = sorted(met, key=lambda p: -p.outreach_contacts.count())[:3]
    for person, (first, last) in zip(often, names, strict=False):
        person.refresh_from_db()
        person = street_child_identify(
            actor=worker, person=person, data={"first_name": first, "last_name": last},
            expected_version=person.version,
        )  # fmt: skip
        street_case_open(
            actor=worker, person=person, unit=unit,
            reason="Срещнат многократно при работа на улицата; идентифициран; нужда от подкрепа.",
        )  # fmt: skip
    # Tonight's session, on the street worker's home page.
    outreach_session_create(
        actor=worker, unit=unit, place="гара Русе", starts_at=_at(today, 18), duration_minutes=120
    )


def _field(unit: Unit, worker: User, rng: random.Random, today: dt.date) -> None:
    women: list[Person] = []
    for months_ago in range(12, 0, -1):
        day = today - dt.timedelta(days=30 * months_ago)
        session = outreach_session_create(
            actor=worker, unit=unit, kind=OutreachKind.FIELD,
            place=FIELD_PLACES[months_ago % len(FIELD_PLACES)], starts_at=_at(day, 11),
            duration_minutes=90, topic=FIELD_TOPICS[months_ago % len(FIELD_TOPICS)],
            headcount=rng.randint(4, 12),
        )  # fmt: skip
        seen: set[int] = set()
        for _n in range(rng.randint(2, 4)):
            if women and rng.random() < 0.5:
                woman = rng.choice(women)
                if woman.pk in seen:
                    continue
                outreach_contact_record(actor=worker, session=session, person=woman)
            else:
                woman = outreach_contact_record(
                    actor=worker, session=session, sex="female", age=rng.randint(17, 35),
                    first_name=rng.choice(("Фатме", "Сибел", "Ренета", "Анелия", "Гюлер")),
                    description=f"{session.place}",
                ).person  # fmt: skip
                women.append(woman)
            seen.add(woman.pk)
