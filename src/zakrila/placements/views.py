"""The occupancy board, admissions and discharges, the care diary, and the monthly figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    cases_visible_to,
    get_visible_or_404,
    has_capability,
    placements_visible_to,
    require,
    residential_units_visible_to,
)
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.placements.excel import figures_workbook
from zakrila.placements.forms import AdmitForm, DiaryForm, DischargeForm
from zakrila.placements.models import Bed, Destination, Placement
from zakrila.placements.queries import (
    alerts_for,
    month_calendar,
    month_from,
    neighbour_months,
    occupancy_for_year,
    year_from,
)
from zakrila.placements.services import diary_write, placement_admit, placement_discharge


@login_required
def board_list(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "placement.view", organisation_id=organisation_id)
    units = residential_units_visible_to(request.user).filter(organisation_id=organisation_id)
    if len(units) == 1:
        return redirect("placements:board", pk=units[0].pk)
    now = timezone.now()
    rows = [(unit, Placement.objects.filter(unit=unit).current(now).count()) for unit in units]
    return render(request, "placements/board_list.html", {"rows": rows, "nav_active": "placements"})


@login_required
def board(request: MemberRequest, pk: int) -> HttpResponse:
    """Who is in which bed now, free beds, planned discharges, alerts and the month calendar."""
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    now = timezone.now()
    today = timezone.localdate()
    current = list(
        Placement.objects.filter(unit=unit).current(now).select_related("person", "bed", "case")
    )
    visible = set(
        placements_visible_to(request.user)
        .filter(pk__in=[p.pk for p in current])
        .values_list("pk", flat=True)
    )
    by_bed = {p.bed_id: p for p in current}
    beds = [(bed, by_bed.get(bed.pk)) for bed in unit.beds.filter(is_active=True).order_by("label")]
    year, month = month_from(request.GET.get("month"), today=today)
    previous_month, next_month = neighbour_months(year, month, today=today)
    calendar = month_calendar(unit, year, month)
    shown = {stay.pk for _bed, cells in calendar["rows"] for stay in cells if stay is not None}
    visible |= set(
        placements_visible_to(request.user).filter(pk__in=shown).values_list("pk", flat=True)
    )
    alerts = [
        alert for alert in alerts_for(current, unit, now=now) if alert.placement.pk in visible
    ]
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW, actor=request.user, obj=unit, object_type="placements.board",
            details={"residents": len(current)},
        )  # fmt: skip
    return render(
        request,
        "placements/board.html",
        {
            "unit": unit,
            "beds": beds,
            "visible": visible,
            "present": len(current),
            "free": sum(1 for bed, placement in beds if placement is None and not bed.is_extra),
            "over_capacity": len(current) > unit.capacity,
            "planned": sorted(
                (
                    p
                    for p in current
                    if p.planned_end
                    and p.planned_end <= today + dt.timedelta(days=7)
                    and p.pk in visible
                ),
                key=lambda p: p.planned_end or today,
            ),
            "alerts": alerts,
            "calendar": calendar,
            "previous_month": previous_month,
            "next_month": next_month,
            "can_admit": has_capability(request.user, "placement.admit", unit.organisation_id),
            "nav_active": "placements",
        },
    )


@login_required
def admit(request: MemberRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    require(request.user, "placement.admit", organisation_id=unit.organisation_id)
    beds = Bed.objects.filter(unit=unit, is_active=True).order_by("label")
    form = AdmitForm(
        request.POST or None,
        beds=beds,
        initial={
            "admitted_at": timezone.localtime().replace(second=0, microsecond=0),
            "bed": request.GET.get("bed"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = (
            cases_visible_to(request.user)
            .filter(organisation_id=unit.organisation_id, number=data["case_number"].strip())
            .first()
        )
        if case is None:
            form.add_error(
                "case_number",
                _(
                    "There is no open case with this number that you may see. Open the child's case first."
                ),
            )
        else:
            try:
                placement_admit(
                    actor=request.user, case=case, bed=data["bed"], legal_basis=data["legal_basis"],
                    admitted_at=data["admitted_at"], planned_end=data["planned_end"], order_number=data["order_number"],
                    order_date=data["order_date"], override_reason=data["override_reason"],
                    late_entry_reason=data["late_entry_reason"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s is admitted.") % {"name": case.person.display_name}
                )
                return redirect("placements:board", pk=unit.pk)
    return render(
        request, "placements/admit.html", {"unit": unit, "form": form, "nav_active": "placements"}
    )


@login_required
def placement_detail(request: MemberRequest, pk: int) -> HttpResponse:
    placement = get_visible_or_404(
        placements_visible_to(request.user).select_related("person", "unit", "bed", "case"), pk=pk
    )
    organisation_id = placement.organisation_id
    can_diary = has_capability(request.user, "placement.diary", organisation_id)
    diary_form = (
        DiaryForm(request.POST or None)
        if can_diary and request.POST.get("form") == "diary"
        else DiaryForm()
    )
    discharge_form = (
        DischargeForm(request.POST)
        if request.POST.get("form") == "discharge"
        else DischargeForm(
            initial={
                "discharged_at": timezone.localtime().replace(second=0, microsecond=0),
                "version": placement.version,
            }
        )
    )
    if request.method == "POST" and request.POST.get("form") == "diary":
        require(request.user, "placement.diary", organisation_id=organisation_id)
        if diary_form.is_valid():
            diary_write(actor=request.user, placement=placement, **diary_form.cleaned_data)
            messages.success(request, _("The diary entry is saved."))
            return redirect(placement)
    if request.method == "POST" and request.POST.get("form") == "discharge":
        require(request.user, "placement.admit", organisation_id=organisation_id)
        if discharge_form.is_valid():
            data = discharge_form.cleaned_data
            try:
                placement_discharge(
                    actor=request.user, placement=placement, discharged_at=data["discharged_at"],
                    destination=data["destination"], expected_version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(discharge_form, error)
            else:
                messages.success(
                    request, _("%(name)s is discharged.") % {"name": placement.person.display_name}
                )
                return redirect("placements:board", pk=placement.unit_id)
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW,
            actor=request.user,
            obj=placement,
            person_id=placement.person_id,
        )
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "diary": placement.diary.select_related("created_by"),
            "diary_form": diary_form if can_diary else None,
            "discharge_form": discharge_form
            if placement.is_current
            and has_capability(request.user, "placement.admit", organisation_id)
            else None,
            "alerts": alerts_for([placement], placement.unit),
            "nav_active": "placements",
        },
    )


def _year(request: MemberRequest) -> int:
    return year_from(request.GET.get("year"), today=timezone.localdate())


@login_required
def figures(request: MemberRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    year = _year(request)
    labels = dict(Destination.choices)
    rows = [
        {
            "label": f"{m.month:02d}.{m.year}",
            "bed_days": m.bed_days,
            "utilisation": round(m.utilisation * 100, 1),
            "admissions": m.admissions,
            "discharges": sum(m.discharges.values()),
            "average_stay": m.average_stay,
            "destinations": [
                (labels.get(key, key), count) for key, count in sorted(m.discharges.items())
            ],
        }
        for m in occupancy_for_year(unit, year)
    ]
    return render(
        request,
        "placements/figures.html",
        {"unit": unit, "year": year, "rows": rows, "nav_active": "placements"},
    )


@login_required
def figures_xlsx(request: MemberRequest, pk: int) -> HttpResponse:
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    year = _year(request)
    with transaction.atomic():
        audit_record(
            action=AuditAction.EXPORT, actor=request.user, obj=unit, object_type="placements.figures",
            details={"year": year, "format": "xlsx"},
        )  # fmt: skip
    response = HttpResponse(
        figures_workbook(unit, year, occupancy_for_year(unit, year)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="placements-{unit.pk}-{year}.xlsx"'
    return response
