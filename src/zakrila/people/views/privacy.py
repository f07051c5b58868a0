"""A person's data-protection rights: who opened the file, the export of everything held
(GDPR Art. 15) and erasure (Art. 17)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import require
from zakrila.audit.models import AuditAction
from zakrila.audit.queries import audit_events_for_record
from zakrila.audit.services import audit_record, audit_view
from zakrila.audit.views import record_history
from zakrila.core.downloads import name_download
from zakrila.core.http import MemberRequest
from zakrila.people import exports
from zakrila.people.forms import EraseForm
from zakrila.people.services import (
    legal_holds,
    person_anonymise,
)
from zakrila.people.views.people import person_or_404


@login_required
def person_history(request: MemberRequest, pk: int) -> HttpResponse:
    """Who saw and changed this child's file (and the records merged into it): for the
    director and the DPO."""
    person = person_or_404(request, pk)
    require(request.user, "person.history", organisation_id=person.organisation_id)
    merged = [("people.person", pid) for pid in person.merged_from.values_list("pk", flat=True)]
    return record_history(
        request,
        record=person,
        events=audit_events_for_record(
            organisation_id=person.organisation_id, person_id=person.pk, records=merged
        ),
        viewed=lambda: audit_view(
            actor=request.user, obj=person, person_id=person.pk, what="history"
        ),
        nav_active="people",
    )


@login_required
def person_export(request: MemberRequest, pk: int, fmt: str) -> HttpResponse:
    """Everything held about one person: JSON for machines, PDF for the family (GDPR Art. 15)."""
    if fmt not in ("json", "pdf"):
        raise Http404(_("There is no such record, or you may not see it."))
    person = person_or_404(request, pk)
    require(request.user, "person.export", organisation_id=person.organisation_id)
    data = exports.person_data(person, viewer=request.user)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        obj=person,
        person_id=person.pk,
        details={"format": fmt},
    )
    filename = f"zakrila-person-{person.pk}"
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        return name_download(response, f"{filename}.json")
    pdf = exports.person_pdf(data, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    return name_download(response, f"{filename}.pdf")


@login_required
def person_erase(request: MemberRequest, pk: int) -> HttpResponse:
    """Erasure as anonymisation, refused while a legal hold applies, with the reason shown."""
    person = person_or_404(request, pk)
    require(request.user, "person.erase", organisation_id=person.organisation_id)
    holds = legal_holds(person)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_anonymise(actor=request.user, person=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The person's data is erased; the anonymous record keeps the statistics."),
            )
            return redirect(person)
    return render(
        request,
        "people/person_erase.html",
        {"person": person, "holds": holds, "form": form, "nav_active": "people"},
    )
