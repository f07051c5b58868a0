"""Groups: the list, a group's page (members, sessions, who stopped coming), and attendance
taken from a tablet with one tap per person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zakrila.accounts.policy import groups_visible_to, has_capability, people_visible_to, require
from zakrila.accounts.queries import staff_of
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.paging import keyset_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.organisations.models import Programme, ProgrammeKind
from zakrila.programmes.outreach_forms import GroupForm, GroupMemberForm, GroupSessionForm
from zakrila.programmes.outreach_queries import (
    attendance_rows,
    group_for,
    group_session_for,
    member_attendance,
    members_who_stopped_coming,
)
from zakrila.programmes.services.groups import (
    group_attendance_record,
    group_create,
    group_member_add,
    group_session_create,
)
from zakrila.programmes.views.common import units_for


@login_required
def group_list(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "group.view", organisation_id=organisation_id)
    groups = (
        groups_visible_to(request.user)
        .filter(organisation_id=organisation_id)
        .select_related("unit")
        .order_by("-is_active", "name")
    )
    return render(
        request,
        "programmes/group_list.html",
        {
            "groups": groups,
            "can_manage": has_capability(request.user, "group.manage", organisation_id),
            "nav_active": "groups",
        },
    )


@login_required
def group_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "group.manage", organisation_id=organisation_id)
    units = units_for(request.user, organisation_id, programme_kind=ProgrammeKind.PARENT_GROUP)
    form = GroupForm(
        request.POST or None,
        units=units,
        staff=staff_of(organisation_id),
        initial={"unit": units.first(), "facilitators": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = Programme.objects.filter(
            organisation_id=organisation_id, kind=ProgrammeKind.PARENT_GROUP, unit=data["unit"]
        ).first()
        try:
            group = submit_once(
                request,
                lambda: group_create(
                    actor=request.user,
                    unit=data["unit"],
                    name=data["name"],
                    facilitators=data["facilitators"],
                    programme=programme,
                    meets=data["meets"],
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The group is started."))
            return redirect(group)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("New group"),
            "back": "programmes:groups",
            "nav_active": "groups",
        },
    )


# A group's sessions, the latest first, a page at a time: a weekly group holds fifty a year.
SESSIONS_PAGE_SIZE = 60


@login_required
def group_detail(request: MemberRequest, pk: int) -> HttpResponse:
    group = group_for(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=group)
    sessions = keyset_page(
        group.sessions.all(),
        order=("-held_on", "-id"),
        after=request.GET.get("after"),
        size=SESSIONS_PAGE_SIZE,
    )
    return render(
        request,
        "programmes/group_detail.html",
        {
            "group": group,
            "facilitators": group.facilitators.order_by("full_name"),
            "members": member_attendance(group),
            "stopped": members_who_stopped_coming(group),
            "sessions": sessions.rows,
            "sessions_next": sessions.next_token,
            "sessions_first_page": sessions.started_after is None,
            "can_manage": has_capability(request.user, "group.manage", group.organisation_id),
            "today": timezone.localdate(),
            "nav_active": "groups",
        },
    )


@login_required
def group_member_new(request: MemberRequest, pk: int) -> HttpResponse:
    group = group_for(user=request.user, pk=pk)
    require(request.user, "group.manage", organisation_id=group.organisation_id)
    people = people_visible_to(request.user).filter(organisation_id=group.organisation_id)
    form = GroupMemberForm(request.POST or None, people=people)
    form.fields["person"].widget.attrs["data-testid"] = "member-person"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(
                request,
                lambda: group_member_add(
                    actor=request.user,
                    group=group,
                    person=data["person"],
                    first_name=data["first_name"],
                ),
                then=group.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The member is added."))
            return redirect(group)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": _("New member"), "context_object": group, "nav_active": "groups"},
    )


@login_required
def group_session_new(request: MemberRequest, pk: int) -> HttpResponse:
    group = group_for(user=request.user, pk=pk)
    require(request.user, "group.manage", organisation_id=group.organisation_id)
    form = GroupSessionForm(
        request.POST or None,
        staff=staff_of(group.organisation_id),
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = submit_once(
                request, lambda: group_session_create(actor=request.user, group=group, **data)
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session is recorded: take its attendance."))
            return redirect(session)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": _("New session"), "context_object": group, "nav_active": "groups"},
    )


@login_required
@offline_page  # taken on a tablet in a room that may have no signal
def group_attendance(request: MemberRequest, pk: int) -> HttpResponse:
    """One tap per person: tapped came; "with the child" and "cancelled" are small extra
    boxes; guests are written by first name. The list carries the session's version."""
    session = group_session_for(user=request.user, pk=pk)
    group = session.group
    rows, guests = attendance_rows(session)
    errors: list[str] = []
    if request.method == "POST":
        require(request.user, "group.manage", organisation_id=session.organisation_id)
        attended = request.POST.getlist("attended")
        with_child = request.POST.getlist("with_child")
        cancelled = request.POST.getlist("cancelled")
        guest_names = [
            line.strip() for line in request.POST.get("guests", "").splitlines() if line.strip()
        ]
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1  # a form without its version is as good as a stale one
        try:
            submit_once(
                request,
                lambda: group_attendance_record(
                    actor=request.user,
                    session=session,
                    attended=attended,
                    with_child=with_child,
                    cancelled=cancelled,
                    guests=guest_names,
                    expected_version=version,
                ),
                then=group.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            from zakrila.core.offline import note_refusal

            note_refusal(error)
            errors = error.messages
            came, child, excused = set(attended), set(with_child), set(cancelled)
            for row in rows:
                key = str(row.pk)
                row.status = (
                    "attended" if key in came else "cancelled" if key in excused else "no_show"
                )
                row.with_child = key in child
            guests = guest_names
        else:
            count = len(set(attended)) + len(guest_names)
            messages.success(
                request,
                ngettext(
                    "Attendance is saved: %(count)s came.",
                    "Attendance is saved: %(count)s came.",
                    count,
                )
                % {"count": count},
            )
            return redirect(group)
    audit_view(actor=request.user, obj=session, what="attendance", details={"members": len(rows)})
    return render(
        request,
        "programmes/group_attendance.html",
        {
            "session": session,
            "group": group,
            "rows": rows,
            "guests": "\n".join(guests),
            "present": sum(1 for row in rows if row.present),
            # The list as it is now: after a refusal the worker compares, then saves again.
            "version": session.version,
            "errors": errors,
            "can_take": has_capability(request.user, "group.manage", session.organisation_id)
            and session.held_on <= timezone.localdate(),
            "today": timezone.localdate(),
            "nav_active": "groups",
        },
    )
