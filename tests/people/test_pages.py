"""People pages: who sees what, what is refused, and what the audit trail keeps."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.factories import HouseholdFactory, PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.people.identifiers import generate_egn
from zakrila.people.models import Consent, Disclosure, HouseholdMember, Person, PersonAlias
from zakrila.people.services import person_update


def _events(action, **filters):
    return AuditEvent.objects.filter(action=action, **filters)


# --- The person page ---------------------------------------------------------------------------


def test_the_case_manager_opens_the_file_and_the_view_is_recorded(client, case_manager, child):
    client.force_login(case_manager)
    response = client.get(child.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Йорданка Петрова Христова" in body
    assert "Yordanka Petrova Hristova" in body
    assert "Епилепсия" in body
    view = _events(AuditAction.VIEW, person_id=child.pk).get()
    assert view.actor == case_manager
    assert view.object_type == "people.person"


def test_an_outsider_gets_404_and_the_refusal_is_recorded(client, outsider, child):
    client.force_login(outsider)
    response = client.get(child.get_absolute_url())
    assert response.status_code == 404
    assert "Йорданка" not in response.content.decode()
    assert _events(AuditAction.DENIED, actor=outsider).exists()
    assert not _events(AuditAction.VIEW, person_id=child.pk).exists()


def test_a_field_worker_sees_the_person_but_not_the_health_notes(client, field_worker, child):
    client.force_login(field_worker)
    response = client.get(child.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Епилепсия" not in body
    assert 'data-testid="confidential-hidden"' in body


def test_a_trainer_is_refused_with_a_plain_message(client, org, child):
    trainer = member(org, Role.TRAINER)
    client.force_login(trainer)
    response = client.get(child.get_absolute_url())
    # The trainer's role sees no people at all: the file does not exist for them.
    assert response.status_code == 404
    response = client.get(reverse("people:list"))
    assert response.status_code == 403


def test_a_member_limited_to_another_unit_does_not_see_the_child(client, org, child):
    street = UnitFactory(organisation=org, kind="street_children", name="ЦРДУ", code="ЦРДУ")
    worker = member(org, Role.FIELD_WORKER, units=[street])
    client.force_login(worker)
    assert client.get(child.get_absolute_url()).status_code == 404


def test_the_person_page_costs_a_fixed_number_of_queries(
    client, case_manager, child, django_assert_max_num_queries
):
    household = HouseholdFactory(child=child)
    for relationship in ("mother", "father", "sibling"):
        HouseholdMember.objects.create(
            organisation=child.organisation, household=household, relationship=relationship,
            person=PersonFactory(organisation=child.organisation),
        )  # fmt: skip
    client.force_login(case_manager)
    with django_assert_max_num_queries(30):
        assert client.get(child.get_absolute_url()).status_code == 200


def _changes_on_page(response) -> list[str]:
    page = response.content.decode()
    timeline = page.split('data-testid="timeline">', 1)[1].split("</ul>", 1)[0]
    return [item.split("</li>", 1)[0] for item in timeline.split("<li>")[1:]]


def test_the_person_page_lists_their_newest_changes_not_their_views(client, case_manager, child):
    from zakrila.audit.services import audit_record

    for number in range(33):
        action = AuditAction.CREATE if number == 0 else AuditAction.UPDATE
        audit_record(action=action, obj=child, person_id=child.pk,
                     changes={f"field_{number}": "changed"}, actor_label=f"worker-{number}")  # fmt: skip
        audit_record(action=AuditAction.VIEW, obj=child, person_id=child.pk)
    someone_else = PersonFactory(organisation=child.organisation)
    audit_record(action=AuditAction.UPDATE, obj=someone_else, person_id=someone_else.pk,
                 changes={"not_this_one": "changed"}, actor_label="worker-other")  # fmt: skip
    client.force_login(case_manager)
    shown = _changes_on_page(client.get(child.get_absolute_url()))
    assert len(shown) == 30  # the newest thirty, newest first
    assert "worker-32" in shown[0] and "field_32" in shown[0]
    assert "worker-3 " in shown[-1] and "field_3" in shown[-1]
    assert not any("not_this_one" in item or "worker-0 " in item for item in shown)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_persons_changes_are_read_by_their_own_index_not_by_their_views(child):
    """A long case writes thousands of views of the child's file: without the partial index of
    changes PostgreSQL read them all (or walked the whole trail backwards) for thirty changes."""
    from zakrila.audit.queries import person_changes
    from zakrila.audit.services import audit_record

    for _ in range(300):
        audit_record(action=AuditAction.VIEW, obj=child, person_id=child.pk)
    audit_record(action=AuditAction.UPDATE, obj=child, person_id=child.pk, changes={"a": 1})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    query = person_changes(organisation_id=child.organisation_id, person_id=child.pk)
    assert "audit_person_changes_idx" in query.explain()
    assert [event.changes for event in query] == [{"a": 1}]


# --- The list and the search -------------------------------------------------------------------


def test_the_list_shows_only_the_organisations_people_and_is_recorded(
    client, case_manager, child, other_org
):
    PersonFactory(organisation=other_org, first_name="Чужда", last_name="Личност")
    client.force_login(case_manager)
    response = client.get(reverse("people:list"))
    body = response.content.decode()
    assert "Йорданка" in body
    assert "Чужда" not in body
    assert _events(AuditAction.SEARCH, actor=case_manager).exists()


def test_the_list_pages_by_keyset_and_filters_by_age(
    client, org, case_manager, django_assert_max_num_queries
):
    today = timezone.localdate()
    for index in range(55):
        PersonFactory(
            organisation=org,
            last_name=f"Аров{index:02d}",
            birth_date=today - dt.timedelta(days=5 * 365),  # replace(year=) fails on 29.02
        )
    PersonFactory(organisation=org, last_name="Възрастна", birth_date=dt.date(1970, 1, 1))
    client.force_login(case_manager)
    with django_assert_max_num_queries(25):
        first = client.get(reverse("people:list"), {"age_band": "3-6"})
    names = [p.last_name for p in first.context["people"]]
    assert len(names) == 50
    assert "Възрастна" not in names
    second = client.get(
        reverse("people:list"), {"age_band": "3-6", "after": first.context["next_token"]}
    )
    assert len(second.context["people"]) == 5
    assert not set(names) & {p.last_name for p in second.context["people"]}


def test_the_layout_search_answers_htmx_and_records_the_search(client, case_manager, child):
    client.force_login(case_manager)
    response = client.get(
        reverse("people:search"), {"q": "Jordanka Khristova"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert child.get_absolute_url() in body
    search = _events(AuditAction.SEARCH, actor=case_manager).get()
    assert search.details == {"text": "Jordanka Khristova", "found": 1}


def test_an_outsiders_search_finds_nothing_of_the_organisation(client, outsider, child):
    client.force_login(outsider)
    response = client.get(reverse("people:search"), {"q": child.personal_number})
    assert child.get_absolute_url() not in response.content.decode()


# --- Registering and editing -------------------------------------------------------------------


def _form(**values):
    data = {
        "first_name": "Иван", "middle_name": "", "last_name": "Петров", "description": "", "sex": "male",
        "birth_date": "", "birth_date_precision": "exact", "personal_number": "", "citizenship": "България",
        "settlement": "Русе", "municipality": "Русе", "address": "", "phone": "", "languages": "",
        "health_notes": "", "disability_notes": "", "identification_status": "identified", "unit": "",
        "deceased_on": "", "legal_hold_reason": "", "age_years": "",
    }  # fmt: skip
    data.update(values)
    return data


def test_registering_a_person_fills_birth_date_and_sex_from_the_egn(client, case_manager):
    client.force_login(case_manager)
    egn = generate_egn(dt.date(2012, 8, 9), "male", 11)
    response = client.post(reverse("people:create"), _form(personal_number=egn, sex="unknown"))
    assert response.status_code == 302
    person = Person.objects.get(personal_number=egn)
    assert (person.birth_date, person.sex, person.last_name_latin) == (
        dt.date(2012, 8, 9),
        "male",
        "Petrov",
    )
    created = _events(AuditAction.CREATE, person_id=person.pk).get()
    assert created.changes["personal_number"]["new"] == egn


def test_a_contradicting_birth_date_is_named_and_what_was_typed_is_kept(client, case_manager):
    client.force_login(case_manager)
    egn = generate_egn(dt.date(2012, 8, 9), "male", 11)
    response = client.post(
        reverse("people:create"),
        _form(personal_number=egn, birth_date="10.08.2012", address="ул. Липа 5"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "09.08.2012" in form.errors["birth_date"][0]
    assert "sex" not in form.errors
    assert 'value="ул. Липа 5"' in response.content.decode()
    assert not Person.objects.exists()


def test_a_bad_egn_is_refused_in_bulgarian(client, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse("people:create"), _form(personal_number="7523169264"))
    assert "контролната цифра" in response.context["form"].errors["personal_number"][0]


def test_likely_duplicates_are_shown_before_saving_and_need_confirmation(
    client, case_manager, child
):
    client.force_login(case_manager)
    data = _form(first_name="Иорданка", last_name="Христова", sex="female", birth_date="03.05.2016")
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    assert [c.person for c in response.context["duplicates"]] == [child]
    assert Person.objects.count() == 1
    response = client.post(reverse("people:create"), {**data, "not_a_duplicate": "on"})
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_the_same_egn_is_refused_in_the_organisation(client, case_manager, child):
    client.force_login(case_manager)
    response = client.post(
        reverse("people:create"),
        _form(
            first_name="Друга",
            last_name="Личност",
            personal_number=child.personal_number,
            not_a_duplicate="on",
        ),
    )
    assert response.status_code == 200
    assert response.context["duplicates"][0].certainty == "certain"
    assert Person.objects.count() == 1


def test_an_anonymous_street_child_is_registered_with_an_estimated_age(client, org, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("people:create"),
        _form(first_name="", last_name="", description="момче, ~12 г., гара Русе",
              identification_status="anonymous", age_years="12"),
    )  # fmt: skip
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.birth_date_precision == "estimated"
    assert person.age in (11, 12)
    assert person.display_name == "момче, ~12 г., гара Русе"


def test_an_identified_person_needs_both_names(client, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse("people:create"), _form(last_name=""))
    assert "identification_status" in response.context["form"].errors


def test_a_stale_edit_is_refused_and_says_who_changed_what(client, case_manager, child, org):
    colleague = member(org, Role.SPECIALIST, email="colleague@example.bg")
    client.force_login(case_manager)
    page = client.get(reverse("people:edit", args=[child.pk]))
    version = page.context["form"]["version"].value()
    person_update(
        actor=colleague, person=child, data={"phone": "0888123456"}, expected_version=version
    )
    data = _form(
        first_name="Йорданка", middle_name="Петрова", last_name="Христова", sex="female",
        birth_date="03.05.2016", personal_number=child.personal_number, address="ново",
        health_notes=child.health_notes, version=version,
    )  # fmt: skip
    response = client.post(reverse("people:edit", args=[child.pk]), data)
    assert response.status_code == 200
    error = response.context["form"].non_field_errors()[0]
    assert "colleague@example.bg" in error
    assert 'value="ново"' in response.content.decode()
    child.refresh_from_db()
    assert (child.phone, child.address) == ("0888123456", "")


def test_an_edit_records_changed_fields_and_hides_sensitive_values(client, case_manager, child):
    client.force_login(case_manager)
    data = _form(
        first_name="Йорданка", middle_name="Петрова", last_name="Христова", sex="female",
        birth_date="03.05.2016", personal_number=child.personal_number, health_notes="Без епилепсия.",
        phone="0877000111", version=child.version,
    )  # fmt: skip
    response = client.post(reverse("people:edit", args=[child.pk]), data)
    assert response.status_code == 302
    update = _events(AuditAction.UPDATE, person_id=child.pk).get()
    assert update.changes["phone"] == {"old": "", "new": "0877000111"}
    assert "Епилепсия" not in json.dumps(update.changes, ensure_ascii=False)
    assert "health_notes" in update.changes


def test_an_edit_by_someone_who_may_not_see_health_notes_keeps_them(client, field_worker, child):
    client.force_login(field_worker)
    data = _form(
        first_name="Йорданка", middle_name="Петрова", last_name="Христова", sex="female",
        birth_date="03.05.2016", personal_number=child.personal_number, phone="1", version=child.version,
    )  # fmt: skip
    data.pop("health_notes")
    assert client.post(reverse("people:edit", args=[child.pk]), data).status_code == 302
    child.refresh_from_db()
    assert child.health_notes == "Епилепсия, лекарства сутрин."


def test_a_carer_may_not_edit(client, org, child):
    carer = member(org, Role.CARER)
    client.force_login(carer)
    assert client.get(reverse("people:edit", args=[child.pk])).status_code == 403


# --- Who saw this file, export, erasure ----------------------------------------------------------


def test_the_director_sees_who_opened_the_file(client, director, case_manager, child):
    client.force_login(case_manager)
    client.get(child.get_absolute_url())
    client.force_login(director)
    response = client.get(reverse("people:history", args=[child.pk]))
    assert response.status_code == 200
    assert "cm@example.bg" in response.content.decode()
    filtered = client.get(reverse("people:history", args=[child.pk]), {"actor": "nobody"})
    assert list(filtered.context["events"]) == []


def test_the_case_manager_may_not_see_the_access_list(client, case_manager, child):
    client.force_login(case_manager)
    response = client.get(reverse("people:history", args=[child.pk]))
    assert response.status_code == 403
    assert "длъжностното лице" in response.content.decode()


def test_the_dpo_exports_everything_as_json_and_the_export_is_recorded(client, dpo, child):
    Consent.objects.create(
        organisation=child.organisation, person=child, given_by=child, purpose="Социална услуга",
        given_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    client.force_login(dpo)
    response = client.get(reverse("people:export", args=[child.pk, "json"]))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["person"]["last_name"] == "Христова"
    assert data["person"]["health_notes"]["withheld"] is True  # see test_withheld.py
    assert data["consents"][0]["purpose"] == "Социална услуга"
    assert _events(AuditAction.EXPORT, person_id=child.pk).get().details == {"format": "json"}


def test_the_pdf_export_is_a_pdf_with_the_cyrillic_name(client, director, child):
    from pypdf import PdfReader

    client.force_login(director)
    response = client.get(reverse("people:export", args=[child.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Христова" in text
    assert _events(AuditAction.EXPORT, person_id=child.pk).get().details == {"format": "pdf"}


def test_a_case_manager_may_not_export(client, case_manager, child):
    client.force_login(case_manager)
    assert client.get(reverse("people:export", args=[child.pk, "json"])).status_code == 403


def test_erasure_is_refused_under_a_court_matter_with_the_reason_shown(client, dpo, child):
    child.legal_hold_reason = "гр.д. 1234/2026 РС Русе"
    child.save()
    client.force_login(dpo)
    page = client.get(reverse("people:erase", args=[child.pk]))
    assert "гр.д. 1234/2026" in page.content.decode()
    response = client.post(
        reverse("people:erase", args=[child.pk]), {"reason": "искане на майката"}
    )
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.anonymised_at is None


def test_erasure_anonymises_and_keeps_the_statistics(client, dpo, child):
    client.force_login(dpo)
    response = client.post(
        reverse("people:erase", args=[child.pk]), {"reason": "искане на майката"}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.anonymised_at is not None
    assert (child.first_name, child.personal_number, child.health_notes) == ("", "", "")
    assert (child.sex, child.birth_date.year, child.municipality) == ("female", 2016, "Русе")
    erased = _events(AuditAction.DELETE, person_id=child.pk).get()
    assert erased.details["reason"] == "искане на майката"
    assert "Христова" not in json.dumps(erased.details, ensure_ascii=False)


# --- Duplicates and merge ----------------------------------------------------------------------


def test_merge_moves_links_keeps_the_name_as_alias_and_search_finds_it(client, director, child):
    org = child.organisation
    twin = PersonFactory(organisation=org, first_name="Иорданка", last_name="Христова", middle_name="",
                         birth_date=child.birth_date, sex="female", phone="0899111222")  # fmt: skip
    household = HouseholdFactory(child=twin)
    mother = PersonFactory(organisation=org, first_name="Мария", last_name="Христова")
    HouseholdMember.objects.create(
        organisation=org, household=household, person=twin, relationship="sibling"
    )
    consent = Consent.objects.create(
        organisation=org, person=twin, given_by=mother, purpose="x", given_on=dt.date(2026, 1, 1)
    )
    client.force_login(director)
    queue = client.get(reverse("people:duplicates"))
    assert (child, twin) in [(a, b) for a, b, _s in queue.context["pairs"]]
    response = client.post(
        reverse("people:duplicate_compare", args=[child.pk, twin.pk]),
        {"decision": "merge", "keep": child.pk},
    )
    assert response.status_code == 302
    twin.refresh_from_db()
    child.refresh_from_db()
    assert twin.merged_into == child
    assert child.phone == "0899111222"
    assert household.members.get().person == child
    consent.refresh_from_db()
    assert consent.person == child
    assert PersonAlias.objects.get(person=child).first_name == "Иорданка"
    from zakrila.people.queries import search_people

    assert search_people(user=director, text="Иорданка") == [child]
    assert _events(AuditAction.MERGE).count() == 2
    # An old link to the merged record leads to the kept one.
    assert client.get(twin.get_absolute_url()).url == child.get_absolute_url()


def test_a_pair_marked_different_leaves_the_queue(client, director, child):
    twin = PersonFactory(organisation=child.organisation, first_name="Йорданка", last_name="Христова",
                         birth_date=child.birth_date, sex="female")  # fmt: skip
    client.force_login(director)
    client.post(
        reverse("people:duplicate_compare", args=[child.pk, twin.pk]), {"decision": "different"}
    )
    assert client.get(reverse("people:duplicates")).context["pairs"] == []


def test_merge_never_crosses_organisations(client, org, other_org, child):
    both = member(org, Role.DIRECTOR, email="both@example.bg")
    from tests.factories import MembershipFactory

    MembershipFactory(user=both, organisation=other_org, roles=[Role.DIRECTOR])
    stranger = PersonFactory(
        organisation=other_org,
        first_name="Йорданка",
        last_name="Христова",
        birth_date=child.birth_date,
    )
    client.force_login(both)
    response = client.post(
        reverse("people:duplicate_compare", args=[child.pk, stranger.pk]),
        {"decision": "merge", "keep": child.pk},
    )
    assert response.status_code == 404
    assert Person.objects.filter(merged_into__isnull=False).count() == 0


# --- Households, consent and disclosure -------------------------------------------------------


def test_a_household_is_made_and_a_mother_added_as_legal_representative(
    client, case_manager, child
):
    mother = PersonFactory(
        organisation=child.organisation, first_name="Мария", last_name="Христова"
    )
    client.force_login(case_manager)
    response = client.post(
        reverse("people:household_new", args=[child.pk]),
        {"name": "Семейство Христови", "settlement": "Русе", "address": ""},
    )
    household = child.households_as_child.get()
    assert response.url == household.get_absolute_url()
    found = client.get(household.get_absolute_url(), {"q": "Мария Христова"})
    assert mother in found.context["candidates"]
    client.post(
        reverse("people:household_member_new", args=[household.pk]),
        {
            "person": mother.pk,
            "relationship": "mother",
            "is_legal_representative": "on",
            "lives_with_child": "on",
        },
    )
    member_row = household.members.get()
    assert (member_row.person, member_row.is_legal_representative) == (mother, True)
    assert _events(AuditAction.CREATE, object_type="people.householdmember").exists()


def test_a_member_of_another_organisation_cannot_be_added(client, case_manager, child, other_org):
    household = HouseholdFactory(child=child)
    stranger = PersonFactory(organisation=other_org)
    client.force_login(case_manager)
    client.post(
        reverse("people:household_member_new", args=[household.pk]),
        {"person": stranger.pk, "relationship": "mother"},
    )
    assert not household.members.exists()


def test_a_disclosure_on_consent_needs_a_consent_in_force(client, case_manager, child):
    client.force_login(case_manager)
    data = {
        "recipient": "ДСП Русе",
        "what": "Социален доклад",
        "legal_basis": "consent",
        "consent": "",
        "disclosed_on": "01.10.2026",
    }
    response = client.post(reverse("people:disclosure_new", args=[child.pk]), data)
    assert response.status_code == 200
    assert "съгласие" in response.content.decode()
    assert not Disclosure.objects.exists()
    response = client.post(
        reverse("people:disclosure_new", args=[child.pk]),
        {**data, "legal_basis": "legal_obligation"},
    )
    assert response.status_code == 302
    assert (
        _events(AuditAction.EXPORT, object_type="people.disclosure").get().details["recipient"]
        == "ДСП Русе"
    )


def test_consent_is_recorded_and_withdrawn(client, case_manager, child):
    client.force_login(case_manager)
    response = client.post(
        reverse("people:consent_new", args=[child.pk]),
        {
            "purpose": "Участие в група",
            "given_by": child.pk,
            "legal_basis": "consent",
            "given_on": "01.09.2026",
            "notes": "",
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    early = client.post(
        reverse("people:consent_withdraw", args=[consent.pk]), {"withdrawn_on": "01.08.2026"}
    )
    assert early.status_code == 200
    client.post(
        reverse("people:consent_withdraw", args=[consent.pk]), {"withdrawn_on": "02.10.2026"}
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date(2026, 10, 2)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.GIVING_COORDINATOR, Role.AUDITOR])
def test_roles_outside_the_case_team_never_see_health_notes(client, org, child, role):
    user = member(org, role)
    client.force_login(user)
    response = client.get(child.get_absolute_url())
    assert "Епилепсия" not in response.content.decode()


def test_the_printed_export_speaks_to_the_family_not_in_field_names(
    client, director, child, case_manager, cop
):
    """#12 §4.7: labels, Bulgarian values, dates as дд.мм.гггг, a case's contacts as rows; no
    ``birth_date``, no ISO dates, no Python lists or dictionaries."""
    import io

    from pypdf import PdfReader

    from zakrila.cases.services import case_open, contact_record

    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="консултация",
    )  # fmt: skip
    contact_record(
        actor=case_manager, case=case, kind="home_visit",
        occurred_at=dt.datetime(2026, 11, 20, 10, 30, tzinfo=timezone.get_current_timezone()),
        duration_minutes=30,
        note="Посещение в дома.",
    )  # fmt: skip
    client.force_login(director)
    response = client.get(reverse("people:export", args=[child.pk, "pdf"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert "дата на раждане" in flat.lower() and "03.05.2016" in flat
    assert "женски" in flat  # the sex's label, not "female"
    assert "Посещение в дома." in flat and "20.11.2026" in flat
    for raw in ("birth_date", "2016-05-03", "female", "[{", "{'", "'kind'", "None", "T10:30"):
        assert raw not in flat, raw
