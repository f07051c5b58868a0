"""The lists and pages of the line, groups and street work read at a constant number of queries,
however many calls, members, sessions and contacts there are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zakrila.programmes.services.calls import call_log
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
)

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(street_worker, street, cop, n: int):
    """n more of everything: calls, members with a session each, street sessions with contacts
    and drop-ins."""
    today = timezone.localdate()
    group = group_create(actor=street_worker, unit=cop, name="Група")
    for i in range(n):
        call_log(actor=street_worker, unit=cop, started_at=timezone.now(), category="family")
        group_member_add(
            actor=street_worker, group=group, first_name=f"Член {i}",
            joined_on=today - dt.timedelta(days=60),
        )  # fmt: skip
    for days in range(n):
        session = group_session_create(
            actor=street_worker, group=group, held_on=today - dt.timedelta(days=7 * days + 1),
            topic="Тема",
        )  # fmt: skip
        group_attendance_record(
            actor=street_worker, session=session, attended=[group.members.first().pk],
            expected_version=session.version,
        )  # fmt: skip
    street_session = outreach_session_create(
        actor=street_worker, unit=street, place="гара", starts_at=timezone.now()
    )
    for i in range(n):
        child = outreach_contact_record(
            actor=street_worker, session=street_session, description=f"момче {i}",
            nickname=f"Прякор {i}",
        ).person  # fmt: skip
        drop_in_record(
            actor=street_worker, unit=street, person=child, visited_on=today, services=["meal"]
        )
    return group, street_session, child


def test_pages_read_at_a_constant_number_of_queries(client, street_worker, street, cop):
    client.force_login(street_worker)
    group, session, child = _grow(street_worker, street, cop, 2)
    pages = [
        reverse("programmes:line"),
        reverse("programmes:line_figures"),
        reverse("programmes:groups"),
        reverse("programmes:group", args=[group.pk]),
        reverse("programmes:outreach"),
        reverse("programmes:outreach_session", args=[session.pk]),
        reverse("programmes:outreach_contact_new", args=[session.pk]),
        reverse("programmes:outreach_person", args=[child.pk]),
    ]
    attendance = group.sessions.order_by("-held_on").first()
    pages.append(reverse("programmes:group_attendance", args=[attendance.pk]))
    client.get(reverse("core:home"))  # the session and the menu's cache, once
    small = [_queries(client, url) for url in pages]
    _grow(street_worker, street, cop, 8)
    large = [_queries(client, url) for url in pages]
    assert large == small, "\n".join(map(str, zip(pages, small, large, strict=True)))
    assert max(small) < 60
