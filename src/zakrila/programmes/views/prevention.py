"""The pages of the four programmes that follow individuals: a maternity signal, a pregnancy
and its birth, a child leaving an institution, screenings and parents' goals."""

from __future__ import annotations

from typing import Any

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
    can_see_confidential,
    cases_visible_to,
    enrolments_visible_to,
    get_visible_or_404,
    people_visible_to,
    programmes_visible_to,
    require,
)
from zakrila.accounts.queries import staff_of
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.offline import offline_page
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.organisations.models import Programme, ProgrammeKind
from zakrila.people.models import Person
from zakrila.programmes import pages  # noqa: F401  (registers the programmes' sections)
from zakrila.programmes.forms import (
    BirthForm,
    GoalForm,
    LeavingForm,
    LeftForm,
    MaternitySignalForm,
    PregnancyForm,
    ScreeningForm,
)
from zakrila.programmes.models import InstitutionLeaving, ParentGoal, Pregnancy
from zakrila.programmes.queries import enrolment_for
from zakrila.programmes.services import (
    goal_add,
    goal_met,
    leaving_record,
    leaving_register,
    maternity_signal_register,
    pregnancy_birth,
    pregnancy_register,
    screening_record,
)


def _programme(request: MemberRequest, pk: int, kind: str) -> Programme:
    programme = get_visible_or_404(
        programmes_visible_to(request.user).filter(kind=kind).select_related("unit"), pk=pk
    )
    require(request.user, "enrolment.manage", organisation_id=programme.organisation_id)
    return programme


def _person_from_query(request: MemberRequest, organisation_id: int) -> Person | None:
    raw = request.GET.get("person") or request.POST.get("person") or ""
    if not raw.isdecimal():
        return None
    return get_visible_or_404(
        people_visible_to(request.user).filter(organisation_id=organisation_id), pk=int(raw)
    )


def programme_url(programme: Programme) -> str:
    return str(reverse("programmes:programme", args=[programme.pk]))


def _render(request: MemberRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**context, "nav_active": "programmes"})


@login_required
@offline_page  # a signal can come at night from a ward without signal: kept on the device
def maternity_new(request: MemberRequest, pk: int) -> HttpResponse:
    """A signal from the maternity ward: mother and newborn registered in one step."""
    programme = _programme(request, pk, ProgrammeKind.MATERNITY_WARD)
    mother = _person_from_query(request, programme.organisation_id)
    show_health = can_see_confidential(request.user, programme)
    form = MaternitySignalForm(
        request.POST or None,
        staff=staff_of(programme.organisation_id),
        mother=mother,
        show_health=show_health,
        initial={"signalled_at": timezone.localtime(), "worker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signal = submit_once(
                request,
                lambda: maternity_signal_register(
                    actor=request.user,
                    programme=programme,
                    worker=data["worker"],
                    hospital=data["hospital"],
                    ward=data["ward"],
                    signalled_at=data["signalled_at"],
                    caller=data["caller"],
                    mother=mother,
                    mother_data=form.person_data("mother") if mother is None else None,
                    newborn_data={
                        "first_name": data["newborn_first_name"],
                        "sex": data["newborn_sex"],
                        "birth_date": data["newborn_birth_date"],
                    },
                    risk_factors=data["risk_factors"],
                ),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The signal is registered, with the mother and the newborn.")
            )
            return redirect(signal)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("Signal from the maternity ward"),
            "lead": _("Mother: %(name)s") % {"name": mother.display_name}
            if mother
            else programme.name,
            "form": form,
            "back": programme_url(programme),
            "outbox_label": _("Maternity signal — %(time)s")
            % {"time": timezone.localtime().strftime("%d.%m.%Y %H:%M")},
        },
    )


@login_required
def pregnancy_new(request: MemberRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, ProgrammeKind.FAMILY_PLANNING)
    woman = _person_from_query(request, programme.organisation_id)
    show_health = can_see_confidential(request.user, programme)
    form = PregnancyForm(
        request.POST or None,
        staff=staff_of(programme.organisation_id),
        woman=woman,
        show_health=show_health,
        initial={"worker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def register() -> Pregnancy:
            from zakrila.people.services import person_create

            person = woman or person_create(
                actor=request.user,
                organisation_id=programme.organisation_id,
                data={"unit": programme.unit, "sex": "female", **form.person_data("woman")},
            )
            return pregnancy_register(
                actor=request.user,
                programme=programme,
                woman=person,
                worker=data["worker"],
                last_period_on=data["last_period_on"],
                due_on=data["due_on"],
                has_gp=data.get("has_gp", False),
                has_obstetrician=data.get("has_obstetrician", False),
                risk_flags=data.get("risk_flags", []),
                health_note=data.get("health_note", ""),
            )

        try:
            pregnancy = submit_once(request, register)
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The pregnancy is registered; its contacts are scheduled."))
            return redirect(pregnancy)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("Register a pregnancy"),
            "lead": woman.display_name if woman else programme.name,
            "form": form,
            "back": programme_url(programme),
        },
    )


@login_required
def pregnancy_birth_view(request: MemberRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.manage", organisation_id=enrolment.organisation_id)
    pregnancy = get_visible_or_404(
        Pregnancy.objects.filter(enrolment=enrolment), enrolment=enrolment
    )
    onwards = programmes_visible_to(request.user).filter(
        organisation_id=enrolment.organisation_id,
        kind__in=[ProgrammeKind.EARLY_INTERVENTION, ProgrammeKind.MATERNITY_WARD],
    )
    form = BirthForm(
        request.POST or None,
        schedule=enrolment.schedule,
        programmes=onwards,
        initial={"birth_on": timezone.localdate(), "outcome": "live_birth"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pregnancy_birth(
                actor=request.user,
                pregnancy=pregnancy,
                birth_on=data["birth_on"],
                outcome=data["outcome"],
                newborn_data={"first_name": data["newborn_first_name"], "sex": data["newborn_sex"]},
                enrol_in=data["enrol_in"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The birth is recorded."))
            return redirect(enrolment)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("Record the birth"),
            "lead": enrolment.person.display_name,
            "form": form,
            "back": enrolment.get_absolute_url(),
        },
    )


@login_required
def leaving_new(request: MemberRequest, pk: int) -> HttpResponse:
    """A child preparing to leave an institution (enrolled from the child's page)."""
    programme = _programme(request, pk, ProgrammeKind.DEINSTITUTIONALISATION)
    child = _person_from_query(request, programme.organisation_id)
    form = LeavingForm(
        request.POST or None,
        staff=staff_of(programme.organisation_id),
        cases=cases_visible_to(request.user).filter(person=child)
        if child
        else cases_visible_to(request.user).none(),
        child=child,
        initial={"worker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def register() -> InstitutionLeaving:
            from zakrila.people.services import person_create

            person = child or person_create(
                actor=request.user,
                organisation_id=programme.organisation_id,
                data={"unit": programme.unit, **form.person_data("child")},
            )
            return leaving_register(
                actor=request.user,
                programme=programme,
                child=person,
                worker=data["worker"],
                institution=data["institution"],
                institution_kind=data["institution_kind"],
                planned_on=data["planned_on"],
                case=data["case"],
            )

        try:
            leaving = submit_once(request, register)
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The child is enrolled for the preparation."))
            return redirect(leaving)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("A child leaving an institution"),
            "lead": child.display_name if child else programme.name,
            "form": form,
            "back": programme_url(programme),
        },
    )


@login_required
def leaving_left(request: MemberRequest, pk: int) -> HttpResponse:
    """The child left the institution: where to, and from when the follow-ups count."""
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.manage", organisation_id=enrolment.organisation_id)
    leaving = get_visible_or_404(
        InstitutionLeaving.objects.filter(enrolment=enrolment), enrolment=enrolment
    )
    form = LeftForm(
        request.POST or None,
        schedule=enrolment.schedule,
        initial={"left_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            leaving_record(
                actor=request.user,
                leaving=leaving,
                left_on=form.cleaned_data["left_on"],
                destination=form.cleaned_data["destination"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Recorded: the follow-ups at 3, 6 and 12 months are scheduled.")
            )
            return redirect(enrolment)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("The child left the institution"),
            "lead": f"{enrolment.person.display_name} · {leaving.institution}",
            "form": form,
            "back": enrolment.get_absolute_url(),
        },
    )


@login_required
def screening_new(request: MemberRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.visit", organisation_id=enrolment.organisation_id)
    if enrolment.programme.kind != ProgrammeKind.EARLY_INTERVENTION:
        return redirect(enrolment)
    form = ScreeningForm(request.POST or None, initial={"screened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_once(
                request,
                lambda: screening_record(
                    actor=request.user,
                    enrolment=enrolment,
                    screened_on=data["screened_on"],
                    scores=form.scores(),
                    instrument=data["instrument"],
                    score_max=data["score_max"],
                    note=data["note"],
                ),
                then=enrolment.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The screening is recorded."))
            return redirect(enrolment)
    return _render(
        request,
        "programmes/form_page.html",
        {
            "heading": _("New screening"),
            "lead": enrolment.person.display_name,
            "form": form,
            "back": enrolment.get_absolute_url(),
        },
    )


@login_required
@require_POST
def goal_new(request: MemberRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for(user=request.user, pk=pk)
    require(request.user, "enrolment.visit", organisation_id=enrolment.organisation_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        goal_add(actor=request.user, enrolment=enrolment, text=form.cleaned_data["text"])
        messages.success(request, _("The parent's goal is added."))
    else:
        messages.error(request, _("Write the parent's goal."))
    return redirect(enrolment)


@login_required
@require_POST
def goal_done(request: MemberRequest, pk: int) -> HttpResponse:
    goal = get_visible_or_404(
        ParentGoal.objects.filter(enrolment__in=enrolments_visible_to(request.user)), pk=pk
    )
    require(request.user, "enrolment.visit", organisation_id=goal.organisation_id)
    if goal.met_on is None:
        goal_met(actor=request.user, goal=goal, met_on=timezone.localdate())
        messages.success(request, _("The goal is marked as met."))
    return redirect("programmes:enrolment", pk=goal.enrolment_id)


SPECIAL_FORMS: dict[str, str] = {
    ProgrammeKind.MATERNITY_WARD: "programmes:maternity_new",
    ProgrammeKind.FAMILY_PLANNING: "programmes:pregnancy_new",
    ProgrammeKind.DEINSTITUTIONALISATION: "programmes:leaving_new",
}
