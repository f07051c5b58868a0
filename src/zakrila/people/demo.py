"""Demo people: families with children, street children met anonymously, and a few records
entered twice (the duplicates queue has real work to show).

Deterministic for a seed. Records are written in bulk and the whole load is one audit event
("demo data"), not one per person: it is a system action, not someone's work.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta  # 29.02 less nine years: 28.02
from faker import Faker

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.organisations.models import Organisation, Unit
from zakrila.people.identifiers import generate_egn
from zakrila.people.models import (
    BirthDatePrecision,
    Consent,
    Household,
    HouseholdMember,
    IdentificationStatus,
    LegalBasis,
    Person,
    Relationship,
    Sex,
)
from zakrila.people.name_index import index_people


@dataclass(frozen=True)
class PeoplePlan:
    families: int
    street_children: int
    duplicates: int
    settlements: tuple[str, ...]
    municipality: str


def _patronymic(fake: Faker, female: bool) -> str:
    # A Bulgarian middle name is formed from the father's name and reads like a surname.
    return fake.last_name_female() if female else fake.last_name_male()


def _birth_date(rng: random.Random, today: dt.date, youngest: int, oldest: int) -> dt.date:
    days = rng.randint(youngest * 365, oldest * 365 + 364)
    return today - dt.timedelta(days=days)


def build_people(*, organisation: Organisation, plan: PeoplePlan, seed: int, today: dt.date) -> int:
    """Families of the organisation; does nothing when it already has people."""
    if Person.objects.filter(organisation=organisation).exists():
        return 0
    fake = Faker("bg_BG")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    units = list(Unit.objects.filter(organisation=organisation).order_by("id"))
    family_units = [unit for unit in units if unit.kind != "street_children"] or units
    street_unit = next((unit for unit in units if unit.kind == "street_children"), None)
    used_numbers: set[str] = set()

    def number_for(birth_date: dt.date, sex: str) -> str:
        for serial in range(rng.randint(0, 400), 500):
            candidate = generate_egn(birth_date, "female" if sex == Sex.FEMALE else "male", serial)
            if candidate not in used_numbers:
                used_numbers.add(candidate)
                return candidate
        return ""

    def person(
        *,
        female: bool,
        birth_date: dt.date | None,
        last_name: str,
        unit: Unit | None,
        **extra: object,
    ) -> Person:
        sex = Sex.FEMALE if female else Sex.MALE
        has_number = birth_date is not None and rng.random() < 0.75
        record = Person(
            organisation=organisation,
            first_name=fake.first_name_female() if female else fake.first_name_male(),
            middle_name=_patronymic(fake, female),
            last_name=last_name,
            sex=sex,
            birth_date=birth_date,
            personal_number=number_for(birth_date, sex) if has_number and birth_date else "",
            settlement=rng.choice(plan.settlements),
            municipality=plan.municipality,
            address=fake.street_address(),
            unit=unit,
            **extra,
        )
        if record.personal_number:
            record.personal_number_kind = "egn"
        return record

    people: list[Person] = []
    households: list[tuple[Person, list[tuple[Person, str, bool]]]] = []
    for _index in range(plan.families):
        unit = rng.choice(family_units)
        mother_last = fake.last_name_female()
        father_last = mother_last[:-1] if mother_last.endswith("а") else mother_last
        mother = person(
            female=True, birth_date=_birth_date(rng, today, 17, 45), last_name=mother_last, unit=unit,
            phone=f"08{rng.randint(7, 9)}{rng.randint(1000000, 9999999)}",
        )  # fmt: skip
        children = []
        for _child in range(rng.choice((1, 1, 1, 2, 2, 3))):
            female = rng.random() < 0.5
            children.append(
                person(
                    female=female,
                    birth_date=_birth_date(rng, today, 0, 17),
                    last_name=mother_last if female else father_last,
                    unit=unit,
                    health_notes="Хронична астма, инхалатор при нужда."
                    if rng.random() < 0.1
                    else "",
                    disability_notes="Забавено развитие на речта; ранна интервенция."
                    if rng.random() < 0.08
                    else "",
                )
            )
        members: list[tuple[Person, str, bool]] = [(mother, Relationship.MOTHER, True)]
        if rng.random() < 0.5:
            father = person(
                female=False,
                birth_date=_birth_date(rng, today, 19, 55),
                last_name=father_last,
                unit=unit,
            )
            members.append((father, Relationship.FATHER, rng.random() < 0.8))
            people.append(father)
        if rng.random() < 0.25:
            grandmother = person(
                female=True,
                birth_date=_birth_date(rng, today, 45, 75),
                last_name=mother_last,
                unit=unit,
            )
            members.append((grandmother, Relationship.GRANDPARENT, False))
            people.append(grandmother)
        people.append(mother)
        people.extend(children)
        for child in children:
            siblings: list[tuple[Person, str, bool]] = [
                (other, Relationship.SIBLING, False) for other in children if other is not child
            ]
            households.append((child, members + siblings))

    # The child of the search example in the issue: found as "yordanka hristova", "Jordanka
    # Khristova" and "Христова Йорд".
    jordanka = Person(
        organisation=organisation, first_name="Йорданка", middle_name="Петрова", last_name="Христова",
        sex=Sex.FEMALE, birth_date=(today - relativedelta(years=9)) - dt.timedelta(days=40),
        settlement=plan.settlements[0], municipality=plan.municipality, unit=family_units[0],
    )  # fmt: skip
    people.append(jordanka)

    for index in range(plan.street_children):
        female = rng.random() < 0.3
        age = rng.randint(8, 16)
        place = rng.choice(("гара Русе", "Автогара Юг", "пазара", "центъра", "парк „Майн“"))
        description = f"{'момиче' if female else 'момче'}, ~{age} г., {place}"
        known_first = index % 3 == 0
        people.append(
            Person(
                organisation=organisation,
                first_name=(fake.first_name_female() if female else fake.first_name_male())
                if known_first
                else "",
                description=description,
                sex=Sex.FEMALE if female else Sex.MALE,
                birth_date=dt.date(today.year - age, 7, 1),
                birth_date_precision=BirthDatePrecision.ESTIMATED,
                identification_status=IdentificationStatus.PARTIAL
                if known_first
                else IdentificationStatus.ANONYMOUS,
                settlement=plan.settlements[0],
                municipality=plan.municipality,
                unit=street_unit,
            )
        )

    # Children entered twice, as happens: a typo or an informal spelling, no ЕГН the second time.
    children = [
        p
        for p in people
        if p.birth_date and p.birth_date > (today - relativedelta(years=18)) and p.first_name
    ]
    for original in rng.sample(children, min(plan.duplicates, len(children))):
        first = original.first_name
        typo = first[:-2] + first[-1] + first[-2] if len(first) > 3 else first + "а"
        people.append(
            Person(
                organisation=organisation,
                first_name=typo,
                last_name=original.last_name,
                sex=original.sex,
                birth_date=original.birth_date,
                settlement=original.settlement,
                municipality=original.municipality,
                unit=original.unit,
            )
        )

    for record in people:
        record.refresh_derived(aliases=[])
    Person.objects.bulk_create(people, batch_size=500)
    index_people(people)

    household_rows = []
    member_rows = []
    consent_rows = []
    for child, members in households:
        household = Household(
            organisation=organisation, child=child, name=f"Семейство {members[0][0].last_name}",
            settlement=members[0][0].settlement, address=members[0][0].address,
        )  # fmt: skip
        household_rows.append((household, members))
    Household.objects.bulk_create(
        [household for household, _members in household_rows], batch_size=500
    )
    for household, members in household_rows:
        for member, relationship, representative in members:
            member_rows.append(
                HouseholdMember(
                    organisation=organisation,
                    household=household,
                    person=member,
                    relationship=relationship,
                    is_legal_representative=representative,
                    lives_with_child=True,
                )
            )
        if rng.random() < 0.6:
            consent_rows.append(
                Consent(
                    organisation=organisation,
                    person=household.child,
                    given_by=members[0][0],
                    purpose="Обработване на лични данни за целите на социалната услуга",
                    legal_basis=LegalBasis.CONSENT,
                    given_on=today - dt.timedelta(days=rng.randint(10, 700)),
                )
            )
    HouseholdMember.objects.bulk_create(member_rows, batch_size=500)
    Consent.objects.bulk_create(consent_rows, batch_size=500)
    audit_record(
        action=AuditAction.CREATE,
        organisation_id=organisation.pk,
        object_type="people.person",
        actor_label="demo",
        details={"demo_people": len(people), "households": len(household_rows)},
    )
    return len(people)
