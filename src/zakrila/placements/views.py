"""The occupancy board, admissions and discharges, the care diary, and the monthly figures."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zakrila.accounts.policy import (
    cases_visible_to,
    get_visible_or_404,
    has_capability,
    placements_visible_to,
    require,
    residential_units_visible_to,
)
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, audit_view
from zakrila.core.downloads import spreadsheet_download
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.models import Submission
from zakrila.core.submissions import AlreadySubmitted, already_sent, key_of, submit_once
from zakrila.organisations.models import Unit
from zakrila.people.models import Person, Sex
from zakrila.placements import counts
from zakrila.placements.excel import figures_workbook
from zakrila.placements.forms import AdmitForm, DiaryForm, DischargeForm, NewChildAdmitForm
from zakrila.placements.models import Bed, Destination, Placement
from zakrila.placements.queries import (
    CaseChoice,
    LikelyChild,
    alerts_for,
    cases_for_admission,
    likely_children,
    month_calendar,
    month_from,
    neighbour_months,
    occupancy_for_year,
    search_text,
    searchable,
    with_current_placements,
    year_from,
)
from zakrila.placements.services import (
    diary_write,
    estimated_birth_date,
    placement_admit,
    placement_admit_new_child,
    placement_discharge,
)


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
    # The children only: the beds are read below, and the board shows nothing of the cases.
    current = list(Placement.objects.filter(unit=unit).current(now).select_related("person"))
    by_bed = {p.bed_id: p for p in current}
    active_beds = list(unit.beds.filter(is_active=True).order_by("label"))
    beds = [(bed, by_bed.get(bed.pk)) for bed in active_beds]
    year, month = month_from(request.GET.get("month"), today=today)
    previous_month, next_month = neighbour_months(year, month, today=today)
    calendar = month_calendar(unit, year, month, beds=active_beds)
    # Whose names the reader may see: tonight's children and the month's, asked at once.
    shown = {p.pk for p in current}
    shown.update(stay.pk for _bed, cells in calendar["rows"] for stay in cells if stay is not None)
    visible = set(
        placements_visible_to(request.user).filter(pk__in=shown).values_list("pk", flat=True)
    )
    alerts = [
        alert for alert in alerts_for(current, unit, now=now) if alert.placement.pk in visible
    ]
    free = sum(1 for bed, placement in beds if placement is None and not bed.is_extra)
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
            "free": free,
            "summary": f"{counts.occupancy(len(current), unit.capacity)} · {counts.free_beds(free)}",
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


def _positive_int(text: str | None) -> int | None:
    """An id from a link, or None for anything that is not one (so a mangled link is no 500)."""
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None


def _now_to_the_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _by_sex(person: Person, *, male: str, female: str, child: str) -> str:
    """A sentence that agrees with the child's sex in Bulgarian; "the child" when not known."""
    if person.sex == Sex.MALE:
        return male
    if person.sex == Sex.FEMALE:
        return female
    return child


def _admitted_message(person: Person) -> str:
    values = {"name": person.display_name}
    return _by_sex(
        person,
        male=pgettext("male", "%(name)s is admitted.") % values,
        female=pgettext("female", "%(name)s is admitted.") % values,
        child=pgettext("child", "%(name)s is admitted.") % values,
    )


def _case_choices(request: MemberRequest, unit: Unit, text: str) -> list[CaseChoice]:
    """The search box's results; the search (names of children) is in the audit trail."""
    results = cases_for_admission(
        user=request.user, organisation_id=unit.organisation_id, text=text
    )
    audit_record(
        action=AuditAction.SEARCH, actor=request.user, organisation_id=unit.organisation_id,
        object_type="cases.case", details={"text": text, "found": len(results), "for": "admission"},
    )  # fmt: skip
    return results


def _only_one(choices: list[CaseChoice]) -> int | None:
    """The one case that can be chosen among the results, ticked for the carer already."""
    open_ones = [c.case.pk for c in choices if c.case.is_open and c.placed_in is None]
    return open_ones[0] if len(open_ones) == 1 else None


@login_required
def admit(request: MemberRequest, pk: int) -> HttpResponse:
    """An admission at any hour. The child's case is found with the search box (number or
    name, either script, results as you type; without JavaScript, a search button), or comes
    from the case page's "Admit"; a child nobody registered yet goes to ``admit_new_child``."""
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    require(request.user, "placement.admit", organisation_id=unit.organisation_id)
    text = search_text(request.GET.get("q", ""))
    searched = searchable(text)
    if request.method == "GET" and getattr(request, "htmx", False):
        results = _case_choices(request, unit, text) if searched else []
        return render(
            request,
            "placements/_case_choices.html",
            {"choices": results, "searched": searched, "text": text, "chosen": _only_one(results)},
        )
    cases = cases_visible_to(request.user).filter(organisation_id=unit.organisation_id)
    beds = Bed.objects.filter(unit=unit, is_active=True).order_by("label")
    form = AdmitForm(
        request.POST or None,
        beds=beds,
        cases=cases,
        initial={
            "admitted_at": _now_to_the_minute(),
            "bed": _positive_int(request.GET.get("bed")),
            "case": _positive_int(request.GET.get("case")),
        },
    )
    if request.method == "POST" and form.is_valid():
        case = form.cleaned_data["case"]
        try:
            submit_once(
                request,
                lambda: placement_admit(actor=request.user, case=case, **form.admission_data()),
                then=reverse("placements:board", args=[unit.pk]),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _admitted_message(case.person))
            return redirect("placements:board", pk=unit.pk)
    chosen = _positive_int(str(form["case"].value() or ""))
    if searched:
        choices = _case_choices(request, unit, text)
        chosen = chosen or _only_one(choices)
    else:
        found = cases.filter(pk=chosen).select_related("person", "unit") if chosen else []
        choices = with_current_placements(list(found))
    return render(
        request,
        "placements/admit.html",
        {
            "unit": unit, "form": form, "choices": choices, "chosen": chosen, "text": text,
            "searched": searched, "bed": _positive_int(request.GET.get("bed")), "nav_active": "placements",
            "can_override": has_capability(request.user, "placement.override", unit.organisation_id),
        },
    )  # fmt: skip


@login_required
def admit_new_child(request: MemberRequest, pk: int) -> HttpResponse:
    """The night admission of a child not registered yet: the name (or a description) and an
    approximate age, the bed and the legal basis; the case is opened with the admission. Likely
    duplicates among the children the user may see are shown first, with their cases."""
    unit = get_visible_or_404(residential_units_visible_to(request.user), pk=pk)
    require(request.user, "placement.admit", organisation_id=unit.organisation_id)
    beds = Bed.objects.filter(unit=unit, is_active=True).order_by("label")
    form = NewChildAdmitForm(
        request.POST or None,
        beds=beds,
        initial={"admitted_at": _now_to_the_minute(), "bed": _positive_int(request.GET.get("bed"))},
    )
    duplicates: list[LikelyChild] = []
    if request.method == "POST" and form.is_valid():
        child = form.child_data()
        key = key_of(request)
        sent_before = (
            key is not None and Submission.objects.filter(user=request.user, key=key).exists()
        )
        if not form.cleaned_data["not_a_duplicate"] and not sent_before:  # a second click goes on
            duplicates = likely_children(
                user=request.user, organisation_id=unit.organisation_id, first_name=child["first_name"],
                last_name=child["last_name"], birth_date=estimated_birth_date(
                    timezone.localtime(form.cleaned_data["admitted_at"]).date(),
                    years=child["age_years"], months=child["age_months"]),
            )  # fmt: skip
        if not duplicates:
            try:
                placement = submit_once(
                    request,
                    lambda: placement_admit_new_child(
                        actor=request.user, unit=unit, **child, **form.admission_data()
                    ),
                    then=reverse("placements:board", args=[unit.pk]),
                )
            except AlreadySubmitted as done:
                return already_sent(request, done)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _admitted_message(placement.person))
                messages.info(
                    request,
                    _("The case %(number)s is opened with you as its key worker until the team assigns one.")
                    % {"number": placement.case.number},
                )  # fmt: skip
                return redirect("placements:board", pk=unit.pk)
    return render(
        request,
        "placements/admit_new_child.html",
        {
            "unit": unit,
            "form": form,
            "duplicates": duplicates,
            "nav_active": "placements",
            "can_override": has_capability(
                request.user, "placement.override", unit.organisation_id
            ),
        },
    )


@login_required
def placement_detail(request: MemberRequest, pk: int) -> HttpResponse:
    placement = get_visible_or_404(
        placements_visible_to(request.user).select_related("person", "unit", "bed", "case"), pk=pk
    )
    organisation_id = placement.organisation_id
    can_diary = has_capability(request.user, "placement.diary", organisation_id)
    diary_form = DiaryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(request.user, "placement.diary", organisation_id=organisation_id)
        if diary_form.is_valid():
            try:
                diary_write(actor=request.user, placement=placement, **diary_form.cleaned_data)
            except ValidationError as error:
                apply_errors(diary_form, error)
            else:
                messages.success(request, _("The diary entry is saved."))
                return redirect(placement)
    audit_view(actor=request.user, obj=placement, person_id=placement.person_id)
    can_discharge = placement.is_current and has_capability(
        request.user, "placement.admit", organisation_id
    )
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "diary": placement.diary.select_related("created_by"),
            "diary_form": diary_form if can_diary else None,
            "discharge_form": DischargeForm(
                initial={"discharged_at": _now_to_the_minute(), "version": placement.version}
            )
            if can_discharge
            else None,
            "alerts": alerts_for([placement], placement.unit),
            "nav_active": "placements",
        },
    )


@login_required
def discharge(request: MemberRequest, pk: int) -> HttpResponse:
    """Discharge in two steps, without JavaScript: the time and the destination, then a page
    that says what will happen and asks to confirm it (a discharge frees the bed at once)."""
    placement = get_visible_or_404(
        placements_visible_to(request.user).select_related("person", "unit", "bed", "case"), pk=pk
    )
    require(request.user, "placement.admit", organisation_id=placement.organisation_id)
    if not placement.is_current:
        messages.info(request, _("The child was already discharged."))
        return redirect(placement)
    form = DischargeForm(
        request.POST or None,
        initial={"discharged_at": _now_to_the_minute(), "version": placement.version},
    )
    confirming = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirmed") != "yes":
            confirming = True
        else:
            try:
                placement_discharge(
                    actor=request.user, placement=placement, discharged_at=data["discharged_at"],
                    destination=data["destination"], expected_version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                values = {"name": placement.person.display_name}
                messages.success(
                    request,
                    _by_sex(
                        placement.person,
                        male=pgettext("male", "%(name)s is discharged.") % values,
                        female=pgettext("female", "%(name)s is discharged.") % values,
                        child=pgettext("child", "%(name)s is discharged.") % values,
                    ),
                )
                return redirect("placements:board", pk=placement.unit_id)
    return render(
        request,
        "placements/discharge.html",
        {
            "placement": placement, "form": form, "confirming": confirming,
            "destination": dict(Destination.choices).get(form.cleaned_data.get("destination", "")) if confirming else None,
            "nav_active": "placements",
        },
    )  # fmt: skip


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
    audit_record(
        action=AuditAction.EXPORT, actor=request.user, obj=unit, object_type="placements.figures",
        details={"year": year, "format": "xlsx"},
    )  # fmt: skip
    return spreadsheet_download(
        figures_workbook(unit, year, occupancy_for_year(unit, year)),
        f"placements-{unit.pk}-{year}.xlsx",
    )
