"""Groups: attendance from a tablet, one tap per person; a stale list is refused (offline too);
the members who stopped coming are shown to the facilitator."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.programmes.models import Attendance, AttendanceStatus
from zakrila.programmes.outreach_queries import members_who_stopped_coming
from zakrila.programmes.services.groups import (
    group_attendance_record,
    group_create,
    group_member_add,
    group_session_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(specialist, cop, org):
    group = group_create(
        actor=specialist, unit=cop, name="Необикновени родители – необикновени деца"
    )
    joined = timezone.localdate() - dt.timedelta(days=90)
    for n in range(12):
        group_member_add(
            actor=specialist, group=group, first_name=f"Родител {n:02d}", joined_on=joined
        )
    for _n in range(3):
        group_member_add(
            actor=specialist, group=group, person=PersonFactory(organisation=org, unit=cop),
            joined_on=joined,
        )  # fmt: skip
    return group


def test_attendance_of_fifteen_is_one_tap_each_with_the_child_cancelled_and_a_guest(
    client, specialist, group
):
    session = group_session_create(
        actor=specialist, group=group, held_on=timezone.localdate(), topic="Гневът"
    )
    members = list(group.members.order_by("id"))
    assert session.attendance.count() == 15  # everyone on the list is registered
    client.force_login(specialist)
    page = client.get(reverse("programmes:group_attendance", args=[session.pk]))
    assert page.status_code == 200 and page["X-Zakrila-Offline"] == "page"
    assert page.content.decode().count('data-testid="attendance-row"') == 15
    came = [m.pk for m in members[:13]]
    response = client.post(
        reverse("programmes:group_attendance", args=[session.pk]),
        {
            "version": session.version,
            "attended": came,
            "with_child": [members[0].pk],
            "cancelled": [members[13].pk],
            "guests": "Гергана\n",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302 and response.url == group.get_absolute_url()
    statuses = dict(
        Attendance.objects.filter(session=session, member__isnull=False).values_list(
            "member_id", "status"
        )
    )
    assert [statuses[m.pk] for m in members[:13]] == [AttendanceStatus.ATTENDED] * 13
    assert statuses[members[13].pk] == AttendanceStatus.CANCELLED
    assert statuses[members[14].pk] == AttendanceStatus.NO_SHOW
    assert Attendance.objects.get(session=session, member=members[0]).with_child
    assert Attendance.objects.get(session=session, guest_name="Гергана").status == "attended"


def test_a_stale_attendance_list_is_a_conflict_for_the_outbox_and_overwrites_nothing(
    client, specialist, group
):
    session = group_session_create(
        actor=specialist, group=group, held_on=timezone.localdate(), topic="Сънят"
    )
    first = group.members.order_by("id").first()
    opened_at = session.version
    # A colleague saves the list meanwhile.
    group_attendance_record(
        actor=specialist, session=session, attended=[first.pk], expected_version=opened_at
    )
    client.force_login(specialist)
    response = client.post(
        reverse("programmes:group_attendance", args=[session.pk]),
        {"version": opened_at, "attended": [], "submission_key": str(uuid.uuid4())},
        HTTP_X_ZAKRILA_OUTBOX="1",
    )
    answer = json.loads(response.content)
    assert response.status_code == 409 and answer["status"] == "conflict"
    assert "line@example.bg" in answer["message"]  # who saved it meanwhile
    assert "присъствието" in answer["message"]  # and what
    assert Attendance.objects.get(session=session, member=first).status == "attended"


def test_the_same_attendance_sent_twice_from_the_outbox_is_recorded_once(client, specialist, group):
    session = group_session_create(
        actor=specialist, group=group, held_on=timezone.localdate(), topic="Игрите"
    )
    client.force_login(specialist)
    key = str(uuid.uuid4())
    data = {"version": session.version, "attended": [group.members.first().pk]}
    url = reverse("programmes:group_attendance", args=[session.pk])
    first = json.loads(
        client.post(url, data, HTTP_X_ZAKRILA_OUTBOX="1", HTTP_IDEMPOTENCY_KEY=key).content
    )
    again = json.loads(
        client.post(url, data, HTTP_X_ZAKRILA_OUTBOX="1", HTTP_IDEMPOTENCY_KEY=key).content
    )
    assert first["status"] == "done" and not first["repeated"]
    assert again["status"] == "done" and again["repeated"]  # not a conflict with itself
    session.refresh_from_db()
    assert session.version == 2


def test_the_members_who_stopped_coming_are_shown_to_the_facilitator(client, specialist, group):
    members = list(group.members.order_by("id"))
    today = timezone.localdate()
    for weeks_ago in (4, 3, 2, 1):
        session = group_session_create(
            actor=specialist, group=group, held_on=today - dt.timedelta(weeks=weeks_ago),
            topic=f"Среща {weeks_ago}",
        )  # fmt: skip
        # The first member stopped coming three sessions ago; the second cancelled once.
        came = [m.pk for m in members[1:]] if weeks_ago < 4 else [m.pk for m in members]
        cancelled = [members[1].pk] if weeks_ago == 2 else []
        came = [pk for pk in came if pk not in cancelled]
        group_attendance_record(
            actor=specialist, session=session, attended=came, cancelled=cancelled,
            expected_version=session.version,
        )  # fmt: skip
    assert members_who_stopped_coming(group) == [members[0]]
    client.force_login(specialist)
    page = client.get(reverse("programmes:group", args=[group.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    stopped = text.split('data-testid="stopped-coming"')[1].split("</section>")[0]
    assert members[0].display_name in stopped and members[1].display_name not in stopped


def test_attendance_is_refused_to_a_role_that_does_not_run_groups(
    client, carer, outsider, specialist, group
):
    session = group_session_create(
        actor=specialist, group=group, held_on=timezone.localdate(), topic="Х"
    )
    url = reverse("programmes:group_attendance", args=[session.pk])
    client.force_login(carer)
    assert client.get(url).status_code == 404  # carers do not see groups
    client.force_login(outsider)
    assert client.post(url, {"version": session.version}).status_code == 404
    assert not Attendance.objects.filter(session=session).exclude(status="registered").exists()


def test_first_names_of_members_who_stopped_coming_and_of_guests_go_after_the_period(
    specialist, group, org, cop
):
    """The first name a group knows a parent by is kept while they come: after the period of
    anonymous contacts without coming, it goes and they leave the group; a guest's name goes
    the same period after the session. The attendance stays for the figures."""
    from zakrila.audit.models import AuditEvent
    from zakrila.privacy.retention import retention_run

    today = timezone.localdate()
    long_ago = today - dt.timedelta(days=4 * 365)
    members = list(group.members.filter(person__isnull=True).order_by("id"))
    gone, still_coming, new = members[0], members[1], members[2]
    type(gone).objects.filter(pk__in=[gone.pk, still_coming.pk]).update(joined_on=long_ago)
    old_session = group_session_create(actor=specialist, group=group, held_on=long_ago, topic="Сън")
    group_attendance_record(
        actor=specialist, session=old_session, attended=[gone.pk], guests=["Гергана"],
        expected_version=old_session.version,
    )  # fmt: skip
    recent = group_session_create(actor=specialist, group=group, held_on=today, topic="Игра")
    group_attendance_record(
        actor=specialist, session=recent, attended=[still_coming.pk], guests=["Надя"],
        expected_version=recent.version,
    )  # fmt: skip

    result = retention_run()

    for member in (gone, still_coming, new):
        member.refresh_from_db()
    assert (gone.first_name, gone.left_on) == ("—", long_ago)  # the last day they came
    assert still_coming.first_name == "Родител 01" and still_coming.left_on is None
    assert new.first_name == "Родител 02"  # joined three months ago: not yet due
    guests = dict(
        Attendance.objects.filter(member__isnull=True).values_list("session_id", "guest_name")
    )
    assert guests == {old_session.pk: "—", recent.pk: "Надя"}
    assert Attendance.objects.get(session=old_session, member=gone).status == "attended"
    assert result.records["group"] == 2
    assert AuditEvent.objects.filter(
        object_type="programmes.groupmember", object_id=str(gone.pk), action="delete"
    ).exists()
    # The next session no longer lists the member who left.
    later = group_session_create(actor=specialist, group=group, held_on=today, topic="Още")
    assert not later.attendance.filter(member=gone).exists()
    assert retention_run().records["group"] == 0  # nothing is anonymised twice


def test_the_groups_sessions_are_read_latest_first_a_page_at_a_time_every_one_reachable(
    client, specialist, group
):
    """A weekly group holds fifty sessions a year: the page shows the latest, and the earlier
    ones are a link away."""
    from zakrila.programmes.views.groups import SESSIONS_PAGE_SIZE

    today = timezone.localdate()
    count = SESSIONS_PAGE_SIZE + 2
    for week in range(count):
        group_session_create(
            actor=specialist, group=group, held_on=today - dt.timedelta(weeks=week),
            topic=f"Среща {count - week:03}",
        )  # fmt: skip
    client.force_login(specialist)

    def topics(html: str) -> list[str]:
        body = html.split('data-testid="group-sessions"')[1].split("</tbody>")[0]
        return [row.split("</td><td>")[1].split("</td>")[0] for row in body.split("<tr>")[2:]]

    url = reverse("programmes:group", args=[group.pk])
    first = client.get(url).content.decode()
    assert topics(first) == [f"Среща {n:03}" for n in range(count, 2, -1)]
    earlier = first.split('data-testid="group-sessions-next"')[0].rsplit('href="', 1)[1]
    rest = client.get(url + earlier.split('"')[0]).content.decode()
    assert topics(rest) == ["Среща 002", "Среща 001"]
    assert 'data-testid="group-sessions-next"' not in rest
