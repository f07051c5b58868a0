"""The register of donations: money or in-kind received, or things handed over, in a period, a
page at a time with the period's count and sum, and the same as an Excel workbook for the
accounts."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, audit_search
from zakrila.core.downloads import spreadsheet_download
from zakrila.core.http import MemberRequest
from zakrila.giving.excel import register_workbook
from zakrila.giving.forms import DonationRegisterForm
from zakrila.giving.queries import (
    REGISTER_EXPORT_LIMIT,
    REGISTER_KINDS,
    RegisterTooLong,
    donation_register,
)
from zakrila.giving.views._common import NAV, organisation_of


@login_required
def donations(request: MemberRequest) -> HttpResponse:
    organisation_id = organisation_of(request)
    form = DonationRegisterForm(request.GET or None)
    kind, since, until = form.period()
    if not form.is_bound:
        form = DonationRegisterForm(initial={"kind": kind, "since": since, "until": until})
    register = donation_register(
        user=request.user, organisation_id=organisation_id, kind=kind, since=since, until=until,
        after=request.GET.get("after"),
    )  # fmt: skip
    audit_search(
        actor=request.user,
        organisation_id=organisation_id,
        object_type=REGISTER_KINDS[kind].model._meta.label_lower,
        details={
            "list": True, "since": since.isoformat(), "until": until.isoformat(),
            "shown": len(register.page.rows),
        },
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "giving/donations.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "register": register,
            "rows": register.page.rows,
            "next_token": register.page.next_token,
            "first_page": register.page.started_after is None,
            "query": query.urlencode(),
            "export_query": _period_query(kind, since, until),
            "export_limit": REGISTER_EXPORT_LIMIT,
            "export_limit_shown": number_format(REGISTER_EXPORT_LIMIT, force_grouping=True),
            "nav_active": NAV,
        },
    )


@login_required
def donations_xlsx(request: MemberRequest) -> HttpResponse:
    organisation_id = organisation_of(request)
    kind, since, until = DonationRegisterForm(request.GET or None).period()
    try:
        register = donation_register(
            user=request.user, organisation_id=organisation_id, kind=kind, since=since,
            until=until, size=None, at_most=REGISTER_EXPORT_LIMIT,
        )  # fmt: skip
    except RegisterTooLong as too_long:
        # Nothing was exported, so nothing to record; the register opens on the same period.
        messages.error(
            request,
            _(
                "This period holds %(count)s records, more than one workbook takes "
                "(%(limit)s). Choose a shorter period and download it in parts."
            )
            % {
                "count": number_format(too_long.count, force_grouping=True),
                "limit": number_format(too_long.limit, force_grouping=True),
            },
        )
        return redirect(f"{reverse('giving:donations')}?{_period_query(kind, since, until)}")
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=request.user, organisation_id=organisation_id,
            object_type=REGISTER_KINDS[kind].model._meta.label_lower,
            details={
                "since": since.isoformat(), "until": until.isoformat(), "format": "xlsx",
                "rows": register.count,
            },
        )  # fmt: skip
    content = register_workbook(
        request.membership.organisation.display_name, kind, since, until, register
    )
    return spreadsheet_download(
        content, f"donations-{kind}-{since.isoformat()}-{until.isoformat()}.xlsx"
    )


def _period_query(kind: str, since: dt.date, until: dt.date) -> str:
    """The register's kind and period as a query string (for its workbook, and back to it)."""
    return urlencode({"kind": kind, "since": since.isoformat(), "until": until.isoformat()})
