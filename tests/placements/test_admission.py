"""The night admission: the case is found with a search box (number or name, either script,
any letter case) among the cases the user may see; a child nobody registered yet is registered,
given an emergency case and admitted in one go; the case page offers "Admit"."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, member
from tests.placements.conftest import bed_of, night, open_case
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import Case
from zakrila.cases.services import case_open
from zakrila.people.models import Person
from zakrila.placements.models import Placement
from zakrila.placements.queries import cases_for_admission
from zakrila.placements.services import (
    estimated_birth_date,
    placement_admit,
    placement_admit_new_child,
)


def _numbers(user, org, text):
    return [choice.case.number for choice in cases_for_admission(user=user, organisation_id=org.pk, text=text)]  # fmt: skip


@pytest.fixture
def case_42(org, cop, case_manager):
    """ЦОП-2026-0042 (the counter moved on), for Мария Петрова Тестова."""
    from zakrila.cases.models import CaseCounter

    CaseCounter.objects.create(unit=cop, year=timezone.localdate().year, last=41)
    child = PersonFactory(organisation=org, first_name="Йорданка", last_name="Христова")
    return case_open(actor=case_manager, unit=cop, person=child, key_worker=case_manager,
                     without_referral_reason="спешно")  # fmt: skip


@pytest.mark.parametrize(
    "typed",
    ["ЦОП-{year}-0042", "цоп-{year}-42", "cop-{year}-42", "COP {year} 42", "TsOP-{year}-0042",
     "{year}-42", "0042", "42"],
)  # fmt: skip
def test_a_case_number_is_found_in_either_script_any_case_with_or_without_zeros(
    org, case_42, carer, typed
):
    typed = typed.format(year=timezone.localdate().year)
    assert _numbers(carer, org, typed) == [case_42.number]


@pytest.mark.parametrize("typed", ["Йорданка Христова", "yordanka hristova", "Jordanka", "христ"])
def test_a_child_is_found_by_name_in_either_script(org, case_42, carer, typed):
    assert _numbers(carer, org, typed) == [case_42.number]


def test_the_search_finds_only_cases_the_user_may_see(org, other_org, case_42, carer, outsider):
    case_42.is_restricted = True
    case_42.save()
    assert _numbers(carer, org, "Христова") == []
    assert _numbers(carer, org, case_42.number) == []
    assert _numbers(outsider, org, "Христова") == []
    assert _numbers(outsider, other_org, case_42.number) == []
    director = member(org, Role.DIRECTOR)
    assert _numbers(director, org, "Христова") == [case_42.number]


def test_the_search_box_answers_as_you_type_and_without_javascript(
    client, org, emergency, case_42, carer
):
    client.force_login(carer)
    url = reverse("placements:admit", args=[emergency.pk])
    partial = client.get(url, {"q": "hristova"}, headers={"HX-Request": "true"})
    assert partial.templates[0].name == "placements/_case_choices.html"
    assert f'value="{case_42.pk}"' in partial.content.decode()
    assert "checked" in partial.content.decode()  # the only match is ticked already
    page = client.get(url, {"q": "hristova"})
    assert page.templates[0].name == "placements/admit.html"
    assert f'value="{case_42.pk}"' in page.content.decode()
    nothing = client.get(url, {"q": "Несъществуващ"}, headers={"HX-Request": "true"})
    assert "Няма случай" in nothing.content.decode()
    search = AuditEvent.objects.filter(action=AuditAction.SEARCH, object_type="cases.case")
    assert search.count() == 3 and search.order_by("seq").first().details["text"] == "hristova"


def test_a_child_already_placed_or_a_closed_case_cannot_be_chosen(
    client, org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    placement_admit(actor=carer, case=case, bed=bed_of(emergency, "Легло 1"),
                    legal_basis="court", admitted_at=night(1))  # fmt: skip
    client.force_login(carer)
    page = client.get(
        reverse("placements:admit", args=[emergency.pk]), {"q": case.number}
    ).content.decode()
    assert "disabled" in page and "настаняване в Спешен прием" in page


def test_admission_from_a_chosen_case(client, org, emergency, case_42, carer):
    client.force_login(carer)
    url = reverse("placements:admit", args=[emergency.pk])
    page = client.get(url, {"case": case_42.pk, "bed": bed_of(emergency, "Легло 2").pk})
    assert page.context["choices"][0].case == case_42 and page.context["chosen"] == case_42.pk
    form = {"bed": bed_of(emergency, "Легло 2").pk, "legal_basis": "police", "order_number": "",
            "order_date": "", "admitted_at": night(0).strftime("%d.%m.%Y %H:%M"), "planned_end": ""}  # fmt: skip
    missing = client.post(url, form)
    assert "търсачката" in missing.context["form"].errors["case"][0]
    assert client.post(url, {**form, "case": case_42.pk}).status_code == 302
    placement = Placement.objects.get()
    assert placement.case == case_42 and placement.bed.label == "Легло 2"


def test_the_carer_registers_a_new_child_and_admits_in_one_step(client, org, emergency, carer):
    client.force_login(carer)
    url = reverse("placements:admit_new_child", args=[emergency.pk])
    response = client.post(url, {
        "first_name": "Ива", "last_name": "", "description": "", "sex": "female",
        "age_years": "9", "age_months": "", "bed": bed_of(emergency, "Легло 1").pk,
        "legal_basis": "police", "order_number": "Протокол 118", "order_date": "",
        "admitted_at": night(0).strftime("%d.%m.%Y %H:%M"), "planned_end": "",
    })  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    placement = Placement.objects.select_related("person", "case").get()
    child, case = placement.person, placement.case
    assert (child.first_name, child.sex, child.birth_date_precision) == (
        "Ива",
        "female",
        "estimated",
    )
    assert child.age == 9 and child.unit == emergency and child.identification_status == "partial"
    assert case.unit == emergency and case.key_worker == carer and case.number.startswith("СП-")
    assert placement.planned_end is not None  # police protection: 48 hours
    kinds = set(
        AuditEvent.objects.filter(action=AuditAction.CREATE).values_list("object_type", flat=True)
    )
    assert {"people.person", "cases.case", "placements.placement"} <= kinds


def test_a_new_child_with_only_a_description_is_anonymous(org, emergency, carer):
    placement = placement_admit_new_child(
        actor=carer, unit=emergency, bed=bed_of(emergency, "Легло 1"),
        description="момче, ~3 г., доведено от полицията", age_years=3, legal_basis="police",
        admitted_at=night(0),
    )  # fmt: skip
    assert placement.person.identification_status == "anonymous"
    assert placement.person.display_name == "момче, ~3 г., доведено от полицията"


def test_a_refused_admission_registers_nobody(org, emergency, case_manager, carer):
    bed = bed_of(emergency, "Легло 1")
    placement_admit(actor=carer, case=open_case(org, emergency, case_manager), bed=bed,
                    legal_basis="court", admitted_at=night(2))  # fmt: skip
    people, cases = Person.objects.count(), Case.objects.count()
    with pytest.raises(ValidationError, match="заето"):
        placement_admit_new_child(actor=carer, unit=emergency, bed=bed, first_name="Ива",
                                  age_years=9, legal_basis="police", admitted_at=night(0))  # fmt: skip
    assert (Person.objects.count(), Case.objects.count()) == (people, cases)


def test_the_new_child_form_needs_a_name_or_a_description_and_keeps_what_was_typed(
    client, org, emergency, carer
):
    client.force_login(carer)
    response = client.post(
        reverse("placements:admit_new_child", args=[emergency.pk]),
        {"first_name": "", "last_name": "", "description": "", "sex": "male", "age_years": "4",
         "bed": bed_of(emergency, "Легло 1").pk, "legal_basis": "police",
         "admitted_at": night(0).strftime("%d.%m.%Y %H:%M"), "order_number": "Протокол 7"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "описание" in response.context["form"].errors["first_name"][0]
    assert 'value="Протокол 7"' in response.content.decode()
    assert not Person.objects.exists()


def test_a_likely_registered_child_is_offered_before_a_new_one_is_made(
    client, org, emergency, case_manager, carer
):
    known = open_case(org, emergency, case_manager, name="Ива")
    known.person.birth_date = estimated_birth_date(timezone.localdate(), years=9)
    known.person.save()
    client.force_login(carer)
    url = reverse("placements:admit_new_child", args=[emergency.pk])
    data = {"first_name": "Iva", "last_name": "Koleva", "description": "", "sex": "female",
            "age_years": "9", "bed": bed_of(emergency, "Легло 1").pk, "legal_basis": "police",
            "admitted_at": night(0).strftime("%d.%m.%Y %H:%M")}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200
    assert [likely.person for likely in response.context["duplicates"]] == [known.person]
    assert f"?case={known.pk}" in response.content.decode()
    assert not Placement.objects.exists()
    assert client.post(url, {**data, "not_a_duplicate": "on"}).status_code == 302
    assert Person.objects.count() == 2


def test_the_case_page_offers_admit_until_the_child_is_placed(
    client, org, emergency, case_manager, carer
):
    case = open_case(org, emergency, case_manager)
    admit = f"{reverse('placements:admit', args=[emergency.pk])}?case={case.pk}"
    client.force_login(carer)
    assert admit in client.get(case.get_absolute_url()).content.decode()
    specialist = member(org, Role.SPECIALIST)
    client.force_login(specialist)
    assert admit not in client.get(case.get_absolute_url()).content.decode()
    placement = placement_admit(actor=carer, case=case, bed=bed_of(emergency, "Легло 1"),
                                legal_basis="court", admitted_at=night(1))  # fmt: skip
    client.force_login(carer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert admit not in page and placement.get_absolute_url() in page


def test_the_case_page_offers_only_the_residential_units_in_use_the_worker_reaches(
    client, org, cop, emergency, pink_house, case_manager
):
    case = open_case(org, cop, case_manager)

    def offered(user) -> set[int]:
        client.force_login(user)
        page = client.get(case.get_absolute_url()).content.decode()
        return {unit.pk for unit in (cop, emergency, pink_house)
                if f"{reverse('placements:admit', args=[unit.pk])}?case={case.pk}" in page}  # fmt: skip

    director = member(org, Role.DIRECTOR, email="dir2@example.bg")
    assert offered(director) == {emergency.pk, pink_house.pk}  # never the community centre
    home_carer = member(org, Role.CARER, units=[cop, pink_house], email="carer2@example.bg")
    assert offered(home_carer) == {pink_house.pk}  # the units of the membership only
    pink_house.is_active = False
    pink_house.save()  # closed: seen by the next page (the units are cached)
    assert offered(director) == {emergency.pk}
    assert offered(home_carer) == set()


def test_estimated_birth_dates():
    import datetime as dt

    day = dt.date(2026, 11, 27)
    assert estimated_birth_date(day, years=12) == dt.date(2014, 5, 27)
    assert estimated_birth_date(day, years=0, months=3) == dt.date(2026, 8, 27)
    assert estimated_birth_date(day, years=2, months=1) == dt.date(2024, 10, 27)


def test_an_admission_sent_twice_admits_once(client, org, emergency, carer):
    client.force_login(carer)
    url = reverse("placements:admit_new_child", args=[emergency.pk])
    form = client.get(url).content.decode()
    key = form.split('name="submission_key" value="')[1].split('"')[0]
    data = {"submission_key": key, "first_name": "Ива", "sex": "female", "age_years": "9",
            "bed": bed_of(emergency, "Легло 1").pk, "legal_basis": "police",
            "admitted_at": night(0).strftime("%d.%m.%Y %H:%M")}  # fmt: skip
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second.url == reverse("placements:board", args=[emergency.pk])
    assert (Person.objects.count(), Case.objects.count(), Placement.objects.count()) == (1, 1, 1)
    messages = [str(m) for m in second.wsgi_request._messages]
    assert any("вече" in message for message in messages), messages
