"""Street and field work: sessions and their contacts, the child met on the street (their
history, drop-in visits, identification, a case opened by the street team), monthly counts."""

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

from zakrila.accounts.policy import (
    cases_visible_to,
    has_capability,
    outreach_sessions_visible_to,
    require,
)
from zakrila.accounts.queries import staff_of
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.paging import keyset_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.people.models import IdentificationStatus
from zakrila.programmes.models import DropInVisit, OutreachKind
from zakrila.programmes.outreach_forms import (
    DropInForm,
    IdentifyForm,
    OutreachContactForm,
    OutreachSessionForm,
    StreetCaseForm,
)
from zakrila.programmes.outreach_queries import (
    choice_label,
    known_people,
    outreach_person_for,
    outreach_session_for,
    person_label,
    person_outreach_history,
    street_months,
)
from zakrila.programmes.services.outreach import (
    drop_in_record,
    outreach_contact_record,
    outreach_session_create,
    street_case_open,
    street_child_identify,
)
from zakrila.programmes.views.common import outreach_units


def _last_months(today: dt.date, count: int) -> list[dt.date]:
    months = [today.replace(day=1)]
    while len(months) < count:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months


# Sessions are listed newest first, a page at a time: a street team holds several a week.
SESSIONS_PAGE_SIZE = 50


@login_required
def outreach_list(request: MemberRequest) -> HttpResponse:
    """Street and field sessions, newest first, and the children reached per month."""
    organisation_id = request.membership.organisation_id
    require(request.user, "outreach.view", organisation_id=organisation_id)
    sessions = keyset_page(
        outreach_sessions_visible_to(request.user)
        .filter(organisation_id=organisation_id)
        .select_related("unit"),
        order=("-starts_at", "-id"),
        after=request.GET.get("after"),
        size=SESSIONS_PAGE_SIZE,
    )
    return render(
        request,
        "programmes/outreach_list.html",
        {
            "sessions": sessions.rows,
            "next_token": sessions.next_token,
            "first_page": sessions.started_after is None,
            "months": street_months(
                user=request.user,
                organisation_id=organisation_id,
                months=_last_months(timezone.localdate(), 6),
            ),
            "can_record": has_capability(request.user, "outreach.record", organisation_id),
            "nav_active": "outreach",
        },
    )


@login_required
def outreach_session_new(request: MemberRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id
    require(request.user, "outreach.record", organisation_id=organisation_id)
    kind = request.POST.get("kind") or request.GET.get("kind") or OutreachKind.STREET
    if kind not in OutreachKind.values:
        kind = OutreachKind.STREET
    units = outreach_units(request.user, organisation_id, kind)
    form = OutreachSessionForm(
        request.POST or None,
        units=units,
        staff=staff_of(organisation_id).exclude(pk=request.user.pk),
        initial={"kind": kind, "unit": units.first(), "starts_at": timezone.localtime()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = submit_once(
                request, lambda: outreach_session_create(actor=request.user, **data)
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The session is recorded."))
            return redirect(session)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("New street or field session"),
            "back": "programmes:outreach",
            "nav_active": "outreach",
        },
    )


@login_required
def outreach_session(request: MemberRequest, pk: int) -> HttpResponse:
    session = outreach_session_for(user=request.user, pk=pk)
    contacts = list(session.contacts.select_related("person").prefetch_related("person__aliases"))
    audit_view(actor=request.user, obj=session, details={"contacts": len(contacts)})
    return render(
        request,
        "programmes/outreach_session.html",
        {
            "session": session,
            "contacts": [(contact, person_label(contact.person)) for contact in contacts],
            "workers": session.workers.order_by("full_name"),
            "can_record": has_capability(request.user, "outreach.record", session.organisation_id),
            "nav_active": "outreach",
        },
    )


@login_required
@offline_page  # recorded on the street: kept on the phone, sent from the outbox
def outreach_contact_new(request: MemberRequest, pk: int) -> HttpResponse:
    """A child met on the street (or a woman at a field session): one met before, or a new
    one in a few words. The list of those met before holds only how the team knows them."""
    session = outreach_session_for(user=request.user, pk=pk)
    require(request.user, "outreach.record", organisation_id=session.organisation_id)
    form = OutreachContactForm(
        request.POST or None, people=known_people(user=request.user, session=session),
        labeller=choice_label,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            submit_once(
                request,
                lambda: outreach_contact_record(actor=request.user, session=session, **data),
                then=session.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is recorded."))
            return redirect(session)
    return render(
        request,
        "programmes/outreach_contact_form.html",
        {"session": session, "form": form, "nav_active": "outreach"},
    )


@login_required
def outreach_person(request: MemberRequest, pk: int) -> HttpResponse:
    """A child met in street work: how the team knows them, every meeting and visit since the
    first one, and what can be done next (identify, open a case)."""
    person = outreach_person_for(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=person, person_id=person.pk, what="outreach")
    cases = cases_visible_to(request.user).filter(person=person).select_related("unit")
    organisation_id = person.organisation_id
    return render(
        request,
        "programmes/outreach_person.html",
        {
            "person": person,
            "label": person_label(person),
            "history": person_outreach_history(person),
            "cases": cases,
            "is_anonymous": person.identification_status == IdentificationStatus.ANONYMOUS,
            "can_record": has_capability(request.user, "outreach.record", organisation_id),
            "can_open_case": has_capability(request.user, "outreach.open_case", organisation_id),
            "can_identify": has_capability(request.user, "person.edit", organisation_id),
            "nav_active": "outreach",
        },
    )


@login_required
@offline_page  # at the centre's door, where the tablet may have no signal
def drop_in_new(request: MemberRequest, pk: int) -> HttpResponse:
    person = outreach_person_for(user=request.user, pk=pk)
    require(request.user, "outreach.record", organisation_id=person.organisation_id)
    form = DropInForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        services = [name for name in DropInVisit.SERVICES if data.pop(name)]
        unit = (
            person.unit
            or outreach_units(request.user, person.organisation_id, OutreachKind.STREET).first()
        )
        try:
            submit_once(
                request,
                lambda: drop_in_record(
                    actor=request.user, unit=unit, person=person, services=services, **data
                ),
                then=reverse("programmes:outreach_person", args=[person.pk]),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect("programmes:outreach_person", pk=person.pk)
    return render(
        request,
        "programmes/drop_in_form.html",
        {"person": person, "label": person_label(person), "form": form, "nav_active": "outreach"},
    )


@login_required
def outreach_identify(request: MemberRequest, pk: int) -> HttpResponse:
    """The child said who they are: the same record is named, the history stays."""
    person = outreach_person_for(user=request.user, pk=pk)
    require(request.user, "person.edit", organisation_id=person.organisation_id)
    form = IdentifyForm(
        request.POST or None,
        initial={
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "last_name": person.last_name,
            "version": person.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            street_child_identify(
                actor=request.user, person=person, data=data, expected_version=version
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The child is identified; their history stays with them."))
            return redirect("programmes:outreach_person", pk=person.pk)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Identify the child"),
            "lead": person_label(person),
            "back_url": reverse("programmes:outreach_person", args=[person.pk]),
            "nav_active": "outreach",
        },
    )


@login_required
def outreach_case_new(request: MemberRequest, pk: int) -> HttpResponse:
    """The street team opens a case for a child it identified (not only a case manager)."""
    person = outreach_person_for(user=request.user, pk=pk)
    require(request.user, "outreach.open_case", organisation_id=person.organisation_id)
    units = outreach_units(request.user, person.organisation_id, OutreachKind.STREET)
    form = StreetCaseForm(
        request.POST or None, units=units, initial={"unit": person.unit_id or units.first()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = submit_once(
                request,
                lambda: street_case_open(
                    actor=request.user,
                    person=person,
                    unit=form.cleaned_data["unit"],
                    reason=form.cleaned_data["reason"],
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Case %(number)s is opened; you are its key worker.") % {"number": case.number},
            )
            return redirect(case)
    return render(
        request,
        "programmes/form.html",
        {
            "form": form,
            "title": _("Open a case"),
            "lead": person_label(person),
            "back_url": reverse("programmes:outreach_person", args=[person.pk]),
            "nav_active": "outreach",
        },
    )
