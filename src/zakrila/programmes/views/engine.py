"""The engine's pages: an enrolment, recording a visit (kept for offline work), marking one
missed, moving a stage, ending an enrolment, enrolling a person, and the due/overdue lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import (
    cases_visible_to,
    get_visible_or_404,
    has_capability,
    people_visible_to,
    programmes_visible_to,
    require,
    units_visible_to,
)
from zakrila.accounts.queries import staff_of
from zakrila.audit.services import audit_view
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.organisations.models import Programme
from zakrila.programmes.forms import (
    EnrolForm,
    EnrolmentEndForm,
    StageForm,
    VisitForm,
    VisitMissForm,
)
from zakrila.programmes.models import Enrolment, Visit, VisitStatus
from zakrila.programmes.queries import enrolment_for, visit_for, visit_lists
from zakrila.programmes.sections import enrolment_sections
from zakrila.programmes.services import (
    enrolment_end,
    enrolment_move_stage,
    enrolment_start,
    visit_miss,
    visit_record,
)


@login_required
def enrolment_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """An enrolment: the person, the stage, every visit with its window, what the programme
    records (a pregnancy, a signal, screenings, a child leaving an institution)."""
    enrolment = enrolment_for(user=request.user, pk=pk)
    today = timezone.localdate()
    visits = list(enrolment.visits.select_related("done_by").order_by("due_on", "pk"))
    for visit in visits:
        visit.programme = enrolment.programme  # the title reads the programme's schedule
        visit.overdue_now = visit.is_overdue(today)  # type: ignore[attr-defined]
    audit_view(actor=request.user, obj=enrolment, person_id=enrolment.person_id)
    organisation_id = enrolment.organisation_id
    can_manage = has_capability(request.user, "enrolment.manage", organisation_id)
    return render(
        request,
        "programmes/enrolment_detail.html",
        {
            "enrolment": enrolment,
            "visits": visits,
            "today": today,
            "planned": [v for v in visits if v.status == VisitStatus.PLANNED],
            "can_visit": has_capability(request.user, "enrolment.visit", organisation_id),
            "can_manage": can_manage,
            "end_form": EnrolmentEndForm(
                schedule=enrolment.schedule,
                initial={"ended_on": today, "version": enrolment.version},
            )
            if can_manage and enrolment.is_active
            else None,
            "stage_form": StageForm(schedule=enrolment.schedule, initial={"stage": enrolment.stage})
            if can_manage and enrolment.is_active and len(enrolment.schedule.stages) > 1
            else None,
            "sections": enrolment_sections(request, enrolment),
            "nav_active": "programmes",
        },
    )


def _visit_page(
    request: MemberRequest, enrolment: Enrolment, visit: Visit | None, questions: str
) -> HttpResponse:
    form = VisitForm(request.POST or None, questions=questions, kind=enrolment.programme.kind)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = submit_once(
                request,
                lambda: visit_record(
                    actor=request.user,
                    enrolment=enrolment,
                    visit=visit,
                    **form.service_arguments(),
                ),
                then=enrolment.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The visit is recorded."))
            return redirect(recorded.enrolment)
    return render(
        request,
        "programmes/visit_form.html",
        {"enrolment": enrolment, "visit": visit, "form": form, "nav_active": "programmes"},
    )


@login_required
@offline_page  # recorded in the field: kept on the device, sent from the outbox
def visit_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A scheduled visit: record it as done (or see how it was done)."""
    visit = visit_for(user=request.user, pk=pk)
    enrolment = visit.enrolment
    enrolment.programme = visit.programme
    require(request.user, "enrolment.visit", organisation_id=visit.organisation_id)
    if visit.status != VisitStatus.PLANNED and request.method != "POST":
        return redirect(enrolment)
    # A POST goes on even when the visit was recorded: a replay from the outbox is answered as
    # already sent, anything else is refused by the service with the reason.
    definition = visit.definition
    return _visit_page(request, enrolment, visit, definition.questions if definition else "")


@login_required
@offline_page
def visit_new(request: MemberRequest, pk: int) -> HttpResponse:
    """A visit outside the schedule (the family called, the mother came to the centre)."""
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.visit", organisation_id=enrolment.organisation_id)
    return _visit_page(request, enrolment, None, "")


@login_required
def visit_missed(request: MemberRequest, pk: int) -> HttpResponse:
    visit = visit_for(user=request.user, pk=pk)
    require(request.user, "enrolment.visit", organisation_id=visit.organisation_id)
    form = VisitMissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            visit_miss(actor=request.user, visit=visit, reason=form.cleaned_data["missed_reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The visit is marked as missed."))
            return redirect(visit.enrolment)
    return render(
        request,
        "programmes/visit_missed.html",
        {"visit": visit, "enrolment": visit.enrolment, "form": form, "nav_active": "programmes"},
    )


@login_required
@require_POST
def enrolment_stage(request: MemberRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.manage", organisation_id=enrolment.organisation_id)
    form = StageForm(request.POST, schedule=enrolment.schedule)
    if form.is_valid():
        try:
            enrolment_move_stage(
                actor=request.user, enrolment=enrolment, stage=form.cleaned_data["stage"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The stage is changed."))
    else:
        messages.error(request, _("Choose a stage of the programme."))
    return redirect(enrolment)


@login_required
def enrolment_close(request: MemberRequest, pk: int) -> HttpResponse:
    """End an enrolment with its outcome and date."""
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.manage", organisation_id=enrolment.organisation_id)
    form = EnrolmentEndForm(
        request.POST or None,
        schedule=enrolment.schedule,
        initial={"ended_on": timezone.localdate(), "version": enrolment.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment_end(
                actor=request.user,
                enrolment=enrolment,
                status=data["status"],
                ended_on=data["ended_on"],
                outcome=data["outcome"],
                outcome_on=data["outcome_on"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The enrolment has ended."))
            return redirect(enrolment)
    return render(
        request,
        "programmes/enrolment_end.html",
        {"enrolment": enrolment, "form": form, "nav_active": "programmes"},
    )


def special_form(programme: Programme) -> str:
    from zakrila.programmes.views.prevention import SPECIAL_FORMS

    name = SPECIAL_FORMS.get(programme.kind)
    return str(reverse(name, args=[programme.pk])) if name else ""


@login_required
def enrol(request: MemberRequest, person_pk: int) -> HttpResponse:
    """Enrol a person in one of the programmes (from the person's page)."""
    person = get_visible_or_404(people_visible_to(request.user), pk=person_pk)
    organisation_id = person.organisation_id
    require(request.user, "enrolment.manage", organisation_id=organisation_id)
    form = EnrolForm(
        request.POST or None,
        programmes=programmes_visible_to(request.user).filter(
            organisation_id=organisation_id, is_active=True
        ),
        staff=staff_of(organisation_id),
        cases=cases_visible_to(request.user).filter(person=person),
        initial={
            "started_on": timezone.localdate(),
            "worker": request.user.pk,
            "programme": request.GET.get("programme"),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        special = special_form(data["programme"])
        if special:
            # A pregnancy, a maternity signal or a child leaving an institution has its own form.
            return redirect(f"{special}?person={person.pk}")
        try:
            enrolment = submit_once(
                request,
                lambda: enrolment_start(
                    actor=request.user,
                    programme=data["programme"],
                    person=person,
                    worker=data["worker"],
                    case=data["case"],
                    started_on=data["started_on"],
                    note=data["note"],
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The person is enrolled."))
            return redirect(enrolment)
    return render(
        request,
        "programmes/enrol.html",
        {"person": person, "form": form, "nav_active": "programmes"},
    )


@login_required
def visits_due(request: MemberRequest) -> HttpResponse:
    """Overdue and due visits of the current unit (or all the user's units), or of a worker."""
    organisation_id = request.membership.organisation_id
    require(request.user, "enrolment.view", organisation_id=organisation_id)
    unit = request.unit
    mine = request.GET.get("mine") == "on"
    lists = visit_lists(
        user=request.user,
        organisation_id=organisation_id,
        unit_id=unit.pk if unit else None,
        worker_id=request.user.pk if mine else None,
    )
    units = units_visible_to(request.user).filter(organisation_id=organisation_id)
    return render(
        request,
        "programmes/visits_due.html",
        {
            "lists": lists,
            "unit": unit,
            "mine": mine,
            "units": units,
            "nav_active": "programmes",
        },
    )
