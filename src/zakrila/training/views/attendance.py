"""Attendance taken in seconds: everyone in the cohort listed, one tap each, one save."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext

from zakrila.accounts.policy import has_capability, require
from zakrila.audit.services import audit_view
from zakrila.core.http import MemberRequest
from zakrila.training.queries import attendance_rows, session_for
from zakrila.training.services import attendance_record


@login_required
def attendance(request: MemberRequest, pk: int) -> HttpResponse:
    session = session_for(user=request.user, pk=pk)
    organisation_id = session.organisation_id
    rows = attendance_rows(session)
    errors: list[str] = []
    if request.method == "POST":
        require(request.user, "training.manage", organisation_id=organisation_id)
        present = request.POST.getlist("present")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1  # a form without its version is as good as a stale one
        try:
            attendance_record(
                actor=request.user, session=session, present=present, expected_version=version
            )
        except ValidationError as error:
            errors = error.messages
            ticked = set(present)
            rows = [replace(row, present=str(row.pk) in ticked) for row in rows]
        else:
            count = len(set(present))
            messages.success(
                request,
                ngettext(
                    "Attendance is saved: %(count)s of %(total)s present.",
                    "Attendance is saved: %(count)s of %(total)s present.",
                    count,
                )
                % {"count": count, "total": len(rows)},
            )
            return redirect(session.cohort)
    audit_view(actor=request.user, obj=session, what="attendance", details={"trainees": len(rows)})
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "cohort": session.cohort,
            "rows": rows,
            "present": sum(1 for row in rows if row.present),
            "errors": errors,
            "version": session.version,
            "today": timezone.localdate(),
            "can_take": has_capability(request.user, "training.manage", organisation_id)
            and session.held_on <= timezone.localdate(),
            "nav_active": "training",
        },
    )
