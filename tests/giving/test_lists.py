"""The lists of donors and of volunteers: a page at a time by name, found by part of the name,
with what each gave or the state of their certificate, at the same few queries however many
there are, each listing in the audit trail, and nobody of another organisation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import member
from tests.giving.conftest import in_month, make_volunteer, receive
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.giving.models import Donor, Volunteer
from zakrila.giving.queries import LIST_PAGE_SIZE
from zakrila.giving.services import (
    assignment_make,
    donor_create,
    money_donation_record,
    need_create,
)


def _donor(actor, organisation, name, kind="person"):
    return donor_create(actor=actor, organisation_id=organisation.pk, kind=kind, name=name)


def _rows(html: str, testid: str) -> list[str]:
    if f'data-testid="{testid}"' not in html:
        return []
    body = html.split(f'data-testid="{testid}"')[1].split("</tbody>")[0]
    return [row.split("</a>")[0].rsplit(">", 1)[1] for row in body.split("<tr>")[2:]]


def _next(html: str, testid: str) -> str | None:
    marker = f'data-testid="{testid}"'
    if marker not in html:
        return None
    link = html.split(marker)[0].rsplit("<a ", 1)[1]
    return link.split('href="')[1].split('"')[0].replace("&amp;", "&")


def test_the_donors_are_listed_a_page_at_a_time_by_name_with_what_each_gave(
    client, coordinator, org, store, flour
):
    count = LIST_PAGE_SIZE + 3
    donors = [_donor(coordinator, org, f"Дарител {n:03}") for n in range(count, 0, -1)]
    second = next(d for d in donors if d.name == "Дарител 002")
    for amount in ("10.50", "4.50"):
        money_donation_record(
            actor=coordinator, donor=second, received_on=timezone.localdate(),
            amount=Decimal(amount), method="bank",
        )  # fmt: skip
    receive(coordinator, store, (flour, "5", "1", in_month(30)), donor=second)
    client.force_login(coordinator)

    first = client.get(reverse("giving:donors")).content.decode()
    names = _rows(first, "donors")
    assert names == [f"Дарител {n:03}" for n in range(1, LIST_PAGE_SIZE + 1)]
    row = first.split(f'href="{second.get_absolute_url()}"')[1].split("</tr>")[0]
    assert "15,00" in row and '<td class="num">1</td>' in row
    assert "Физическо лице" in row

    following = _next(first, "donors-next")
    assert following is not None
    rest = client.get(reverse("giving:donors") + following).content.decode()
    assert _rows(rest, "donors") == [
        f"Дарител {n:03}" for n in range(LIST_PAGE_SIZE + 1, count + 1)
    ]
    assert _next(rest, "donors-next") is None


def test_a_donor_is_found_by_part_of_the_name_and_each_listing_is_audited(
    client, coordinator, org, other_org
):
    _donor(coordinator, org, "Петрови ООД", kind="company")
    _donor(coordinator, org, "Мария Петрова")
    _donor(coordinator, org, "Иван Иванов")
    elsewhere = member(other_org, Role.GIVING_COORDINATOR, email="giving@other.example.bg")
    _donor(elsewhere, other_org, "Петър Петров")
    client.force_login(coordinator)

    html = client.get(reverse("giving:donors"), {"q": "  Петров "}).content.decode()
    assert _rows(html, "donors") == ["Мария Петрова", "Петрови ООД"]
    assert 'value="  Петров "' in html  # what was typed stays in the box
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert (event.object_type, event.organisation_id, event.actor_id) == (
        "giving.donor", org.pk, coordinator.pk
    )  # fmt: skip
    assert event.details == {"list": True, "text": "Петров", "shown": 2}

    html = client.get(reverse("giving:donors"), {"q": "Георгиев"}).content.decode()
    assert _rows(html, "donors") == []
    assert "Няма дарител с такова име." in html


def test_the_list_of_donors_costs_the_same_queries_however_many_donors_and_donations(
    client, coordinator, org, store, flour
):
    def queries() -> int:
        client.get(reverse("giving:donors"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("giving:donors")).status_code == 200
        return len(captured.captured_queries)

    client.force_login(coordinator)
    _donor(coordinator, org, "Първи дарител")
    before = queries()
    for n in range(8):
        donor = _donor(coordinator, org, f"Дарител {n}")
        money_donation_record(
            actor=coordinator, donor=donor, received_on=timezone.localdate(),
            amount=Decimal("5"), method="cash",
        )  # fmt: skip
        receive(coordinator, store, (flour, "1", "1", in_month(30)), donor=donor)
    assert queries() == before


def test_the_volunteers_are_listed_a_page_at_a_time_found_by_name_with_their_certificate(
    client, coordinator, org, other_org
):
    today = timezone.localdate()
    for n in range(LIST_PAGE_SIZE + 2, 0, -1):
        make_volunteer(coordinator, org, name=f"Доброволец {n:03}")
    make_volunteer(
        coordinator, org, name="Гергана Добромирова", certificate_on=today - dt.timedelta(days=30)
    )
    make_volunteer(
        coordinator, org, name="Гергина Старова", certificate_on=today - dt.timedelta(days=400)
    )
    elsewhere = member(other_org, Role.GIVING_COORDINATOR, email="giving@other.example.bg")
    make_volunteer(elsewhere, other_org, name="Гергана Другата")
    client.force_login(coordinator)

    first = client.get(reverse("giving:volunteers")).content.decode()
    names = _rows(first, "volunteers")
    assert names[:2] == ["Гергана Добромирова", "Гергина Старова"]
    assert len(names) == LIST_PAGE_SIZE
    rest = client.get(reverse("giving:volunteers") + _next(first, "volunteers-next")).content
    assert _rows(rest.decode(), "volunteers") == [
        f"Доброволец {n:03}" for n in range(LIST_PAGE_SIZE - 1, LIST_PAGE_SIZE + 3)
    ]

    found = client.get(reverse("giving:volunteers"), {"q": "Герг"}).content.decode()
    assert _rows(found, "volunteers") == ["Гергана Добромирова", "Гергина Старова"]
    valid, expired = found.split('data-testid="volunteers"')[1].split("<tr>")[2:4]
    assert "валидно до" in valid
    assert "изтекъл срок" in expired
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert (event.object_type, event.organisation_id) == ("giving.volunteer", org.pk)
    assert event.details == {"list": True, "text": "Герг", "shown": 2}


def test_the_volunteers_the_home_page_warns_of_are_listed_in_full_by_their_certificate(
    client, coordinator, org, other_org, cop
):
    today = timezone.localdate()

    def running_out_in(days: int) -> dt.date:
        return today - relativedelta(months=6) + dt.timedelta(days=days)

    make_volunteer(coordinator, org, name="Ася Късна", certificate_on=running_out_in(20))
    make_volunteer(coordinator, org, name="Бистра Скорова", certificate_on=running_out_in(5))
    make_volunteer(coordinator, org, name="Валя Валидна", certificate_on=today)
    make_volunteer(coordinator, org, name="Галя Изтекла", certificate_on=today.replace(year=2020))
    busy = make_volunteer(coordinator, org, name="Дора Заета", certificate_on=running_out_in(10))
    elsewhere = member(other_org, Role.GIVING_COORDINATOR, email="giving@other.example.bg")
    make_volunteer(elsewhere, other_org, name="Бистра Другата", certificate_on=running_out_in(5))
    client.force_login(coordinator)
    url = reverse("giving:volunteers")

    def listed(**query: str) -> list[str]:
        return _rows(client.get(url, query).content.decode(), "volunteers")

    assert "Няма доброволец със свидетелство в това състояние." in client.get(
        url, {"certificate": "missing"}
    ).content.decode("utf-8")
    starts = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=3), dt.time(10)))
    with_children = need_create(
        actor=coordinator, unit=cop, title="Занимания", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3), people_needed=2, with_children=True,
    )  # fmt: skip
    assignment_make(actor=coordinator, need=with_children, volunteer=busy)

    # All of them, on one page, the soonest to run out first; nobody of another organisation.
    assert listed(certificate="expiring") == ["Бистра Скорова", "Дора Заета", "Ася Късна"]
    assert listed(certificate="missing") == ["Дора Заета"]
    assert listed(certificate="expiring", q="ася") == ["Ася Късна"]
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert event.details == {"list": True, "text": "ася", "certificate": "expiring", "shown": 1}

    # A state the list does not know is said so; the name typed still applies.
    wrong = client.get(url, {"certificate": "soon", "q": "Дора"}).content.decode()
    assert "Направете валиден избор. soon не е един от възможните избори." in wrong
    assert _rows(wrong, "volunteers") == ["Дора Заета"]


def test_a_name_is_found_whatever_the_case_of_its_letters_and_a_percent_sign_is_itself(
    client, coordinator, org
):
    """On the embedded SQLite too, whose own LIKE folds only the Latin letters."""
    _donor(coordinator, org, "Мария Петрова")
    _donor(coordinator, org, "Stefan Petrov")
    _donor(coordinator, org, "Кооперация 100% българско")
    client.force_login(coordinator)

    def found(text: str) -> list[str]:
        return _rows(client.get(reverse("giving:donors"), {"q": text}).content.decode(), "donors")

    assert found("петрова") == ["Мария Петрова"]
    assert found("МАРИЯ ПЕТРОВА") == ["Мария Петрова"]
    assert found("petrov") == ["Stefan Petrov"]
    assert found("0%") == ["Кооперация 100% българско"]
    assert found("_") == []


def test_a_search_too_long_is_said_so_keeps_what_was_typed_and_lists_everyone(
    client, coordinator, org
):
    _donor(coordinator, org, "Мария Петрова")
    _donor(coordinator, org, "Стефан Петров")
    client.force_login(coordinator)
    typed = "Петрова " * 13  # 103 characters once trimmed, the box takes 100

    html = client.get(reverse("giving:donors"), {"q": typed}).content.decode()

    assert "Уверете се, че тази стойност има най-много 100 знака (тя има 103)." in html
    assert f'value="{typed}"' in html
    assert _rows(html, "donors") == ["Мария Петрова", "Стефан Петров"]
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert event.details == {"list": True, "text": "", "shown": 2}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_the_search_by_part_of_a_name_has_a_trigram_index_on_the_very_expression_it_runs(
    coordinator, org
):
    """Without it the search reads every donor of the organisation (11 ms at 20,000, against
    0.1-0.5 ms with it: bench/giving.py's database, EXPLAIN ANALYZE)."""
    searches = {
        "giving_donor": Donor.objects.filter(name__icontains="Петров"),
        "giving_volunteer": Volunteer.objects.filter(full_name__icontains="Петров"),
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE %s",
            ["%gin_trgm_ops%"],
        )
        indexed = dict(cursor.fetchall())
    for table, search in searches.items():
        column = "name" if table == "giving_donor" else "full_name"
        assert f'UPPER("{table}"."{column}"::text) LIKE UPPER(' in str(search.query)
        assert f"gin (upper(({column})::text) gin_trgm_ops)" in indexed[table]
