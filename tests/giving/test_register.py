"""The register of donations: the money or the in-kind donations of a period, the latest first,
a page at a time, with the period's count and sum; the same in Excel for the accounts; nothing
of another organisation; every listing and export in the audit trail; a period typed wrong said
so, with what was typed kept."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import member
from tests.giving.conftest import give, in_month, receive
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.giving.models import Distribution, Donor, InKindDonation, MoneyDonation
from zakrila.giving.queries import REGISTER_PAGE_SIZE
from zakrila.giving.services import donor_create, money_donation_record

DAY = dt.date(2026, 3, 10)
PERIOD = {"since": "01.03.2026", "until": "31.03.2026"}


def _donor(actor, organisation, name):
    return donor_create(actor=actor, organisation_id=organisation.pk, kind="person", name=name)


def _money(actor, donor, day, amount, purpose=""):
    return money_donation_record(
        actor=actor, donor=donor, received_on=day, amount=Decimal(amount), method="bank",
        purpose=purpose,
    )  # fmt: skip


def _rows(html: str) -> list[list[str]]:
    if 'data-testid="register"' not in html:
        return []
    body = html.split('data-testid="register"')[1].split("</tbody>")[0]
    return [
        [cell.split("</td>")[0].split(">")[-1] if "<a " not in cell else cell.split("</a>")[0].rsplit(">", 1)[1]
         for cell in row.split("<td")[1:]]
        for row in body.split("<tr>")[2:]
    ]  # fmt: skip


def test_the_money_of_a_period_latest_first_with_its_count_and_sum(
    client, coordinator, org, other_org
):
    maria = _donor(coordinator, org, "Мария Петрова")
    firm = _donor(coordinator, org, "Фирма ООД")
    _money(coordinator, maria, DAY, "50.00", purpose="за Розовата къща")
    _money(coordinator, firm, DAY + dt.timedelta(days=5), "1200.50")
    _money(coordinator, maria, dt.date(2026, 4, 1), "70.00")  # after the period
    _money(coordinator, maria, dt.date(2026, 2, 28), "30.00")  # before it
    gone = _donor(coordinator, org, "Стар Дарител")
    _money(coordinator, gone, DAY - dt.timedelta(days=1), "5.00")
    Donor.objects.filter(pk=gone.pk).update(name="", anonymised_at=timezone.now())
    elsewhere = member(other_org, Role.GIVING_COORDINATOR, email="giving@other.example.bg")
    _money(elsewhere, _donor(elsewhere, other_org, "Чужд Дарител"), DAY, "999.00")
    client.force_login(coordinator)

    html = client.get(reverse("giving:donations"), {"kind": "money", **PERIOD}).content.decode()

    assert _rows(html) == [
        [MoneyDonation.objects.get(amount=Decimal("1200.50")).number, "15.03.2026",
         "Фирма ООД", "1200,50", "банков превод", ""],
        [MoneyDonation.objects.get(amount=Decimal("50.00")).number, "10.03.2026",
         "Мария Петрова", "50,00", "банков превод", "за Розовата къща"],
        [MoneyDonation.objects.get(amount=Decimal("5.00")).number, "09.03.2026",
         "анонимизиран дарител", "5,00", "банков превод", ""],
    ]  # fmt: skip
    total = html.split('data-testid="register-total">')[1].split("<a ")[0]
    assert "01.03.2026 – 31.03.2026: 3 записа, общо 1255,50 евро" in total
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert (event.object_type, event.organisation_id) == ("giving.moneydonation", org.pk)
    assert event.details == {
        "list": True, "since": "2026-03-01", "until": "2026-03-31", "shown": 3,
    }  # fmt: skip


def test_the_in_kind_donations_at_the_estimated_value_of_what_came_in(
    client, coordinator, org, store, flour, nappies
):
    donor = _donor(coordinator, org, "Мария Петрова")
    given = receive(coordinator, store, (flour, "10", "1.20", in_month(60)), (nappies, "3", "15", None),
                    donor=donor)  # fmt: skip
    anonymous = receive(coordinator, store, (flour, "5", "1", in_month(60)))
    InKindDonation.objects.filter(pk=given.pk).update(received_on=DAY)
    InKindDonation.objects.filter(pk=anonymous.pk).update(received_on=DAY + dt.timedelta(days=1))
    client.force_login(coordinator)

    html = client.get(reverse("giving:donations"), {"kind": "in_kind", **PERIOD}).content.decode()

    assert _rows(html) == [
        [anonymous.number, "11.03.2026", "анонимен дарител", "5,00", store.name, ""],
        [given.number, "10.03.2026", "Мария Петрова", "57,00", store.name, ""],
    ]
    assert "2 записа, общо 62,00 евро" in html


def test_what_was_handed_over_to_families_and_to_cases_at_its_estimated_value(
    client, coordinator, org, store, flour, family, worker, cop
):
    from tests.factories import PersonFactory
    from zakrila.cases.services import case_open

    case = case_open(
        actor=worker, unit=cop, person=PersonFactory(organisation=org, unit=cop),
        key_worker=worker, without_referral_reason="помощ",
    )  # fmt: skip
    receive(coordinator, store, (flour, "10", "1.50", in_month(60)))
    to_family = give(coordinator, store, family, (flour, "2"))
    to_case = give(coordinator, store, None, (flour, "3"), case=case)
    Distribution.objects.filter(pk=to_family.pk).update(distributed_on=DAY)
    Distribution.objects.filter(pk=to_case.pk).update(distributed_on=DAY + dt.timedelta(days=2))
    client.force_login(coordinator)

    html = client.get(
        reverse("giving:donations"), {"kind": "handed_over", **PERIOD}
    ).content.decode()

    assert _rows(html) == [
        [to_case.number, "12.03.2026", f"случай {case.number}", "4,50", store.name, ""],
        [to_family.number, "10.03.2026", "Семейство Христови", "3,00", store.name, ""],
    ]
    assert "2 записа, общо 7,50 евро" in html
    assert "Семейство или случай" in html
    event = AuditEvent.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert event.object_type == "giving.distribution"


def test_this_years_money_until_today_unless_asked_and_every_donation_a_page_at_a_time(
    client, coordinator, org
):
    today = timezone.localdate()
    donor = _donor(coordinator, org, "Мария Петрова")
    MoneyDonation.objects.bulk_create(
        MoneyDonation(organisation=org, donor=donor, number=f"Д-{n:04}", received_on=today,
                      amount=Decimal(n), method="cash")
        for n in range(1, REGISTER_PAGE_SIZE + 3)
    )  # fmt: skip
    _money(coordinator, donor, today.replace(year=today.year - 1), "7.00")
    client.force_login(coordinator)

    first = client.get(reverse("giving:donations")).content.decode()
    numbers = [row[0] for row in _rows(first)]
    assert numbers == [f"Д-{n:04}" for n in range(REGISTER_PAGE_SIZE + 2, 2, -1)]
    assert f'value="{today.replace(month=1, day=1).isoformat()}"' in first
    link = first.split('data-testid="register-next"')[0].rsplit('href="', 1)[1].split('"')[0]
    rest = client.get(reverse("giving:donations") + link.replace("&amp;", "&")).content.decode()
    assert [row[0] for row in _rows(rest)] == ["Д-0002", "Д-0001"]


def test_a_period_typed_wrong_is_said_so_and_kept(client, coordinator, org):
    client.force_login(coordinator)
    url = reverse("giving:donations")

    backwards = client.get(url, {"kind": "money", "since": "31.03.2026", "until": "01.03.2026"})
    html = backwards.content.decode()
    assert backwards.status_code == 200
    assert "Крайната дата е преди началната." in html
    assert 'value="2026-03-31"' in html and 'value="2026-03-01"' in html

    impossible = client.get(url, {"since": "31.02.2026", "kind": "gold"}).content.decode()
    assert "Въведете датата във вида дд.мм.гггг" in impossible
    assert "Направете валиден избор. gold не е един от възможните избори." in impossible


def test_the_register_in_excel_every_donation_of_the_period_and_the_export_audited(
    client, coordinator, org
):
    donor = _donor(coordinator, org, "Мария Петрова")
    for n in range(REGISTER_PAGE_SIZE + 2):
        _money(coordinator, donor, DAY, f"{n + 1}.00")
    _money(coordinator, donor, dt.date(2026, 4, 1), "70.00")
    client.force_login(coordinator)
    page = client.get(reverse("giving:donations"), {"kind": "money", **PERIOD}).content.decode()
    link = page.split('data-testid="register-xlsx"')[0].rsplit('href="', 1)[1].split('"')[0]

    response = client.get(link.replace("&amp;", "&"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    donations = rows[2:-1]
    assert len(donations) == REGISTER_PAGE_SIZE + 2
    assert (donations[0][1].date(), *donations[0][2:4]) == (DAY, "Мария Петрова", 102)
    assert rows[-1][:4] == ("Общо", REGISTER_PAGE_SIZE + 2, None, sum(range(1, 103)))
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("id")
    assert (event.object_type, event.organisation_id) == ("giving.moneydonation", org.pk)
    assert event.details == {
        "since": "2026-03-01", "until": "2026-03-31", "format": "xlsx", "rows": 102,
    }  # fmt: skip


def test_the_register_is_not_for_who_does_not_work_with_giving(client, org):
    client.force_login(member(org, Role.CARER, email="sw@example.bg"))
    assert client.get(reverse("giving:donations")).status_code == 403
    assert client.get(reverse("giving:donations_xlsx")).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_desk_leads_from_each_latest_ten_to_the_register_of_its_kind(client, coordinator):
    client.force_login(coordinator)
    desk = client.get(reverse("giving:index")).content.decode()
    for kind in ("money", "in_kind", "handed_over"):
        link = desk.split(f'data-testid="register-{kind}"')[0].rsplit('href="', 1)[1]
        assert link.split('"')[0] == f"{reverse('giving:donations')}?kind={kind}"
        page = client.get(link.split('"')[0]).content.decode()
        assert f'<option value="{kind}" selected>' in page


def test_the_workbook_values_things_by_their_lines_read_through_the_periods_query(
    client, coordinator, org, store, flour, nappies
):
    """A year's export sums the lines of the period's donations in one query, not an IN list of
    every donation's id (tens of thousands of parameters)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    given = receive(
        coordinator, store, (flour, "10", "1.20", in_month(60)), (nappies, "3", "15", None)
    )
    other = receive(coordinator, store, (flour, "5", "1", in_month(60)))
    InKindDonation.objects.filter(pk=given.pk).update(received_on=DAY)
    InKindDonation.objects.filter(pk=other.pk).update(received_on=DAY + dt.timedelta(days=1))
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("giving:donations_xlsx"), {"kind": "in_kind", **PERIOD})

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(row[0], row[3]) for row in rows[2:-1]] == [(other.number, 5), (given.number, 57)]
    assert rows[-1][:4] == ("Общо", 2, None, 62)
    by_donation = [q["sql"] for q in queries if "GROUP BY" in q["sql"] and "stocklot" in q["sql"]]
    assert by_donation and all("IN (SELECT" in sql for sql in by_donation)


def test_a_period_too_long_for_one_workbook_is_refused_with_the_period_kept(
    client, coordinator, org, monkeypatch
):
    """More records than one workbook takes: the register says so instead of offering the
    workbook, and the workbook's address itself refuses, in Bulgarian, on the register of the
    same period, no export recorded; at the limit the workbook comes."""
    from zakrila.giving.views import register

    donor = _donor(coordinator, org, "Мария Петрова")
    for n in range(3):
        _money(coordinator, donor, DAY, f"{n + 1}.00")
    monkeypatch.setattr(register, "REGISTER_EXPORT_LIMIT", 2)
    client.force_login(coordinator)
    shown = client.get(reverse("giving:donations"), {"kind": "money", **PERIOD}).content.decode()
    assert 'data-testid="register-xlsx"' not in shown
    assert "Твърде много за един файл (до 2 записа): за Excel изберете по-кратък период." in shown

    response = client.get(reverse("giving:donations_xlsx"), {"kind": "money", **PERIOD})

    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('giving:donations')}?kind=money&since=2026-03-01&until=2026-03-31"
    )
    page = client.get(response["Location"]).content.decode()
    assert "Този период съдържа 3 записа, повече отколкото побира един файл (2)." in page
    assert 'value="2026-03-01"' in page and 'value="2026-03-31"' in page
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    monkeypatch.setattr(register, "REGISTER_EXPORT_LIMIT", 3)
    shown = client.get(reverse("giving:donations"), {"kind": "money", **PERIOD}).content.decode()
    assert 'data-testid="register-xlsx"' in shown and 'data-testid="register-too-long"' not in shown
    response = client.get(reverse("giving:donations_xlsx"), {"kind": "money", **PERIOD})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1
