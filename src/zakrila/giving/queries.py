"""Reads of donations and volunteers. Every read starts from what the user may see
(``zakrila.accounts.policy.giving_visible_to``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import get_visible_or_404, giving_visible_to
from zakrila.core.links import url_for
from zakrila.core.paging import Page, keyset_page
from zakrila.giving.models import (
    CERTIFICATE_VALID_MONTHS,
    CERTIFICATE_WARN_DAYS,
    Assignment,
    AssignmentStatus,
    CertificateWarning,
    Distribution,
    DistributionLine,
    DonationKind,
    Donor,
    DonorKind,
    InKindDonation,
    Item,
    MoneyDonation,
    PaymentMethod,
    StockLot,
    StockMovement,
    Store,
    Volunteer,
    VolunteerNeed,
)

M = TypeVar("M", bound=models.Model)

EXPIRY_WARN_DAYS = 30

# The donors and the volunteers are listed a page at a time, by name: an organisation gathers
# thousands of donors over the years.
LIST_PAGE_SIZE = 50

# The coordinator's home card names at most this many volunteers in each warning.
HOME_LIST_SIZE = 10


def record_for(user: Any, model: type[M], pk: Any) -> M:
    """One giving record the user may see, or a 404 that says nothing."""
    return get_visible_or_404(giving_visible_to(user, model), pk=pk)


def visible(user: Any, model: type[M], organisation_id: int) -> models.QuerySet[M]:
    return giving_visible_to(user, model).filter(organisation_id=organisation_id)


@dataclass
class StockRow:
    """One item in a store: how much, its value, and its lots, expiring first."""

    item: Item
    quantity: Decimal = Decimal(0)
    value: Decimal = Decimal(0)
    lots: list[StockLot] = field(default_factory=list)
    expired: Decimal = Decimal(0)

    @property
    def first_expiry(self) -> dt.date | None:
        return next((lot.expires_on for lot in self.lots if lot.expires_on), None)


def stock_of(store: Store, *, today: dt.date | None = None) -> list[StockRow]:
    """What is in the store now, item by item; items with the nearest expiry first (those
    without an expiry date last), and within an item its lots expiring first."""
    today = today or timezone.localdate()
    lots = (
        StockLot.objects.filter(store=store, quantity__gt=0)
        .select_related("item", "donation")
        .order_by(models.F("expires_on").asc(nulls_last=True), "id")
    )
    rows: dict[int, StockRow] = {}
    for lot in lots:
        row = rows.setdefault(lot.item_id, StockRow(item=lot.item))
        lot.is_expired = lot.expires_on is not None and lot.expires_on < today  # type: ignore[attr-defined]
        lot.expires_soon = (  # type: ignore[attr-defined]
            lot.expires_on is not None
            and not lot.is_expired  # type: ignore[attr-defined]
            and lot.expires_on <= today + dt.timedelta(days=EXPIRY_WARN_DAYS)
        )
        row.lots.append(lot)
        if lot.is_expired:  # type: ignore[attr-defined]
            row.expired += lot.quantity
        else:
            row.quantity += lot.quantity
        row.value += lot.quantity * lot.unit_value
    return list(rows.values())


def expiring_lots(
    user: Any, organisation_id: int, *, today: dt.date, days: int = EXPIRY_WARN_DAYS
) -> list[StockLot]:
    """Lots with something left that expire within ``days`` (or already have): give them
    first, or write them off."""
    return list(
        visible(user, StockLot, organisation_id)
        .filter(quantity__gt=0, expires_on__lte=today + dt.timedelta(days=days))
        .select_related("item", "store")
        .order_by("expires_on", "id")[:50]
    )


LEDGER_PAGE_SIZE = 100


def ledger_of(
    store: Store, *, after: str | None = None, size: int = LEDGER_PAGE_SIZE
) -> Page[StockMovement]:
    """The store's movements, the latest first, a page at a time: receipts, distributions,
    adjustments. Every one stays reachable: the accounts may ask about any."""
    return keyset_page(
        StockMovement.objects.filter(lot__store=store).select_related(
            "lot__item", "lot__donation", "distribution", "created_by"
        ),
        order=("-occurred_on", "-id"),
        after=after,
        size=size,
    )


def stores_summary(user: Any, organisation_id: int) -> list[dict[str, Any]]:
    stores = visible(user, Store, organisation_id).select_related("unit")
    totals = {
        row["store_id"]: row
        for row in StockLot.objects.filter(store__in=stores, quantity__gt=0)
        .values("store_id")
        .annotate(
            items=models.Count("item_id", distinct=True),
            value=models.Sum(models.F("quantity") * models.F("unit_value")),
        )
    }
    return [
        {
            "store": store,
            "items": totals.get(store.pk, {}).get("items", 0),
            "value": totals.get(store.pk, {}).get("value") or Decimal(0),
        }
        for store in stores
    ]


def items_in_stock(store_ids: list[int]) -> models.QuerySet[Item]:
    """Items that some of these stores have (for the distribution form)."""
    return Item.objects.filter(
        pk__in=StockLot.objects.filter(store_id__in=store_ids, quantity__gt=0).values("item_id")
    ).order_by("name")


def distribution_lines(distribution: Distribution) -> list[Any]:
    return list(distribution.lines.select_related("item").order_by("id"))


def certificate_warnings(
    user: Any, organisation_id: int, *, today: dt.date
) -> tuple[list[Volunteer], list[Volunteer]]:
    """Volunteers whose certificate runs out within the warning period, and volunteers with
    work with children ahead whose certificate will not be valid through it (or is missing).

    Read from the few who can be concerned, not from every volunteer of the organisation: a
    certificate can run out within the period only if it is dated within a few weeks of six
    months ago (a bound the database applies, a few days wider than the months' unequal
    lengths can shift it), and a volunteer is at risk only with work with children ahead. The
    model's own rule then decides on each of them, as it does when work is assigned."""
    active = visible(user, Volunteer, organisation_id).filter(
        anonymised_at__isnull=True, left_on__isnull=True
    )
    valid_for = relativedelta(months=CERTIFICATE_VALID_MONTHS)
    slack = dt.timedelta(days=3)  # 31.08 + 6 months is 28.02: at most 3 days clipped
    dated_from = today - valid_for - slack
    dated_to = today + dt.timedelta(days=CERTIFICATE_WARN_DAYS) - valid_for + slack
    expiring = [
        volunteer
        for volunteer in active.filter(record_certificate_on__range=(dated_from, dated_to))
        if volunteer.certificate_expiring(today)
    ]
    horizon = today + dt.timedelta(days=CERTIFICATE_WARN_DAYS)
    ahead = Assignment.objects.filter(
        organisation_id=organisation_id, need__with_children=True,
        status=AssignmentStatus.SCHEDULED, starts_at__gte=timezone.now(),
    ).values("volunteer_id")  # fmt: skip
    at_risk = [
        volunteer
        for volunteer in active.filter(pk__in=ahead)
        if not volunteer.certificate_valid_on(horizon)
    ]
    return expiring, at_risk


def needs_open(user: Any, organisation_id: int, *, now: dt.datetime) -> list[VolunteerNeed]:
    """Needs still ahead, with how many people they have."""
    return list(
        visible(user, VolunteerNeed, organisation_id)
        .filter(ends_at__gte=now)
        .select_related("unit")
        .annotate(
            booked=models.Count(
                "assignments", filter=~models.Q(assignments__status=AssignmentStatus.CANCELLED)
            )
        )
        .order_by("starts_at")[:50]
    )


def volunteer_hours(volunteer: Volunteer) -> dict[str, Any]:
    """A volunteer's assignments and hours: scheduled and done."""
    assignments = list(volunteer.assignments.select_related("need__unit").order_by("-starts_at"))
    done = sum(
        (a.hours_done or Decimal(0) for a in assignments if a.status == AssignmentStatus.DONE),
        Decimal(0),
    )
    scheduled = sum(
        (
            Decimal(str(a.hours_scheduled))
            for a in assignments
            if a.status == AssignmentStatus.SCHEDULED
        ),
        Decimal(0),
    )
    return {"assignments": assignments, "done": done, "scheduled": scheduled}


def coordinator_day(user: Any, organisation_id: int, *, today: dt.date) -> dict[str, Any]:
    """What the giving coordinator starts the day with."""
    expiring, at_risk = certificate_warnings(user, organisation_id, today=today)
    now = timezone.now()
    needs = [n for n in needs_open(user, organisation_id, now=now) if n.booked < n.people_needed]  # type: ignore[attr-defined]
    month_start = today.replace(day=1)
    hours = Assignment.objects.filter(
        organisation_id=organisation_id, status=AssignmentStatus.DONE, starts_at__date__gte=month_start
    ).aggregate(total=models.Sum("hours_done"))["total"] or Decimal(0)  # fmt: skip
    # The first ten of each, the soonest first: an organisation with a thousand volunteers
    # sees a hundred and fifty certificates run out in a month; the count says how many.
    expiring.sort(key=lambda volunteer: (volunteer.certificate_valid_until, volunteer.full_name))
    return {
        "expiring_lots": expiring_lots(user, organisation_id, today=today)[:10],
        "certificates_expiring": expiring[:HOME_LIST_SIZE],
        "certificates_expiring_more": max(0, len(expiring) - HOME_LIST_SIZE),
        "certificates_missing": at_risk[:HOME_LIST_SIZE],
        "certificates_missing_more": max(0, len(at_risk) - HOME_LIST_SIZE),
        "needs_short": needs[:10],
        "hours_this_month": hours,
        "distributions_this_month": Distribution.objects.filter(
            organisation_id=organisation_id, distributed_on__gte=month_start
        ).count(),
    }


@dataclass(frozen=True)
class DonorRow:
    """A donor as the list shows them, with what they gave (plain values)."""

    pk: int
    url: str
    name: str
    kind: str
    money: Decimal
    in_kind: int
    wishes_to_be_named: bool


def donor_page(
    *, user: Any, organisation_id: int, text: str = "", after: str | None = None,
    size: int = LIST_PAGE_SIZE,
) -> Page[DonorRow]:  # fmt: skip
    """A page of the organisation's donors by name (those whose name holds ``text``), each
    with the money and the in-kind donations they gave: summed for the page's donors only,
    not joined and grouped over every donation of every donor before the page is cut."""
    donors = visible(user, Donor, organisation_id)
    if text:
        donors = donors.filter(name__icontains=text)
    found = keyset_page(
        donors.values("pk", "name", "kind", "wishes_to_be_named"),
        order=("name", "id"),
        after=after,
        size=size,
    )
    ids = [row["pk"] for row in found.rows]
    money = dict(
        MoneyDonation.objects.filter(donor_id__in=ids)
        .order_by()
        .values_list("donor_id")
        .annotate(total=models.Sum("amount"))
    )
    in_kind = dict(
        InKindDonation.objects.filter(donor_id__in=ids)
        .order_by()
        .values_list("donor_id")
        .annotate(count=models.Count("pk"))
    )
    kinds = dict(DonorKind.choices)
    donor_url = url_for("giving:donor")
    rows = [
        DonorRow(
            pk=row["pk"],
            url=donor_url(row["pk"]),
            name=row["name"] or _("anonymised donor"),
            kind=str(kinds.get(row["kind"], row["kind"])),
            money=money.get(row["pk"], Decimal(0)),
            in_kind=in_kind.get(row["pk"], 0),
            wishes_to_be_named=row["wishes_to_be_named"],
        )
        for row in found.rows
    ]
    return Page(rows, found.next_token, found.started_after)


def volunteer_page(
    *, user: Any, organisation_id: int, text: str = "", after: str | None = None,
    size: int = LIST_PAGE_SIZE, today: dt.date | None = None, certificate: str = "",
) -> Page[Volunteer]:  # fmt: skip
    """A page of the organisation's volunteers by name (not the anonymised), each marked with
    the state of their criminal-record certificate today. ``certificate``: only those the
    home page warns of (a ``CertificateWarning``), all on one page, the soonest to run out
    first: runs out within the warning period, or work with children ahead and no
    certificate valid through it."""
    today = today or timezone.localdate()
    found: Page[Any]  # its rows are marked below
    if certificate:
        found = Page(
            rows=_warned_of(user, organisation_id, certificate, text, today), next_token=None
        )
    else:
        volunteers = visible(user, Volunteer, organisation_id).filter(anonymised_at__isnull=True)
        if text:
            volunteers = volunteers.filter(full_name__icontains=text)
        found = keyset_page(volunteers, order=("full_name", "id"), after=after, size=size)
    for volunteer in found.rows:
        volunteer.certificate_ok = volunteer.certificate_valid_on(today)
        volunteer.certificate_soon = volunteer.certificate_expiring(today)
    return found


def _warned_of(
    user: Any, organisation_id: int, certificate: str, text: str, today: dt.date
) -> list[Volunteer]:
    expiring, at_risk = certificate_warnings(user, organisation_id, today=today)
    warned = expiring if certificate == CertificateWarning.EXPIRING else at_risk
    wanted = text.casefold()
    return sorted(
        (volunteer for volunteer in warned if wanted in volunteer.full_name.casefold()),
        key=lambda v: (v.certificate_valid_until or dt.date.min, v.full_name, v.pk),
    )


REGISTER_PAGE_SIZE = 100
# The most records one workbook of the register takes: 8 to 16 seconds of work on a small
# server (bench/giving.py: a year of about 12,000 money donations in 1.8 to 3.9 s by the
# machine), well within the server's timeout of 60. A longer period is asked for in parts.
REGISTER_EXPORT_LIMIT = 50_000


class RegisterTooLong(Exception):
    """The period holds more records than one workbook takes."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(count, limit)
        self.count = count
        self.limit = limit


@dataclass(frozen=True)
class DonationRow:
    """A line of the register (plain values): a donation of money, of things at their estimated
    value, or things handed over to a family or a case."""

    url: str
    number: str
    on: dt.date
    who: str  # the donor, or the family or case that received the things
    value: Decimal
    how: str  # how the money was paid, or the store the things went into or out of
    purpose: str


@dataclass(frozen=True)
class Register:
    """A page of the register, the count and the sum of the whole period, and the headings of
    its columns (after the number and the date)."""

    page: Page[DonationRow]
    count: int
    total: Decimal
    columns: tuple[str, str, str, str]


@dataclass(frozen=True)
class _Kind:
    """What the register reads of one kind of record."""

    model: type[models.Model]
    day: str
    route: str
    fields: tuple[str, ...]
    columns: Callable[[], tuple[str, str, str, str]]
    summary: Callable[[models.QuerySet[Any]], tuple[int, Decimal | None]]
    # Each record's value: a field of its row, or summed from its lines for the records given
    # (the page's ids, or the period's query for the export: a year's ids in one IN would be
    # tens of thousands of parameters).
    value: str | None
    values: Callable[[Any], dict[int, Decimal]] | None
    who: Callable[[dict[str, Any]], str]
    how: Callable[[dict[str, Any]], str]
    purpose: str


def _donor_name(row: dict[str, Any]) -> str:
    """No donor: given anonymously; a donor without a name: anonymised once kept long enough."""
    if row["donor__name"] is None:
        return _("anonymous donor")
    return row["donor__name"] or _("anonymised donor")


_LOT_VALUE = models.Sum(models.F("received_quantity") * models.F("unit_value"))


def _money_summary(records: models.QuerySet[Any]) -> tuple[int, Decimal | None]:
    found = records.aggregate(count=models.Count("pk"), total=models.Sum("amount"))
    return found["count"], found["total"]


REGISTER_KINDS: dict[str, _Kind] = {
    DonationKind.MONEY: _Kind(
        model=MoneyDonation, day="received_on", route="giving:money",
        fields=("donor__name", "amount", "method", "purpose"),
        columns=lambda: (_("Donor"), _("Amount, EUR"), _("Paid by"), _("Purpose")),
        summary=_money_summary,
        value="amount",
        values=None,
        who=_donor_name,
        how=lambda row: str(PaymentMethod(row["method"]).label),
        purpose="purpose",
    ),
    DonationKind.IN_KIND: _Kind(
        model=InKindDonation, day="received_on", route="giving:donation",
        fields=("donor__name", "store__name", "note"),
        columns=lambda: (_("Donor"), _("Estimated value, EUR"), _("Store"), _("Note")),
        summary=lambda records: (
            records.count(),
            StockLot.objects.filter(donation__in=records).aggregate(total=_LOT_VALUE)["total"],
        ),
        value=None,
        values=lambda records: dict(
            StockLot.objects.filter(donation_id__in=records).order_by()
            .values_list("donation_id").annotate(total=_LOT_VALUE)
        ),
        who=_donor_name,
        how=lambda row: row["store__name"],
        purpose="note",
    ),
    DonationKind.HANDED_OVER: _Kind(
        model=Distribution, day="distributed_on", route="giving:distribution",
        fields=("household__name", "case__number", "store__name", "note"),
        columns=lambda: (_("Family or case"), _("Estimated value, EUR"), _("Store"), _("Note")),
        summary=lambda records: (
            records.count(),
            DistributionLine.objects.filter(distribution__in=records).aggregate(
                total=models.Sum("value")
            )["total"],
        ),
        value=None,
        values=lambda records: dict(
            DistributionLine.objects.filter(distribution_id__in=records).order_by()
            .values_list("distribution_id").annotate(total=models.Sum("value"))
        ),
        who=lambda row: row["household__name"]
        or _("case %(number)s") % {"number": row["case__number"]},
        how=lambda row: row["store__name"],
        purpose="note",
    ),
}  # fmt: skip


def _row(
    read: _Kind, row: dict[str, Any], url: Callable[[int], str], values: dict[int, Decimal]
) -> DonationRow:
    return DonationRow(
        url=url(row["pk"]),
        number=row["number"],
        on=row[read.day],
        who=read.who(row),
        value=values.get(row["pk"]) or Decimal(0),
        how=read.how(row),
        purpose=row[read.purpose],
    )


def donation_register(
    *, user: Any, organisation_id: int, kind: str, since: dt.date, until: dt.date,
    after: str | None = None, size: int | None = REGISTER_PAGE_SIZE,
    at_most: int | None = None,
) -> Register:  # fmt: skip
    """The organisation's money or in-kind donations received, or the things it handed over,
    from ``since`` to ``until``, the latest first, a page at a time (``size`` None: all of
    them, for the export), with the count and the sum of the period. Things at their estimated
    value, summed for the page's records only. ``RegisterTooLong`` when the period holds more
    than ``at_most`` records (counted before any is read)."""
    read = REGISTER_KINDS[kind]
    records = visible(user, read.model, organisation_id).filter(
        **{f"{read.day}__range": (since, until)}
    )
    count, total = read.summary(records)
    if at_most is not None and count > at_most:
        raise RegisterTooLong(count, at_most)
    rows = records.values("pk", "number", read.day, *read.fields)
    order = (f"-{read.day}", "-id")
    if size is None:
        found: Page[Any] = Page(list(rows.order_by(*order)), None)
    else:
        found = keyset_page(rows, order=order, after=after, size=size)
    if read.value:
        values = {row["pk"]: row[read.value] for row in found.rows}
    else:
        assert read.values is not None  # noqa: S101  (a kind has one or the other)
        which = records.values("pk") if size is None else [row["pk"] for row in found.rows]
        values = read.values(which)
    url = url_for(read.route)
    page = Page([_row(read, row, url, values) for row in found.rows], found.next_token,
                found.started_after)  # fmt: skip
    return Register(page, count, total or Decimal(0), read.columns())
