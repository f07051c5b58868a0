"""Street and field work: an anonymous child met in three sessions, recognised and linked,
identified with their history kept, a case opened by the street team; a contact sent twice
from the outbox is recorded once; monthly counts of children reached, new and returning."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.audit.models import AuditEvent
from zakrila.cases.models import Case
from zakrila.people.models import Person
from zakrila.programmes.models import OutreachContact, OutreachSession
from zakrila.programmes.outreach_queries import street_months
from zakrila.programmes.services.outreach import (
    drop_in_record,
    outreach_contact_record,
    outreach_session_create,
    street_case_open,
)

pytestmark = pytest.mark.django_db


def _session(actor, unit, when, place="гара Русе", **kw):
    return outreach_session_create(actor=actor, unit=unit, place=place, starts_at=when, **kw)


def test_an_anonymous_street_child_met_three_times_is_identified_and_the_team_opens_a_case(
    client, street_worker, street
):
    client.force_login(street_worker)
    now = timezone.now()
    sessions = [_session(street_worker, street, now - dt.timedelta(days=d)) for d in (20, 10, 1)]
    # First meeting: anonymous, a description, a nickname, an age guessed.
    response = client.post(
        reverse("programmes:outreach_contact_new", args=[sessions[0].pk]),
        {"description": "момче, ~12 г., гара Русе", "nickname": "Малкия", "sex": "male",
         "age": "12", "note": "Просеше пред гарата.", "submission_key": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 302
    child = Person.objects.get(description="момче, ~12 г., гара Русе")
    assert child.identification_status == "anonymous" and child.unit == street
    assert child.birth_date_precision == "estimated"
    # Met again twice: recognised from the list by nickname and linked to the same record.
    form = client.get(reverse("programmes:outreach_contact_new", args=[sessions[1].pk]))
    assert "„Малкия“" in form.content.decode()
    for session in sessions[1:]:
        client.post(
            reverse("programmes:outreach_contact_new", args=[session.pk]),
            {"person": child.pk, "sex": "unknown", "submission_key": str(uuid.uuid4())},
        )
    assert OutreachContact.objects.filter(person=child).count() == 3
    assert Person.objects.filter(description__startswith="момче").count() == 1
    # Still anonymous: the street team cannot open a case yet.
    refused = client.post(
        reverse("programmes:outreach_case_new", args=[child.pk]),
        {"unit": street.pk, "reason": "нужда от подкрепа"},
    )
    assert refused.status_code == 200 and not Case.objects.exists()
    # He says who he is: the same record is identified.
    response = client.post(
        reverse("programmes:outreach_identify", args=[child.pk]),
        {"first_name": "Иван", "last_name": "Петров", "version": child.version},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.identification_status == "identified" and child.full_name == "Иван Петров"
    assert child.description == "момче, ~12 г., гара Русе"  # how he was known stays
    # The street worker (a field worker, not a case manager) opens the case.
    response = client.post(
        reverse("programmes:outreach_case_new", args=[child.pk]),
        {"unit": street.pk, "reason": "Среща на улицата три пъти; нужда от подкрепа."},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case.get_absolute_url()
    assert case.person == child and case.key_worker == street_worker and case.unit == street
    # History kept: every meeting since the first anonymous one is on the child's page, and
    # the trail says what the record was before.
    page = client.get(reverse("programmes:outreach_person", args=[child.pk])).content.decode()
    history = page.split('data-testid="outreach-history"')[1].split("</ul>")[0]
    assert history.count("гара Русе") == 3
    assert case.number in page
    update = AuditEvent.objects.filter(
        object_type="people.person", object_id=str(child.pk), action="update"
    ).get()
    assert update.changes["identification_status"] == {"old": "anonymous", "new": "identified"}


def test_a_carer_and_another_organisation_cannot_open_a_case_from_street_work(
    client, street_worker, carer, street, outsider
):
    session = _session(street_worker, street, timezone.now())
    contact = outreach_contact_record(
        actor=street_worker, session=session, first_name="Ани", description="момиче, ~14 г."
    )
    url = reverse("programmes:outreach_case_new", args=[contact.person_id])
    client.force_login(carer)
    assert client.post(url, {"unit": street.pk, "reason": "х"}).status_code == 404
    client.force_login(outsider)
    assert client.post(url, {"unit": street.pk, "reason": "х"}).status_code == 404
    assert not Case.objects.exists()


def test_a_contact_sent_twice_from_the_outbox_is_recorded_once(client, street_worker, street):
    session = _session(street_worker, street, timezone.now())
    client.force_login(street_worker)
    page = client.get(reverse("programmes:outreach_contact_new", args=[session.pk]))
    assert page["X-Zakrila-Offline"] == "page" and "data-outbox" in page.content.decode()
    key = str(uuid.uuid4())
    data = {"description": "момче, ~9 г., пазара", "sex": "male"}
    url = reverse("programmes:outreach_contact_new", args=[session.pk])
    first = client.post(url, data, HTTP_X_ZAKRILA_OUTBOX="1", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(url, data, HTTP_X_ZAKRILA_OUTBOX="1", HTTP_IDEMPOTENCY_KEY=key)
    assert json.loads(first.content)["status"] == "done"
    assert json.loads(again.content)["repeated"] is True
    assert OutreachContact.objects.filter(session=session).count() == 1
    assert Person.objects.filter(description="момче, ~9 г., пазара").count() == 1


def test_children_reached_per_month_are_new_or_returning(street_worker, street, org):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    zone = timezone.get_current_timezone()
    early = dt.datetime.combine(last_month + dt.timedelta(days=3), dt.time(15), tzinfo=zone)
    # This month at 15:00, or now when that is still to come (on the 1st, before 15:00).
    now = min(dt.datetime.combine(this_month, dt.time(15), tzinfo=zone), timezone.localtime())
    before = _session(street_worker, street, early)
    known = outreach_contact_record(actor=street_worker, session=before, description="А").person
    outreach_contact_record(actor=street_worker, session=before, description="Б")
    session = _session(street_worker, street, now)
    outreach_contact_record(actor=street_worker, session=session, person=known)
    new = outreach_contact_record(actor=street_worker, session=session, description="В").person
    drop_in_record(
        actor=street_worker, unit=street, person=new, visited_on=this_month, services=["meal"]
    )
    months = street_months(
        user=street_worker, organisation_id=org.pk, months=[this_month, last_month]
    )
    assert (months[0].reached, months[0].new, months[0].returning) == (2, 1, 1)
    assert (months[1].reached, months[1].new, months[1].returning) == (2, 2, 0)
    assert months[0].drop_ins == 1


def test_a_field_session_counts_registered_women_and_the_others(client, street_worker, street):
    client.force_login(street_worker)
    response = client.post(
        reverse("programmes:outreach_session_new"),
        {"kind": "field", "unit": street.pk, "place": "кв. Средна кула",
         "starts_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"), "duration_minutes": "90",
         "topic": "Семейно планиране", "headcount": "9", "submission_key": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 302
    session = OutreachSession.objects.get()
    for name in ("Фатме", "Сибел", "Ренета"):
        client.post(
            reverse("programmes:outreach_contact_new", args=[session.pk]),
            {"first_name": name, "description": "кв. Средна кула", "sex": "female",
             "submission_key": str(uuid.uuid4())},
        )  # fmt: skip
    page = client.get(session.get_absolute_url()).content.decode()
    assert "3 души" in page and "9" in page
    assert session.contacts.count() == 3 and session.headcount == 9


def test_a_childs_data_export_holds_every_meeting_and_visit(street_worker, street):
    from zakrila.people.exports import person_data

    session = _session(street_worker, street, timezone.now(), place="пазара")
    child = outreach_contact_record(
        actor=street_worker, session=session, description="момиче, ~13 г.", note="Говорихме."
    ).person
    drop_in_record(
        actor=street_worker, unit=street, person=child, visited_on=timezone.localdate(),
        services=["meal", "consultation"],
    )  # fmt: skip
    data = person_data(child, viewer=street_worker)
    outreach = data["outreach"][0]
    assert outreach["contacts"][0]["place"] == "пазара"
    assert outreach["drop_in_visits"][0]["services"] == ["meal", "consultation"]


def test_a_field_session_lists_the_women_the_pregnancy_programme_follows(
    client, street_worker, street, cop, org
):
    from tests.factories import PersonFactory, ProgrammeFactory
    from zakrila.organisations.models import ProgrammeKind
    from zakrila.programmes.services.enrolments import enrolment_start

    programme = ProgrammeFactory(
        organisation=org, unit=cop, kind=ProgrammeKind.FAMILY_PLANNING, name="Семейно планиране"
    )
    woman = PersonFactory(organisation=org, unit=cop, first_name="Сибел", sex="female")
    enrolment_start(actor=street_worker, programme=programme, person=woman, worker=street_worker)
    session = _session(
        street_worker, street, timezone.now(), kind="field", topic="Семейно планиране"
    )
    client.force_login(street_worker)
    form = client.get(reverse("programmes:outreach_contact_new", args=[session.pk]))
    assert f'<option value="{woman.pk}">Сибел</option>' in form.content.decode()
    client.post(
        reverse("programmes:outreach_contact_new", args=[session.pk]),
        {"person": woman.pk, "sex": "unknown", "submission_key": str(uuid.uuid4())},
    )
    assert session.contacts.get().person == woman


def test_a_child_met_again_is_kept_the_retention_period_runs_from_the_last_meeting(
    street_worker, street
):
    from zakrila.privacy.retention import retention_candidates

    first = _session(street_worker, street, timezone.now() - dt.timedelta(days=4 * 365))
    child = outreach_contact_record(
        actor=street_worker, session=first, description="момче, ~10 г."
    ).person
    long_ago = timezone.now() - dt.timedelta(days=4 * 365)
    Person.objects.filter(pk=child.pk).update(updated_at=long_ago)
    assert child.pk in {c.person_id for c in retention_candidates()}
    outreach_contact_record(
        actor=street_worker, session=_session(street_worker, street, timezone.now()), person=child
    )
    assert child.pk not in {c.person_id for c in retention_candidates()}
    child.refresh_from_db()
    assert child.version == 1  # nobody's open form of the child became stale


def test_the_contact_form_kept_on_the_phone_holds_no_family_name(client, street_worker, street):
    session = _session(street_worker, street, timezone.now())
    child = outreach_contact_record(
        actor=street_worker, session=session, description="момче, ~12 г.", nickname="Малкия"
    ).person
    child.first_name, child.last_name = "Иван", "Петров"
    child.save()
    client.force_login(street_worker)
    page = client.get(reverse("programmes:outreach_contact_new", args=[session.pk]))
    text = page.content.decode()
    assert "Иван „Малкия“ (момче, ~12 г.)" in text and "Петров" not in text


def test_the_street_team_opens_no_second_case_for_a_child_in_the_same_unit(street_worker, street):
    child = PersonFactory(
        organisation=street.organisation, unit=street, identification_status="identified"
    )
    street_case_open(actor=street_worker, person=child, unit=street, reason="Живее на гарата.")
    with pytest.raises(ValidationError, match="вече има отворен случай"):
        street_case_open(actor=street_worker, person=child, unit=street, reason="Отново.")
    assert Case.objects.filter(person=child).count() == 1


def test_the_sessions_are_listed_newest_first_a_page_at_a_time_older_ones_too(
    client, street_worker, street
):
    """A street team holds several sessions a week: none is out of reach of the list."""
    from zakrila.programmes.views.outreach import SESSIONS_PAGE_SIZE

    now = timezone.now()
    count = SESSIONS_PAGE_SIZE + 2
    made = [
        _session(street_worker, street, now - dt.timedelta(hours=8 * n), place=f"място {n:03}")
        for n in range(1, count + 1)
    ]
    client.force_login(street_worker)

    def places(html: str) -> list[str]:
        body = html.split('data-testid="outreach-sessions"')[1].split("</tbody>")[0]
        return [row.split("</td><td>")[1] for row in body.split("<tr>")[2:]]

    first = client.get(reverse("programmes:outreach")).content.decode()
    assert places(first) == [s.place for s in made[:SESSIONS_PAGE_SIZE]]
    older = first.split('data-testid="outreach-sessions-next"')[0].rsplit('href="', 1)[1]
    rest = client.get(reverse("programmes:outreach") + older.split('"')[0]).content.decode()
    assert places(rest) == [s.place for s in made[SESSIONS_PAGE_SIZE:]]
    assert 'data-testid="outreach-sessions-next"' not in rest
