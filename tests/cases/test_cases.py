"""Casework: referral to case, stages, restricted cases, confidential notes, and what privacy
gets from cases (legal holds, export, retention)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import Case, CaseStatus, Referral
from zakrila.cases.services import case_move, case_open, closure_request, contact_record
from zakrila.people.services import legal_holds
from zakrila.privacy.retention import retention_run


@pytest.fixture
def child(org, cop):
    return PersonFactory(
        organisation=org, unit=cop, first_name="Ивана", last_name="Колева", municipality="Русе"
    )


@pytest.fixture
def case(case_manager, cop, child):
    return case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="консултация",
    )


@pytest.fixture
def director(org):
    return member(org, Role.DIRECTOR, email="dir@example.bg")


def _close(case, director, outcome="stays_in_family"):
    case.refresh_from_db()
    closure_request(
        actor=director,
        case=case,
        outcome=outcome,
        reason="целите са постигнати",
        expected_version=case.version,
    )
    case.refresh_from_db()
    return case


def _contact(case, actor, note="Майката разказа за насилие вкъщи.", **extra):
    data = {
        "kind": "home_visit",
        "occurred_at": timezone.now(),
        "duration_minutes": 45,
        "note": note,
        "is_confidential": True,
    }
    return contact_record(actor=actor, case=case, **{**data, **extra})


def test_an_accepted_referral_opens_a_numbered_case(client, case_manager, cop, child):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:referral_new", args=[child.pk]),
        {"source": "child_protection", "document_number": "ДСП-123", "document_date": "01.11.2026",
         "reason": "Риск от изоставяне", "unit": cop.pk, "household": "", "received_on": "02.11.2026"},
    )  # fmt: skip
    referral = Referral.objects.get()
    assert response.url == reverse("cases:referral", args=[referral.pk])
    response = client.post(
        reverse("cases:referral", args=[referral.pk]),
        {
            "decision": "accepted",
            "key_worker": case_manager.pk,
            "decision_reason": "",
            "redirected_to": "",
            "version": referral.version,
        },
    )
    case = Case.objects.get()
    assert response.url == case.get_absolute_url()
    assert case.number == f"ЦОП-{timezone.localdate().year}-0001"
    assert (case.status, case.referral, case.key_worker) == (
        CaseStatus.REFERRED,
        referral,
        case_manager,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="cases.case", person_id=child.pk
    ).exists()
    page = client.get(case.get_absolute_url())
    assert "ДСП" in page.content.decode() or "Отдел" in page.content.decode()


def test_a_declined_referral_needs_a_reason_in_bulgarian(client, case_manager, cop, child):
    referral = Referral.objects.create(
        organisation=child.organisation, source="school", reason="x", person=child, unit=cop
    )
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:referral", args=[referral.pk]),
        {
            "decision": "declined",
            "key_worker": "",
            "decision_reason": "",
            "redirected_to": "",
            "version": referral.version,
        },
    )
    assert response.status_code == 200
    assert "отказ" in response.context["form"].errors["decision_reason"][0]
    referral.refresh_from_db()
    assert referral.decision == "pending"
    assert not Case.objects.exists()


def test_a_case_without_referral_needs_the_reason(client, case_manager, cop, child):
    client.force_login(case_manager)
    data = {
        "unit": cop.pk,
        "key_worker": case_manager.pk,
        "without_referral_reason": "",
        "risk_level": "low",
    }
    response = client.post(reverse("cases:case_new", args=[child.pk]), data)
    assert response.status_code == 200
    assert not Case.objects.exists()
    response = client.post(
        reverse("cases:case_new", args=[child.pk]),
        {**data, "without_referral_reason": "майката поиска консултация"},
    )
    assert Case.objects.get().status == CaseStatus.ASSESSMENT


def test_numbers_run_per_unit_and_year(case_manager, cop, child, org):
    first = case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="a",
    )
    second = case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="b",
    )
    old = case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="c",
        opened_on=dt.date(2025, 12, 31),
    )
    assert [first.number[-9:], second.number[-9:], old.number] == [
        "2026-0001",
        "2026-0002",
        "ЦОП-2025-0001",
    ]


def test_stages_move_by_the_rules_and_closing_needs_the_director(case, case_manager, director):
    case = case_move(
        actor=case_manager, case=case, to_status="support", expected_version=case.version
    )
    with pytest.raises(Exception, match="директора"):
        case_move(
            actor=case_manager,
            case=case,
            to_status="closed",
            reason="x",
            expected_version=case.version,
        )
    case = _close(case, director)
    assert case.closed_on == timezone.localdate()
    with pytest.raises(Exception, match="не може"):
        case_move(actor=case_manager, case=case, to_status="support", expected_version=case.version)
    with pytest.raises(Exception, match="причина"):
        case_move(
            actor=case_manager, case=case, to_status="assessment", expected_version=case.version
        )
    case = case_move(
        actor=case_manager,
        case=case,
        to_status="assessment",
        reason="нов сигнал",
        expected_version=case.version,
    )
    assert case.closed_on is None
    assert [c.to_status for c in case.status_changes.all()] == [
        "assessment",
        "support",
        "closed",
        "assessment",
    ]
    reopened = (
        AuditEvent.objects.filter(object_type="cases.case", action=AuditAction.UPDATE)
        .order_by("id")
        .last()
    )
    assert reopened.details["reopened"] is True


def test_a_stale_stage_change_is_refused(client, case, case_manager):
    version = case.version
    case_move(actor=case_manager, case=case, to_status="support", expected_version=version)
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:move", args=[case.pk]),
        {"to_status": "closed", "reason": "x", "version": version},
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == "support"


def test_a_restricted_case_is_seen_only_by_its_team_and_the_director(
    client, org, case, case_manager
):
    case.is_restricted = True
    case.save()
    colleague = member(org, Role.CASE_MANAGER, email="colleague@example.bg")
    director = member(org, Role.DIRECTOR, email="dir@example.bg")
    client.force_login(colleague)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.number not in client.get(reverse("cases:list")).content.decode()
    assert case.number not in client.get(case.person.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=colleague).exists()
    for user in (case_manager, director):
        client.force_login(user)
        assert client.get(case.get_absolute_url()).status_code == 200
    case.team.add(colleague)
    client.force_login(colleague)
    assert client.get(case.get_absolute_url()).status_code == 200
    # Now on the team, the colleague finds the case on the child's page: link, unit, stage.
    page = client.get(case.person.get_absolute_url()).content.decode()
    listed = page.split('data-testid="person-cases"')[1].split("</ul>")[0]
    assert f'href="{case.get_absolute_url()}"' in listed and case.number in listed
    assert case.unit.name in listed and str(case.get_status_display()) in listed
    assert "ограничен" in listed


def test_an_outsider_gets_404_on_every_case_page(client, outsider, case):
    referral = Referral.objects.create(
        organisation=case.organisation,
        source="school",
        reason="x",
        person=case.person,
        unit=case.unit,
    )
    namespace = get_resolver().namespace_dict["cases"][1]
    routes = [
        (name, entries[0][0][0][1])
        for name, entries in namespace.reverse_dict.lists()
        if isinstance(name, str)
    ]
    assert len(routes) >= 8
    client.force_login(outsider)
    for name, params in routes:
        if not params:
            continue
        value = {
            "person_pk": case.person_id,
            "pk": referral.pk if name.startswith("referral") else case.pk,
        }
        url = reverse(f"cases:{name}", kwargs={param: value[param] for param in params})
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {}).status_code == 404, url


def test_confidential_notes_are_hidden_from_workers_off_the_team(client, org, case, case_manager):
    _contact(case, case_manager)
    field_worker = member(org, Role.FIELD_WORKER, email="field@example.bg")
    specialist = member(org, Role.SPECIALIST, email="psy@example.bg")
    client.force_login(field_worker)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "насилие" not in body
    assert 'data-testid="note-hidden"' in body
    client.force_login(specialist)
    assert "насилие" in client.get(case.get_absolute_url()).content.decode()


def test_a_team_member_reads_the_confidential_notes_a_colleague_off_the_team_does_not(
    client, org, case, case_manager, django_assert_max_num_queries
):
    """The case page reads its team once: the same list is shown and asked by the
    confidentiality rule (a team member who is not the key worker reads the notes)."""
    _contact(case, case_manager)
    on_team = member(org, Role.CASE_MANAGER, email="team@example.bg", full_name="Таня Екипова")
    off_team = member(org, Role.CASE_MANAGER, email="off@example.bg")
    case.team.add(on_team)
    client.force_login(on_team)
    client.get(case.get_absolute_url())
    with django_assert_max_num_queries(19):  # with the session and the units to admit into
        body = client.get(case.get_absolute_url()).content.decode()
    assert "насилие" in body and "Таня Екипова" in body
    client.force_login(off_team)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "насилие" not in body and 'data-testid="note-hidden"' in body
    assert "Таня Екипова" in body


def test_the_timeline_shows_each_contact_with_its_staff_time_and_note_escaped(
    client, case, case_manager, colleague
):
    """The timeline is written out in one pass: what the team typed is shown as text (never as
    markup), with the line breaks of the note, the time of day in Sofia, the minutes in
    Bulgarian plural, the place and every member of staff present."""
    sofia = timezone.get_current_timezone()
    _contact(
        case, case_manager, note="Първи ред <script>alert(1)</script>\nвтори ред",
        is_confidential=False, place="дома & двора <b>", duration_minutes=1, staff=[colleague],
        occurred_at=dt.datetime(2026, 3, 2, 0, 30, tzinfo=sofia),
    )  # fmt: skip
    _contact(case, case_manager, occurred_at=dt.datetime(2026, 3, 3, 9, 5, tzinfo=sofia))
    case.refresh_from_db()
    case_move(
        actor=case_manager, case=case, to_status="assessed", reason="оценка <и> план",
        expected_version=case.version,
    )  # fmt: skip
    client.force_login(case_manager)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "<script>alert" not in body and "<b>" not in body
    assert (
        '<li><span class="muted">02.03.2026</span> <strong>посещение в дома</strong> — 00:30, '
        "1 минута, дома &amp; двора &lt;b&gt; · Борис Колегов, Йорданка Христова"
        '<div class="">Първи ред &lt;script&gt;alert(1)&lt;/script&gt;<br>втори ред</div></li>'
    ) in body
    assert "<strong>посещение в дома</strong> — 09:05, 45 минути · Йорданка Христова" in body
    assert '<div class="confidential">Майката разказа за насилие вкъщи.</div>' in body
    assert (
        "<strong>Етап</strong> — оценка → оценката е направена: оценка &lt;и&gt; план "
        '<span class="muted">Йорданка Христова</span>'
    ) in body


def test_a_contact_is_entered_from_the_form_and_its_note_is_not_in_the_trail(
    client, case, case_manager
):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:contact_new", args=[case.pk]),
        {"kind": "phone", "occurred_at": "20.11.2026 09:30", "duration_minutes": "15", "place": "", "participants": "майката",
         "note": "Тайна бележка", "is_confidential": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = case.contacts.get()
    assert timezone.localtime(contact.occurred_at).strftime("%d.%m.%Y %H:%M") == "20.11.2026 09:30"
    assert list(contact.staff.all()) == [case_manager]
    event = AuditEvent.objects.get(object_type="cases.contact")
    assert "Тайна" not in str(event.changes)


def test_a_contact_longer_than_a_day_is_refused_and_the_form_kept(client, case, case_manager):
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:contact_new", args=[case.pk]),
        {
            "kind": "outreach",
            "occurred_at": "20.11.2026 09:30",
            "duration_minutes": "2000",
            "note": "бележка",
        },
    )
    assert response.status_code == 200
    assert "бележка" in response.content.decode()
    assert not case.contacts.exists()


def test_no_new_work_on_a_closed_case(case, case_manager, director):
    case = _close(case, director)
    with pytest.raises(Exception, match="закрит"):
        _contact(case, case_manager)


def test_an_open_case_holds_the_persons_data_and_the_export_carries_it(
    client, org, case, case_manager, child, director
):
    assert legal_holds(child) == [f"Открит случай: {case.number}"]
    _contact(case, case_manager, note="бележка за износ", is_confidential=False)
    dpo = member(org, Role.DPO)
    client.force_login(dpo)
    data = client.get(reverse("people:export", args=[child.pk, "json"])).json()
    assert data["cases"][0]["number"] == case.number
    assert data["cases"][0]["contacts"][0]["note"] == "бележка за износ"
    response = client.post(reverse("people:erase", args=[child.pk]), {"reason": "искане"})
    assert response.status_code == 200
    _close(case, director)
    assert legal_holds(child) == []


def test_retention_anonymises_people_whose_cases_closed_long_ago(
    case, case_manager, child, org, settings, director
):
    settings.ZAKRILA_RETENTION_YEARS = {**settings.ZAKRILA_RETENTION_YEARS, "case": 10, "person": 5}
    recent_child = PersonFactory(organisation=org, first_name="Скорошна")
    recent = case_open(
        actor=case_manager,
        unit=case.unit,
        person=recent_child,
        key_worker=case_manager,
        without_referral_reason="x",
    )
    for item in (case, recent):
        _close(item, director)
    Case.objects.filter(pk=case.pk).update(closed_on=dt.date(2014, 1, 1))
    # Untouched for years, but with a case closed recently: kept.
    from zakrila.people.models import Person

    Person.objects.filter(pk__in=[child.pk, recent_child.pk]).update(
        updated_at=timezone.now() - dt.timedelta(days=3650)
    )
    assert retention_run().anonymised == 1
    child.refresh_from_db()
    recent_child.refresh_from_db()
    assert child.anonymised_at is not None
    assert recent_child.anonymised_at is None


def test_the_case_page_costs_the_same_queries_however_long_the_file(client, case, case_manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(case_manager)
    client.get("/")  # the first request after signing in saves the session

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(case.get_absolute_url()).status_code == 200
        return len(captured)

    _contact(case, case_manager, note="първа")
    short = queries_for_page()
    for index in range(8):
        _contact(case, case_manager, note=f"бележка {index}")
    assert queries_for_page() == short
    assert short <= 40


def test_a_long_file_shows_its_timeline_a_page_at_a_time_and_loses_no_entry(
    client, case, case_manager
):
    """120 contacts on 40 days, with a stage change among them: the page shows the newest 50,
    "Earlier entries" (a link, or htmx) continues, and every entry appears once, newest first."""
    from zakrila.cases.models import CaseStatusChange, Contact
    from zakrila.cases.timeline import TIMELINE_PAGE

    sofia = timezone.get_current_timezone()
    first_day = dt.datetime(2026, 3, 1, 0, 30, tzinfo=sofia)  # half past midnight: Sofia's day
    Contact.objects.bulk_create(
        Contact(
            organisation=case.organisation, case=case, kind="phone_call",
            occurred_at=first_day + dt.timedelta(days=index // 3, minutes=index % 3),
            note=f"разговор {index:03d}", is_confidential=False,
        )
        for index in range(120)
    )  # fmt: skip
    middle = CaseStatusChange.objects.create(
        organisation=case.organisation, case=case, from_status="referred", to_status="assessment",
        reason="средата на досието",
    )  # fmt: skip
    CaseStatusChange.objects.filter(pk=middle.pk).update(
        created_at=dt.datetime(2026, 3, 20, 12, 0, tzinfo=sofia)
    )
    client.force_login(case_manager)

    shown, pages, after = [], [], None
    while True:
        params = {"after": after} if after else {}
        page = client.get(case.get_absolute_url(), params).context["timeline"]
        pages.append(page)
        shown += [(entry["kind"], entry["item"].pk, entry["at"]) for entry in page.entries]
        if page.after is None:
            break
        after = page.after
    contacts = [pk for kind, pk, _at in shown if kind == "contact"]
    assert len(pages) == 3
    assert [len([e for e in p.entries if e["kind"] == "contact"]) for p in pages] == [
        TIMELINE_PAGE, TIMELINE_PAGE, 20,
    ]  # fmt: skip
    assert sorted(contacts) == sorted(case.contacts.values_list("pk", flat=True))
    assert len(set(contacts)) == 120
    assert [kind for kind, pk, _at in shown].count("status") == case.status_changes.count()
    assert [at for _kind, _pk, at in shown] == sorted((at for *_, at in shown), reverse=True)
    assert ("status", middle.pk, dt.date(2026, 3, 20)) in shown
    assert shown[-1][2] == dt.date(2026, 3, 1)  # the oldest contact counts on Sofia's day

    page = client.get(case.get_absolute_url()).content.decode()
    assert "разговор 119" in page and "разговор 069" not in page
    assert f'hx-get="?after={pages[0].after}"' in page
    fragment = client.get(
        case.get_absolute_url(), {"after": pages[0].after}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "разговор 069" in fragment and "разговор 119" not in fragment
    assert "<html" not in fragment
    assert client.get(case.get_absolute_url(), {"after": "нещо"}).status_code == 200
    # Ordered by time within a day too, not only by day.
    moments = [entry["moment"] for page in pages for entry in page.entries]
    assert moments == sorted(moments, reverse=True)


def test_earlier_entries_from_another_organisations_contact_show_nothing_of_it(
    client, case, case_manager, other_org
):
    from tests.factories import UnitFactory

    other_unit = UnitFactory(organisation=other_org)
    other_worker = member(other_org, Role.CASE_MANAGER, email="other@example.bg")
    other_case = case_open(
        actor=other_worker, unit=other_unit, person=PersonFactory(organisation=other_org),
        key_worker=other_worker, without_referral_reason="консултация",
    )  # fmt: skip
    theirs = _contact(other_case, other_worker, note="чужда бележка", is_confidential=False)
    _contact(case, case_manager, note="наша бележка", is_confidential=False)
    client.force_login(case_manager)

    from zakrila.core.paging import position_token

    their_position = position_token([theirs.occurred_at, theirs.pk])
    response = client.get(case.get_absolute_url(), {"after": their_position})
    assert response.status_code == 200
    assert "чужда бележка" not in response.content.decode()
    assert "наша бележка" in client.get(case.get_absolute_url()).content.decode()
    client.force_login(other_worker)  # and the other way round: our case stays a 404
    assert client.get(case.get_absolute_url(), {"after": their_position}).status_code == 404


def test_the_director_sees_who_opened_the_case(client, org, case, case_manager, director):
    client.force_login(case_manager)
    client.get(case.get_absolute_url())
    client.force_login(director)
    response = client.get(reverse("cases:history", args=[case.pk]))
    assert "cm@example.bg" in response.content.decode()
    client.force_login(case_manager)
    assert client.get(reverse("cases:history", args=[case.pk])).status_code == 403


def test_the_case_history_shows_the_case_and_each_of_its_contacts_in_one_condition_per_kind(
    case, case_manager
):
    """A case of long standing has hundreds of contacts: their ids go in one list, so that the
    query's size and PostgreSQL's planning do not grow with a condition per contact."""
    from zakrila.audit.queries import audit_events_for_record
    from zakrila.audit.services import audit_record

    contacts = [_contact(case, case_manager, note=f"среща {n}") for n in range(3)]
    another = case_open(
        actor=case_manager, unit=case.unit, person=PersonFactory(organisation=case.organisation),
        key_worker=case_manager, without_referral_reason="консултация",
    )  # fmt: skip
    elsewhere = _contact(another, case_manager)
    for record in (*contacts, elsewhere):
        audit_record(action=AuditAction.VIEW, actor=case_manager, obj=record, details={"mark": 1})
    events = audit_events_for_record(
        organisation_id=case.organisation_id,
        records=[("cases.case", case.pk), *(("cases.contact", c.pk) for c in contacts)],
    )
    viewed = {e.object_id for e in events if e.details.get("mark")}
    assert viewed == {str(c.pk) for c in contacts}
    assert {e.object_id for e in events if e.object_type == "cases.case"} == {str(case.pk)}
    where = str(events.query).split(" WHERE ", 1)[1]
    assert where.count('"object_type"') == 2  # one per kind, not one per contact


def test_support_needs_an_approved_assessment_unless_universally_accessible(
    case_manager, cop, child, director
):
    from zakrila.cases.models import AssessmentTemplate
    from zakrila.cases.services import (
        assessment_approve,
        assessment_save,
        assessment_start,
        referral_decide,
        referral_register,
    )

    referral = referral_register(
        actor=case_manager,
        unit=cop,
        person=child,
        source="child_protection",
        reason="риск",
        received_on=timezone.localdate(),
    )
    case = referral_decide(
        actor=case_manager,
        referral=referral,
        decision="accepted",
        key_worker=case_manager,
        expected_version=referral.version,
    )
    case = case_move(
        actor=case_manager, case=case, to_status="assessment", expected_version=case.version
    )
    with pytest.raises(Exception, match="одобрена оценка"):
        case_move(actor=case_manager, case=case, to_status="support", expected_version=case.version)
    template = AssessmentTemplate.objects.get(code="abandonment-risk", is_current=True)
    assessment = assessment_start(actor=case_manager, case=case, template=template)
    answers = {
        q.key: (
            True
            if q.answer_type == "yes_no"
            else 20
            if q.answer_type == "number"
            else q.choices[0]["value"]
            if q.choices
            else "текст"
        )
        for q in template.questions()
    }
    assessment = assessment_save(
        actor=case_manager,
        assessment=assessment,
        answers=answers,
        complete=True,
        expected_version=assessment.version,
    )
    with pytest.raises(Exception, match="одобрена оценка"):
        case_move(actor=case_manager, case=case, to_status="support", expected_version=case.version)
    assessment_approve(actor=director, assessment=assessment)
    case.refresh_from_db()
    assert case.status == "assessed"  # the approved assessment moved it on (#12 §4.4)
    assert (
        case_move(
            actor=case_manager, case=case, to_status="support", expected_version=case.version
        ).status
        == "support"
    )


def test_the_case_list_filters_pages_by_keyset_and_costs_the_same_queries(
    client, org, cop, case_manager
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zakrila.cases.models import Task

    colleague = member(org, Role.CASE_MANAGER, email="colleague@example.bg")
    made = []
    for index in range(60):
        worker = case_manager if index % 2 else colleague
        made.append(case_open(
            actor=case_manager, unit=cop, person=PersonFactory(organisation=org), key_worker=worker,
            without_referral_reason="x", risk_level="high" if index % 3 == 0 else "low",
            opened_on=dt.date(2026, 1, 1) + dt.timedelta(days=index // 2),
        ))  # fmt: skip
    Task.objects.create(
        organisation=org,
        title="късно",
        assignee=case_manager,
        case=made[7],
        due_on=dt.date(2026, 1, 1),
    )
    client.force_login(case_manager)
    url = reverse("cases:list")
    first = client.get(url)
    assert len(first.context["cases"]) == 50
    second = client.get(url, {"after": first.context["next_after"]})
    seen = [c.pk for c in first.context["cases"]] + [c.pk for c in second.context["cases"]]
    assert sorted(seen) == sorted(c.pk for c in made)
    assert second.context["next_after"] is None
    assert {c.risk for c in client.get(url, {"risk": "high"}).context["cases"]} == {"висок"}
    assert {c.key_worker for c in client.get(url, {"worker": colleague.pk}).context["cases"]} == {
        colleague.full_name
    }
    assert [c.pk for c in client.get(url, {"overdue": "on"}).context["cases"]] == [made[7].pk]

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        return len(captured)

    assert queries({"risk": "high"}) == queries({})
    from zakrila.core.paging import position_token

    token = first.context["next_after"]
    for garbage in (
        "вчера_7", "2026-01-05", "_", token[:-3], token + "x", "\x00", "%00",
        position_token(["2026-13-01", 5]), position_token(["2026-01-05", "x"]),
        position_token(["2026-01-05", 10**30]), position_token(["2026-01-05"]),
    ):  # fmt: skip
        page = client.get(url, {"after": garbage})  # a mangled link starts again at the newest
        assert page.status_code == 200
        assert [c.pk for c in page.context["cases"]] == [c.pk for c in first.context["cases"]]
    until = client.get(url, {"after": position_token(["2026-01-05", 2**60])})
    assert [c.opened_on for c in until.context["cases"]] == [c.opened_on for c in made[9::-1]]


def test_a_closed_case_is_read_only_until_reopened(client, case, case_manager, director):
    case = _close(case, director)
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "risk_level": "high",
            "key_worker": case_manager.pk,
            "household": "",
            "version": case.version,
        },
    )
    assert response.status_code == 200
    assert "закрит" in response.content.decode()
    case.refresh_from_db()
    assert case.risk_level == "medium"


def test_a_restricted_cases_referral_is_a_404_to_everyone_off_its_team(
    client, org, cop, case_manager, child
):
    """The probe found the referral of a restricted case open to the DPO, the auditor and the
    field worker (name, source, document number, reason, case number) while its case was a
    404 to them."""
    from zakrila.cases.services import referral_decide, referral_register

    referral = referral_register(
        actor=case_manager, unit=cop, person=child,
        source="child_protection", document_number="ДСП-777",
        document_date=dt.date(2026, 11, 1), reason="насилие в семейството",
        received_on=dt.date(2026, 11, 2),
    )  # fmt: skip
    case = referral_decide(
        actor=case_manager, referral=referral, decision="accepted", reason="",
        redirected_to="", key_worker=case_manager, expected_version=referral.version,
    )  # fmt: skip
    case.is_restricted = True
    case.save()
    url = reverse("cases:referral", args=[referral.pk])
    for role in (Role.DPO, Role.AUDITOR, Role.FIELD_WORKER, Role.CASE_MANAGER, Role.SPECIALIST):
        someone = member(org, role, email=f"{role}@example.bg")
        client.force_login(someone)
        response = client.get(url)
        assert response.status_code == 404, role
        assert "ДСП-777" not in response.content.decode()
    for user in (case_manager, member(org, Role.DIRECTOR, email="dir@example.bg")):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_the_case_list_shows_the_referrals_waiting_for_a_decision_in_the_users_units(
    client, org, cop, case_manager, other_org
):
    """Newest first, each with its link, the person, who referred, the date and the unit; a
    referral to a unit the worker does not reach, or of another organisation, is not there."""
    from tests.factories import UnitFactory
    from zakrila.cases.services import referral_register

    crisis = UnitFactory(organisation=org, name="Кризисен център", code="КЦ")
    other_unit = UnitFactory(organisation=other_org, name="ЦОП Бургас", code="ЦОПБ")
    today = timezone.localdate()

    def referral(unit, first_name, days_ago, actor=case_manager):
        return referral_register(
            actor=actor,
            unit=unit,
            person=PersonFactory(organisation=unit.organisation, unit=unit, first_name=first_name),
            source="school",
            reason="Сигнал",
            received_on=today - dt.timedelta(days=days_ago),
        )

    older = referral(cop, "Стоянка", 3)
    newer = referral(cop, "Виолета", 1)
    elsewhere = referral(crisis, "Калина", 2)
    referral(other_unit, "Бойка", 0, actor=member(other_org, Role.CASE_MANAGER))
    worker = member(org, Role.CASE_MANAGER, units=[cop], email="cop-only@example.bg")
    client.force_login(worker)
    html = client.get(reverse("cases:list")).content.decode()
    block = html.split('data-testid="pending-referrals"')[1].split("</section>")[0]
    assert block.index("Виолета") < block.index("Стоянка")
    assert f'href="{reverse("cases:referral", args=[newer.pk])}"' in block
    assert f'href="{reverse("cases:referral", args=[older.pk])}"' in block
    assert "училище или детска градина" in block
    assert (today - dt.timedelta(days=1)).strftime("%d.%m.%Y") in block
    assert "ЦОП Русе" in block
    assert "Калина" not in block and "Бойка" not in block
    # The director reaches every unit: the crisis centre's referral too.
    client.force_login(member(org, Role.DIRECTOR, email="dir2@example.bg"))
    html = client.get(reverse("cases:list")).content.decode()
    assert f'href="{reverse("cases:referral", args=[elsewhere.pk])}"' in html


def test_a_case_is_opened_from_a_referral_only_when_it_is_accepted(case_manager, cop, child):
    """The case list's waiting referrals rely on it: a waiting (or declined) referral has no
    case, so opening one from it is refused and nothing is written."""
    from django.core.exceptions import ValidationError

    from zakrila.cases.services import referral_register

    referral = referral_register(
        actor=case_manager, unit=cop, person=child, source="school", reason="Сигнал",
        received_on=timezone.localdate(),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        case_open(actor=case_manager, unit=cop, person=child, key_worker=case_manager,
                  referral=referral)  # fmt: skip
    assert refused.value.code == "referral_not_accepted"
    assert "само когато направлението е прието" in " ".join(refused.value.messages)
    assert not Case.objects.exists()


def test_the_waiting_referrals_are_read_without_looking_in_the_table_of_cases(
    client, case_manager, cop, child
):
    """The case list asks for them on every page view: by their decision alone, not by an
    anti-join with every case of the country (most of the list's cost on PostgreSQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zakrila.cases.services import referral_register

    referral_register(
        actor=case_manager, unit=cop, person=child, source="school", reason="Сигнал",
        received_on=timezone.localdate(),
    )  # fmt: skip
    client.force_login(case_manager)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("cases:list")).content.decode()
    assert "Ивана" in html.split('data-testid="pending-referrals"')[1]
    [waiting] = [q["sql"] for q in queries if 'FROM "cases_referral"' in q["sql"]]
    assert '"cases_case"' not in waiting


def test_the_case_list_rows_escape_what_was_typed_and_mark_restricted_cases(
    client, org, cop, case_manager
):
    """The rows are written by a template tag, not the template engine: what a worker typed in
    a name or a filter is still shown as text, never as markup."""
    person = PersonFactory(
        organisation=org, first_name='<script>alert("x")</script>', last_name="Петрова & синове"
    )
    case = case_open(
        actor=case_manager, unit=cop, person=person, key_worker=case_manager,
        without_referral_reason="x", is_restricted=True,
    )  # fmt: skip
    client.force_login(case_manager)
    html = client.get(reverse("cases:list"), {"status": '"><b>x</b>'}).content.decode()
    assert "<script>alert" not in html and '"><b>x</b>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Петрова &amp; синове" in html
    row = html.split(f'<a href="{reverse("cases:case", args=[case.pk])}">')[1].split("</tr>")[0]
    assert case.number in row
    assert '<span class="badge warn">ограничен достъп</span>' in row
    assert timezone.localdate().strftime("%d.%m.%Y") in row


def test_the_referrals_waiting_escape_what_was_typed(client, org, cop, case_manager):
    """The referrals above the list are written by a template tag too: a name is text."""
    from zakrila.cases.services import referral_register

    person = PersonFactory(organisation=org, unit=cop, first_name="<img src=x onerror=alert(1)>")
    referral_register(
        actor=case_manager, unit=cop, person=person, source="school", reason="Сигнал",
        received_on=timezone.localdate(),
    )  # fmt: skip
    client.force_login(case_manager)
    html = client.get(reverse("cases:list")).content.decode()
    block = html.split('data-testid="pending-referrals"')[1].split("</section>")[0]
    assert "<img" not in block
    assert "&lt;img src=x onerror=alert(1)&gt;" in block


def test_a_case_is_carried_only_by_people_who_work_in_the_organisation(
    case_manager, cop, child, outsider, colleague, org
):
    """The key worker and the team of a new case are the organisation's staff (the form offers
    only them; the service refuses anyone else and writes nothing). A key worker who has since
    left may stay on the case while its risk is changed, but is not chosen anew."""
    from django.core.exceptions import ValidationError

    from zakrila.cases.services import case_update

    def open_with(**people):
        return case_open(
            actor=case_manager, unit=cop, person=child, without_referral_reason="консултация",
            **{"key_worker": case_manager, **people},
        )  # fmt: skip

    cases_before, events_before = Case.objects.count(), AuditEvent.objects.count()
    for people, field in (({"key_worker": outsider}, "key_worker"), ({"team": [colleague, outsider]}, "team")):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            open_with(**people)
        assert refused.value.message_dict == {
            field: ["Изберете служител, който работи в организацията сега."]
        }
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases_before, events_before)

    case = open_with(key_worker=colleague)
    colleague.memberships.update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    case.refresh_from_db()
    case = case_update(
        actor=case_manager, case=case, risk_level="high", is_restricted=False,
        key_worker=colleague, household=None, team=None, expected_version=case.version,
    )  # fmt: skip
    assert case.risk_level == "high" and case.key_worker == colleague
    with pytest.raises(ValidationError, match="работи в организацията"):
        case_update(
            actor=case_manager, case=case, risk_level="high", is_restricted=False,
            key_worker=outsider, household=None, team=None, expected_version=case.version,
        )  # fmt: skip
    case.refresh_from_db()
    assert case.key_worker == colleague
