from __future__ import annotations

import re

from django.urls import reverse

from tests.factories import member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.audit.queries import PAGE_SIZE
from zakrila.audit.services import audit_record, audit_view
from zakrila.privacy.processing import records_of_processing


def test_dpo_searches_the_organisations_trail_and_the_search_is_recorded(
    client, org, other_org, case_manager
):
    dpo = member(org, Role.DPO, email="dpo@example.bg")
    audit_record(
        action=AuditAction.VIEW,
        actor=case_manager,
        organisation_id=org.pk,
        object_type="people.person",
        object_id=7,
        person_id=7,
    )
    audit_record(
        action=AuditAction.VIEW,
        organisation_id=other_org.pk,
        object_type="people.person",
        object_id=8,
        person_id=8,
        actor_label="someone@other.bg",
    )
    client.force_login(dpo)
    response = client.get(reverse("audit:search"), {"person_id": 7})
    assert response.status_code == 200
    events = response.context["events"]
    assert [e.object_id for e in events] == ["7"]
    assert "cm@example.bg" in response.content.decode()
    assert "someone@other.bg" not in response.content.decode()
    search = AuditEvent.objects.get(action=AuditAction.SEARCH, actor=dpo)
    assert search.details == {"filters": {"person_id": "7"}}


def test_the_dpo_finds_what_a_worker_did_by_part_of_their_name_or_email(
    client, org, cop, other_org
):
    """By the users whose name or e-mail holds the text, every event of theirs in the
    organisation (also those written under an e-mail they have changed since), and the events
    of no user whose label holds it (a failed sign-in's typed name)."""
    maria = member(org, Role.CASE_MANAGER, email="m.ivanova@example.bg", full_name="Мария Иванова")
    other = member(org, Role.CASE_MANAGER, email="petrov@example.bg", full_name="Петър Петров")
    dpo = member(org, Role.DPO)

    def event(actor, label, object_id):
        audit_record(action=AuditAction.VIEW, actor=actor, actor_label=label,
                     organisation_id=org.pk, object_type="people.person", object_id=object_id)  # fmt: skip

    event(maria, "maria.old@example.bg", "under the old address")
    event(maria, maria.email, "under the new one")
    event(other, other.email, "someone else's")
    event(None, "m.ivanova@example.bg", "a failed sign-in as her")
    event(None, "petrov@example.bg", "a failed sign-in as him")
    # The workers are found across the country; their events only in this organisation.
    audit_record(action=AuditAction.VIEW, actor=maria, organisation_id=other_org.pk,
                 object_type="people.person", object_id="in another organisation")  # fmt: skip
    client.force_login(dpo)

    def found(text):
        events = client.get(reverse("audit:search"), {"actor": text}).context["events"]
        return sorted(e.object_id for e in events if e.object_type == "people.person")

    assert found("Иванова") == ["under the new one", "under the old address"]
    assert found("ivanova@") == [
        "a failed sign-in as her",
        "under the new one",
        "under the old address",
    ]


def test_audit_search_pages_by_keyset(client, org):
    dpo = member(org, Role.DPO)
    for i in range(PAGE_SIZE + 5):
        audit_record(
            action=AuditAction.VIEW,
            organisation_id=org.pk,
            object_type="people.person",
            object_id=i,
        )
    client.force_login(dpo)
    first = client.get(reverse("audit:search"), {"action": "view"})
    assert len(first.context["events"]) == PAGE_SIZE
    after = first.context["next_token"]
    second = client.get(reverse("audit:search"), {"action": "view", "after": after})
    assert len(second.context["events"]) == 5
    assert second.context["next_token"] is None


def test_the_trail_is_listed_by_when_things_happened_and_pages_within_a_date_range(client, org):
    """Newest first by the time of the event, the order of the index by organisation and time:
    a month a year ago is a range of that index, not a walk back through every later event."""
    import datetime as dt

    from django.utils import timezone

    dpo = member(org, Role.DPO)
    now = timezone.now()
    year_ago = now - dt.timedelta(days=365)

    def event(at, object_id):
        return AuditEvent.objects.create(
            chain=f"org-{org.pk}", occurred_at=at, organisation_id=org.pk, action="view",
            object_type="people.person", object_id=object_id,
        )  # fmt: skip

    event(now, "today")
    for n in range(PAGE_SIZE + 3):  # written after today's, as an import of old events is
        event(year_ago - dt.timedelta(minutes=n), f"old-{n}")
    event(year_ago - dt.timedelta(days=40), "before the range")
    client.force_login(dpo)
    listed = client.get(reverse("audit:search")).context["events"]
    people = [e.object_id for e in listed if e.object_type == "people.person"]
    assert people[:3] == ["today", "old-0", "old-1"]
    day = timezone.localtime(year_ago).date()
    query = {"date_from": (day - dt.timedelta(days=30)).strftime("%d.%m.%Y"),
             "date_to": day.strftime("%d.%m.%Y")}  # fmt: skip
    first = client.get(reverse("audit:search"), query)
    second = client.get(reverse("audit:search"), {**query, "after": first.context["next_token"]})
    shown = [e.object_id for e in [*first.context["events"], *second.context["events"]]]
    assert shown == [f"old-{n}" for n in range(PAGE_SIZE + 3)]


def test_audit_search_refuses_a_reversed_date_range_in_bulgarian(client, org):
    client.force_login(member(org, Role.DPO))
    response = client.get(
        reverse("audit:search"), {"date_from": "10.11.2026", "date_to": "01.11.2026"}
    )
    assert response.status_code == 200
    assert "Крайната дата е преди началната" in response.content.decode()
    assert 'value="2026-11-10"' in response.content.decode()  # the picker's form of 10.11.2026


def test_only_the_dpo_searches_the_trail(client, org):
    for role in (Role.DIRECTOR, Role.CASE_MANAGER, Role.AUDITOR, Role.TRAINER):
        client.force_login(member(org, role))
        assert client.get(reverse("audit:search")).status_code == 403, role


def test_records_of_processing_come_from_configuration(client, org, settings):
    settings.ZAKRILA_RETENTION_YEARS = {**settings.ZAKRILA_RETENTION_YEARS, "case": 7}
    client.force_login(member(org, Role.DPO))
    response = client.get(reverse("privacy:records"))
    assert response.status_code == 200
    content = response.content.decode()
    assert org.eik in content
    assert "7 години" in content
    assert content.count('data-testid="activity"') == len(records_of_processing())


def test_records_of_processing_are_refused_to_a_carer(client, org):
    client.force_login(member(org, Role.CARER))
    assert client.get(reverse("privacy:records")).status_code == 403


# --- In plain language ----------------------------------------------------------------------------


def _case(org, cop, case_manager, **fields):
    from tests.factories import PersonFactory
    from zakrila.cases.services import case_open

    case = case_open(
        actor=case_manager,
        unit=cop,
        person=PersonFactory(organisation=org, unit=cop, first_name="Ивана", last_name="Колева"),
        key_worker=case_manager,
        without_referral_reason="консултация",
    )
    if fields:
        type(case).objects.filter(pk=case.pk).update(**fields)
        case.refresh_from_db()
    return case


def _rows(response):
    return [
        " ".join(cell.split())
        for cell in re.findall(
            r'<td data-testid="audit-sentence">(.*?)</td>', response.content.decode(), re.S
        )
    ]


def test_the_audit_search_says_in_words_who_did_what_to_whose_file(client, org, cop, case_manager):
    from tests.factories import PersonFactory

    child = PersonFactory(organisation=org, unit=cop, first_name="Мария", last_name="Петрова")
    audit_view(actor=case_manager, obj=child, person_id=child.pk)
    case = _case(org, cop, case_manager)
    audit_record(
        action=AuditAction.UPDATE,
        actor=case_manager,
        obj=case,
        changes={
            "risk_level": {"old": "medium", "new": "high"},
            "key_worker_id": {"old": 1, "new": 2},
        },
    )
    client.force_login(member(org, Role.DPO, email="dpo@example.bg"))
    response = client.get(reverse("audit:search"))
    content = response.content.decode()
    table = content[content.index('data-testid="audit-events"') :]
    table = table[: table.index("</table>")]
    sentences = _rows(response)
    assert (
        f'Промени <a href="{case.get_absolute_url()}">случая {case.number}</a>: '
        "ниво на риск, водещ случая" in sentences
    )
    assert f'Прегледа <a href="{child.get_absolute_url()}">досието на {child}</a>' in sentences
    assert "Йорданка Христова" in table and "cm@example.bg" in table
    # No raw technical text reaches the DPO.
    for raw in ("people.person", "cases.case", "&#x27;what&#x27;", "risk_level", "key_worker_id"):
        assert raw not in table, raw


def test_who_saw_this_file_names_the_changed_fields_by_their_labels(client, org, cop, case_manager):
    from tests.factories import PersonFactory

    child = PersonFactory(organisation=org, unit=cop)
    audit_record(
        action=AuditAction.UPDATE,
        actor=case_manager,
        obj=child,
        person_id=child.pk,
        changes={"birth_date": {"old": "2015-03-14", "new": "2015-04-14"}},
    )
    client.force_login(member(org, Role.DIRECTOR))
    response = client.get(reverse("people:history", args=[child.pk]))
    sentences = _rows(response)
    assert any(s.endswith(": дата на раждане") for s in sentences), sentences
    assert "birth_date" not in response.content.decode()


def test_a_record_the_viewer_may_not_open_is_named_only_by_kind_and_number(
    client, org, cop, case_manager
):
    restricted = _case(org, cop, case_manager, is_restricted=True)
    audit_record(action=AuditAction.VIEW, actor=case_manager, obj=restricted)
    client.force_login(member(org, Role.DPO))  # not on the case's team
    response = client.get(reverse("audit:search"), {"action": "view"})
    sentences = _rows(response)
    assert sentences == [f"Прегледа случай № {restricted.pk}"]
    assert restricted.number not in response.content.decode()
    assert restricted.get_absolute_url() not in response.content.decode()


def test_sign_ins_searches_and_refusals_read_as_sentences_with_their_details(
    client, org, case_manager
):
    audit_record(
        action=AuditAction.LOGIN,
        actor=case_manager,
        organisation_id=org.pk,
        details={"second_factor": "recovery"},
    )
    audit_record(
        action=AuditAction.SEARCH,
        actor=case_manager,
        organisation_id=org.pk,
        object_type="people.person",
        details={"text": "Иван", "found": 3},
    )
    audit_record(
        action=AuditAction.DENIED,
        actor=case_manager,
        organisation_id=org.pk,
        details={"path": "/cases/99/", "route": "cases:case", "status": 404},
    )
    client.force_login(member(org, Role.DPO))
    content = " ".join(client.get(reverse("audit:search")).content.decode().split())
    assert "Влезе в системата" in content and "с резервен код" in content
    assert "Търси в регистъра на хората" in content
    assert "за „Иван“; 3 намерени" in content
    assert "Получи отказ за страница" in content
    assert "адрес /cases/99/ (не е намерено или е извън достъпа на потребителя)" in content


def test_an_app_registers_how_its_records_are_named(org, case_manager):
    from django.utils import translation

    from zakrila.audit import describe

    describe.register_record_kind(
        "training.cohort",
        describe.RecordKind(
            many="the cohorts",
            name=lambda viewer, ids: {
                i: describe.RecordLabel(f"the cohort {i}", "/c/") for i in ids
            },
        ),
    )
    try:
        event = audit_record(
            action=AuditAction.VIEW,
            actor=case_manager,
            organisation_id=org.pk,
            object_type="training.cohort",
            object_id=7,
        )
        with translation.override("en"):
            (row,) = describe.describe_events([event], viewer=case_manager)
        assert row.sentence == 'Viewed <a href="/c/">the cohort 7</a>'
        assert row.who == "Йорданка Христова" and row.who_detail == "cm@example.bg"
    finally:
        describe._kinds.pop("training.cohort")


def test_the_audit_pages_read_the_names_of_a_page_of_events_in_a_few_queries(
    client, org, cop, case_manager, django_assert_max_num_queries
):
    from tests.factories import PersonFactory

    for _ in range(30):
        child = PersonFactory(organisation=org, unit=cop)
        audit_view(actor=case_manager, obj=child, person_id=child.pk)
    client.force_login(member(org, Role.DPO))
    client.get(reverse("audit:search"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("audit:search"))
    assert sum(row.startswith("Прегледа") for row in _rows(response)) == 30
