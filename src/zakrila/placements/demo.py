"""Demo placements: a year of the Pink House with its residents, and the Emergency Reception
unit's short stays — admissions at any hour, some at night, many ending with the return home."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from faker import Faker

from zakrila.accounts.models import Membership, Role, User
from zakrila.cases.demo import staff_of_role
from zakrila.cases.models import Case, CaseStatus, CaseStatusChange
from zakrila.cases.services import case_move, case_open
from zakrila.organisations.models import Organisation, Unit, UnitKind
from zakrila.people.models import Person, Sex
from zakrila.people.name_index import index_person
from zakrila.placements.models import Bed, DiaryKind, LegalBasis, Placement
from zakrila.placements.services import (
    LATE_ENTRY_DAYS,
    diary_write,
    placement_admit,
    placement_discharge,
)

PAPER_REGISTER = "Пренесено от хартиения регистър на звеното"

DIARY = (
    (DiaryKind.DAILY, "Спокоен ден; вечеряхме заедно и гледахме филм."),
    (DiaryKind.SCHOOL, "Написа домашните сам; учителката го похвали."),
    (DiaryKind.HEALTH, "Лека температура вечерта; дадохме сироп по указание на лекаря."),
    (DiaryKind.FAMILY, "Майката дойде на свиждане за два часа; раздялата мина по-леко."),
)


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    ):
        if role in membership.roles:
            return membership.user
    return None


def _child(
    organisation: Organisation, unit: Unit, fake: Faker, rng: random.Random, today: dt.date
) -> Person:
    female = rng.random() < 0.5
    age_days = rng.randint(2 * 365, 17 * 365)
    person = Person(
        organisation=organisation, unit=unit, sex=Sex.FEMALE if female else Sex.MALE,
        first_name=fake.first_name_female() if female else fake.first_name_male(),
        middle_name=fake.last_name_female() if female else fake.last_name_male(),
        last_name=fake.last_name_female() if female else fake.last_name_male(),
        birth_date=today - dt.timedelta(days=age_days), settlement="гр. Русе", municipality="Русе",
    )  # fmt: skip
    person.save()
    index_person(person)  # search finds the child, as after people.services.person_create
    return person


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def build_placements(*, organisation: Organisation, seed: int) -> int:
    """Nothing when the organisation already has placements."""
    if Placement.objects.filter(organisation=organisation).exists():
        return 0
    managers = staff_of_role(organisation, Role.CASE_MANAGER)
    carers = staff_of_role(organisation, Role.CARER) or managers
    director = _staff(organisation, Role.DIRECTOR)
    if not managers or not carers or director is None:
        return 0
    manager, carer = managers[0], carers[0]
    fake = Faker("bg_BG")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    made = 0
    for unit in Unit.objects.filter(
        organisation=organisation,
        kind__in=[UnitKind.FAMILY_TYPE_PLACEMENT, UnitKind.EMERGENCY_RECEPTION],
    ):
        emergency = unit.kind == UnitKind.EMERGENCY_RECEPTION
        if unit.max_stay_days is None:
            unit.max_stay_days = 30 if emergency else 3 * 365
            unit.save(update_fields=["max_stay_days"])
        beds = [
            Bed.objects.get_or_create(
                organisation=organisation, unit=unit, label=f"Стая {n // 2 + 1}, легло {n % 2 + 1}"
            )[0]
            for n in range(unit.capacity)
        ]
        Bed.objects.get_or_create(
            organisation=organisation,
            unit=unit,
            label="Допълнително легло",
            defaults={"is_extra": True},
        )
        for index, bed in enumerate(beds):
            day = today - dt.timedelta(days=365 - rng.randint(0, 40))
            while day < today:
                child = _child(organisation, unit, fake, rng, today)
                # Each child's case with one of the case managers, each shift with one carer.
                manager = managers[made % len(managers)]
                carer = carers[made % len(carers)]
                case = case_open(
                    actor=manager, unit=unit, person=child, key_worker=manager,
                    without_referral_reason="Настаняване по заповед на ДСП", opened_on=day,
                )  # fmt: skip
                # Emergency admissions come at any hour, many at night.
                hour = rng.choice([23, 1, 3, 10, 15, 21]) if emergency else rng.choice([10, 11, 14])
                basis = (
                    rng.choice(
                        [LegalBasis.POLICE, LegalBasis.ADMINISTRATIVE, LegalBasis.ADMINISTRATIVE]
                    )
                    if emergency
                    else LegalBasis.COURT
                )
                stay = rng.randint(1, 25) if emergency else rng.randint(60, 420)
                admitted = _at(day, hour, rng.choice([0, 15, 40]))
                # The year before the system came in: the director carries the admissions over
                # from the paper register (older than a week, so only with a reason).
                late = (today - day).days >= LATE_ENTRY_DAYS
                placement = placement_admit(
                    actor=director if late else carer, case=case, bed=bed, legal_basis=basis,
                    admitted_at=admitted, order_number=f"ЗД-{day.year}-{rng.randint(100, 999)}",
                    order_date=day, planned_end=day + dt.timedelta(days=stay if emergency else 365),
                    late_entry_reason=PAPER_REGISTER if late else "",
                )  # fmt: skip
                made += 1
                end = day + dt.timedelta(days=stay)
                still_here = end >= today and (not emergency or index < 2)
                if still_here:
                    # The child lives here now: the case is in support (no referral to wait for).
                    case_move(actor=manager, case=case, to_status=CaseStatus.SUPPORT,
                              expected_version=case.version)  # fmt: skip
                    for kind, text in rng.sample(DIARY, 3):
                        diary_write(actor=carer, placement=placement, kind=kind, text=text,
                                    written_at=max(admitted, timezone.now() - dt.timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 9))))  # fmt: skip
                    break
                end = min(end, today - dt.timedelta(days=1))
                destination = (
                    rng.choice(["family", "family", "family", "kin", "foster"])
                    if emergency
                    else rng.choice(["family", "kin", "foster", "adoption", "other_service"])
                )
                placement_discharge(
                    actor=manager, placement=placement, discharged_at=min(max(_at(end, 11), admitted + dt.timedelta(hours=3)), timezone.now()),
                    destination=destination, expected_version=placement.version,
                )  # fmt: skip
                # The stay ended: so did the case (carried over from the paper register, so
                # without the closure's follow-ups, which were done on paper).
                Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=end)
                CaseStatusChange.objects.create(
                    organisation=organisation, case=case, from_status=case.status,
                    to_status=CaseStatus.CLOSED, reason="Напусна звеното", changed_on=end,
                    created_by=manager,
                )  # fmt: skip
                day = end + dt.timedelta(
                    days=rng.randint(1, 20) if emergency else rng.randint(5, 40)
                )
    manager, carer = managers[0], carers[0]
    # A girl brought by the police the night before last: protection ends within hours.
    emergency_unit = Unit.objects.filter(
        organisation=organisation, kind=UnitKind.EMERGENCY_RECEPTION
    ).first()
    if emergency_unit is not None:
        night = timezone.localtime(timezone.now() - dt.timedelta(hours=40)).replace(
            hour=2, minute=30
        )
        taken = (
            Placement.objects.filter(unit=emergency_unit).overlapping(night, None).values("bed_id")
        )
        free = (
            Bed.objects.filter(unit=emergency_unit, is_active=True, is_extra=False)
            .exclude(pk__in=taken)
            .order_by("label")
            .first()
        )
        if free is not None:
            child = _child(organisation, emergency_unit, fake, rng, today)
            case = case_open(actor=manager, unit=emergency_unit, person=child, key_worker=manager,
                             without_referral_reason="Полицейска закрила")  # fmt: skip
            placement_admit(actor=carer, case=case, bed=free, legal_basis=LegalBasis.POLICE, admitted_at=night,
                            order_number="Полиция Русе, протокол 118")  # fmt: skip
            made += 1
    # One incident tonight in the Pink House: the key worker sees it at once.
    current = Placement.objects.filter(
        organisation=organisation,
        discharged_at__isnull=True,
        unit__kind=UnitKind.FAMILY_TYPE_PLACEMENT,
    ).first()
    if current is not None:
        diary_write(actor=carer, placement=current, kind=DiaryKind.INCIDENT,
                    text="Скарване между двама от по-големите; единият удари вратата и си нарани ръката. Прегледан от лекар.")  # fmt: skip
    return made
