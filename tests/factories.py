"""factory-boy factories for the records every test needs."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from stdnum.bg import vat

from zakrila.accounts.models import Membership, Role, User
from zakrila.organisations.models import (
    Contract,
    Organisation,
    Programme,
    ProgrammeKind,
    Unit,
    UnitKind,
)

TEST_PASSWORD = "a-long-enough-test-password"


def _eik(n: int) -> str:
    base = f"{20000000 + n:08d}"
    return base + vat.calc_check_digit_legal(base)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_bg = factory.Sequence(lambda n: f"Сдружение „Тест {n}“")
    name_en = factory.Sequence(lambda n: f"Test Association {n}")
    eik = factory.Sequence(_eik)
    municipality = "Русе"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    kind = UnitKind.COMMUNITY_SUPPORT
    name = factory.Sequence(lambda n: f"Център за обществена подкрепа {n}")
    code = factory.Sequence(lambda n: f"ЦОП{n}")
    capacity = 40


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SelfAttribute("unit.organisation")
    unit = factory.SubFactory(UnitFactory)
    kind = ProgrammeKind.EARLY_INTERVENTION
    name = "Ранна интервенция"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organisation = factory.SubFactory(OrganisationFactory)
    municipality = "Община Русе"
    # In force today, whatever the year the suite runs in: from 1 January of last year to
    # 31 December of the year after next.
    starts_on = factory.LazyFunction(lambda: dt.date(timezone.localdate().year - 1, 1, 1))
    ends_on = factory.LazyFunction(lambda: dt.date(timezone.localdate().year + 2, 12, 31))
    funded_capacity = 100


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.bg")
    full_name = factory.Sequence(lambda n: f"Мария Иванова {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.LazyFunction(lambda: [Role.CASE_MANAGER.value])
    starts_on = dt.date(2025, 1, 1)


def member(
    organisation: Organisation, *roles: str, units: list[Unit] | None = None, **user_fields
) -> User:
    """A user with a current membership of the organisation with these roles."""
    user = UserFactory(**user_fields)
    membership = MembershipFactory(
        user=user, organisation=organisation, roles=list(roles or [Role.CASE_MANAGER])
    )
    if units:
        membership.units.set(units)
    return user


class PersonFactory(factory.django.DjangoModelFactory):
    """A child registered by a unit; names in Cyrillic as the workers type them."""

    class Meta:
        model = "people.Person"
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Iterator(["Мария", "Георги", "Елена", "Иван", "Десислава"])
    middle_name = "Петрова"
    last_name = factory.Sequence(lambda n: f"Тестова{n}")
    sex = "unknown"
    birth_date = dt.date(2015, 3, 14)

    @factory.post_generation
    def name_index(obj, create, extracted, **kwargs):
        """As person_create does: search finds the new person by their names."""
        if create:
            from zakrila.people.name_index import index_person

            index_person(obj)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Household"

    organisation = factory.SelfAttribute("child.organisation")
    child = factory.SubFactory(PersonFactory)
    name = "Семейство Тестови"
