"""Volunteers, needs, assignments and hours; the thank-you letter and the certificate of
hours."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import require, units_visible_to
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.giving.forms import (
    AssignmentForm,
    HoursForm,
    NeedForm,
    VersionForm,
    VolunteerForm,
    VolunteerSearchForm,
)
from zakrila.giving.models import Assignment, AssignmentStatus, Volunteer, VolunteerNeed
from zakrila.giving.queries import needs_open, record_for, visible, volunteer_hours, volunteer_page
from zakrila.giving.services import (
    assignment_cancel,
    assignment_make,
    assignment_record_hours,
    document_printed,
    need_create,
    volunteer_create,
    volunteer_update,
)
from zakrila.giving.services.volunteers import VOLUNTEER_FIELDS
from zakrila.giving.views._common import (
    NAV,
    can_manage,
    form_page,
    name_list,
    organisation_of,
)


@login_required
def volunteers(request: MemberRequest) -> HttpResponse:
    """The needs ahead, and the volunteers by name, a page at a time, with the state of their
    criminal-record certificate; found by part of the name, or by the certificate's state."""
    organisation_id = organisation_of(request)
    listed = name_list(
        request, organisation_id, object_type="giving.volunteer", read=volunteer_page,
        form_class=VolunteerSearchForm,
    )  # fmt: skip
    return render(
        request,
        "giving/volunteers.html",
        {
            **listed,
            "needs": needs_open(request.user, organisation_id, now=timezone.now()),
            "can_manage": can_manage(request, organisation_id),
            "nav_active": NAV,
        },
    )


def _volunteer_values(form: VolunteerForm) -> dict[str, object]:
    return {name: form.cleaned_data[name] for name in VOLUNTEER_FIELDS if name in form.cleaned_data}


@login_required
def volunteer_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    form = VolunteerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = submit_once(request, lambda: volunteer_create(
                actor=request.user, organisation_id=organisation_id, full_name=data["full_name"],
                consent_on=data["consent_on"], email=data["email"], phone=data["phone"],
                skills=data["skills"], record_certificate_number=data["record_certificate_number"],
                record_certificate_on=data["record_certificate_on"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The volunteer is added."))
            return redirect(volunteer)
    return form_page(
        request, {"form": form, "title": _("New volunteer"), "back": "giving:volunteers"}
    )


@login_required
def volunteer_detail(request: MemberRequest, pk: int) -> HttpResponse:
    volunteer = record_for(request.user, Volunteer, pk)
    audit_view(actor=request.user, obj=volunteer)
    today = timezone.localdate()
    return render(
        request,
        "giving/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "certificate_ok": volunteer.certificate_valid_on(today),
            "certificate_soon": volunteer.certificate_expiring(today),
            **volunteer_hours(volunteer),
            "can_manage": can_manage(request, volunteer.organisation_id),
            "nav_active": NAV,
        },
    )


@login_required
def volunteer_edit(request: MemberRequest, pk: int) -> HttpResponse:
    volunteer = record_for(request.user, Volunteer, pk)
    require(request.user, "giving.manage", organisation_id=volunteer.organisation_id)
    form = VolunteerForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(
                actor=request.user,
                volunteer=volunteer,
                expected_version=form.cleaned_data["version"] or 0,
                **_volunteer_values(form),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(volunteer)
    return form_page(
        request, {"form": form, "title": volunteer.full_name, "context_object": volunteer}
    )


def _volunteer_pdf(request: MemberRequest, pk: int, *, what: str) -> HttpResponse:
    volunteer = record_for(request.user, Volunteer, pk)
    document_printed(actor=request.user, record=volunteer, what=what)
    hours = volunteer_hours(volunteer)
    done = [a for a in hours["assignments"] if a.status == AssignmentStatus.DONE]
    units = sorted({a.need.unit.name for a in done})
    with translation.override("bg"):
        pdf = render_pdf(
            f"giving/volunteer_{what}_pdf.html",
            {
                "volunteer": volunteer,
                "organisation": volunteer.organisation,
                "done": sorted(done, key=lambda a: a.starts_at),
                "hours": hours["done"],
                "units": units,
                "first": min((a.starts_at for a in done), default=None),
                "last": max((a.starts_at for a in done), default=None),
                "today": timezone.localdate(),
            },
        )
    return pdf_response(pdf, f"{what}-{volunteer.pk}.pdf")


@login_required
def volunteer_letter(request: MemberRequest, pk: int) -> HttpResponse:
    """A thank-you letter to the volunteer."""
    return _volunteer_pdf(request, pk, what="letter")


@login_required
def volunteer_hours_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    """A certificate of the volunteer's hours, assignment by assignment."""
    return _volunteer_pdf(request, pk, what="hours")


@login_required
def need_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "giving.manage", organisation_id=organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=organisation_id)
    form = NeedForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            need = submit_once(request, lambda: need_create(
                actor=request.user, unit=data["unit"], title=data["title"],
                starts_at=data["starts_at"], ends_at=data["ends_at"],
                people_needed=data["people_needed"], with_children=data["with_children"],
                description=data["description"],
            ))  # fmt: skip
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The need is recorded: assign volunteers to it."))
            return redirect(need)
    return form_page(
        request, {"form": form, "title": _("New volunteer need"), "back": "giving:volunteers"}
    )


@login_required
def need_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A need, its assignments, and the form that assigns a volunteer."""
    need = record_for(request.user, VolunteerNeed, pk)
    manage = can_manage(request, need.organisation_id)
    form = AssignmentForm(
        request.POST or None,
        volunteers=visible(request.user, Volunteer, need.organisation_id).filter(
            anonymised_at__isnull=True, left_on__isnull=True
        ),
    )
    if request.method == "POST":
        require(request.user, "giving.manage", organisation_id=need.organisation_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submit_once(request, lambda: assignment_make(
                    actor=request.user, need=need, volunteer=data["volunteer"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"],
                ), then=need.get_absolute_url())  # fmt: skip
            except AlreadySubmitted as done:
                return already_sent(request, done)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The volunteer is assigned."))
                return redirect(need)
    assignments = list(need.assignments.select_related("volunteer").order_by("starts_at", "id"))
    audit_view(actor=request.user, obj=need, details={"volunteers": len(assignments)})
    return render(
        request,
        "giving/need_detail.html",
        {
            "need": need,
            "assignments": assignments,
            "form": form,
            "can_manage": manage,
            "now": timezone.now(),
            "nav_active": NAV,
        },
        status=200,
    )


@login_required
def assignment_hours(request: MemberRequest, pk: int) -> HttpResponse:
    """Record the hours done on an assignment."""
    assignment = record_for(request.user, Assignment, pk)
    require(request.user, "giving.manage", organisation_id=assignment.organisation_id)
    form = HoursForm(
        request.POST or None,
        initial={
            "version": assignment.version,
            "hours_done": assignment.hours_done or Decimal(str(assignment.hours_scheduled)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment_record_hours(
                actor=request.user, assignment=assignment,
                hours_done=form.cleaned_data["hours_done"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The hours are recorded."))
            return redirect(assignment.need)
    return form_page(
        request,
        {
            "form": form,
            "title": _("Hours of %(name)s") % {"name": assignment.volunteer},
            "context_object": assignment.need,
        },
    )


@login_required
@require_POST
def assignment_cancel_view(request: MemberRequest, pk: int) -> HttpResponse:
    assignment = record_for(request.user, Assignment, pk)
    require(request.user, "giving.manage", organisation_id=assignment.organisation_id)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The form is out of date: open the page again."))
        assignment_cancel(
            actor=request.user, assignment=assignment,
            expected_version=form.cleaned_data["version"],
        )  # fmt: skip
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The assignment is cancelled."))
    return redirect(assignment.need)
