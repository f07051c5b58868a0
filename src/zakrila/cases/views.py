"""Pages for referrals, cases and contacts. Every page starts from ``cases_visible_to``: a case
of another organisation, or a restricted case the user is not on, is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import (
    can_read_case_confidential,
    cases_visible_to,
    get_visible_or_404,
    has_capability,
    households_visible_to,
    people_visible_to,
    referrals_visible_to,
    require,
    units_visible_to,
)
from zakrila.audit.models import AuditAction
from zakrila.audit.queries import audit_events_for_record
from zakrila.audit.services import audit_record
from zakrila.audit.views import record_history
from zakrila.cases.forms import (
    ActivityForm,
    AnnexForm,
    AssessmentForm,
    AssessmentStartForm,
    CaseEditForm,
    CaseFilterForm,
    CaseMoveForm,
    CaseOpenForm,
    ClosureDecisionForm,
    ClosureForm,
    ContactForm,
    DocumentForm,
    FollowUpForm,
    GoalForm,
    PlanForm,
    ReferralDecisionForm,
    ReferralForm,
    ReviewForm,
    ServiceContractForm,
    TaskForm,
    staff_of,
)
from zakrila.cases.models import (
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
    Case,
    CaseDocument,
    CaseStatus,
    Closure,
    FollowUp,
    PlanGoal,
    PlanStatus,
    ReferralDecision,
    ServiceContract,
    SupportPlan,
    Task,
)
from zakrila.cases.services import (
    activity_add,
    annex_record,
    assessment_approve,
    assessment_printed,
    assessment_save,
    assessment_start,
    case_move,
    case_open,
    case_update,
    case_viewed,
    closure_approve,
    closure_reject,
    closure_request,
    contact_record,
    contract_record,
    document_downloaded,
    document_upload,
    follow_up_record,
    goal_add,
    goal_remove,
    plan_approve,
    plan_create,
    plan_printed,
    plan_update,
    referral_decide,
    referral_register,
    review_record,
    task_complete,
    task_create,
)
from zakrila.cases.services.plans import PLAN_FIELDS
from zakrila.cases.timeline import CaseRecords, case_timeline
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf

PAGE_SIZE = 50


def _case_or_404(request: MemberRequest, pk: int) -> Case:
    return get_visible_or_404(
        cases_visible_to(request.user).select_related(
            "unit", "person", "household", "key_worker", "referral"
        ),
        pk=pk,
    )


@login_required
def case_list(request: MemberRequest) -> HttpResponse:
    """Cases by unit, status, worker, risk and overdue work; keyset pages, newest first."""
    organisation_id = request.membership.organisation_id
    require(request.user, "case.view", organisation_id=organisation_id)
    form = CaseFilterForm(
        request.GET or None,
        units=units_visible_to(request.user).filter(organisation_id=organisation_id),
        staff=staff_of(organisation_id),
    )
    cases = cases_visible_to(request.user).filter(organisation_id=organisation_id)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        cases = cases.exclude(status=CaseStatus.CLOSED)
    elif status != "all":
        cases = cases.filter(status=status)
    unit = data.get("unit") or request.unit
    if unit:
        cases = cases.filter(unit=unit)
    if data.get("worker"):
        cases = cases.filter(key_worker=data["worker"])
    if data.get("risk"):
        cases = cases.filter(risk_level=data["risk"])
    if data.get("overdue"):
        late = Task.objects.open().filter(due_on__lt=timezone.localdate(), case__isnull=False)
        cases = cases.filter(pk__in=late.values("case_id"))
    if data.get("mine"):
        team = Case.team.through.objects.filter(user_id=request.user.pk).values("case_id")
        cases = cases.filter(Q(key_worker=request.user) | Q(pk__in=team))
    after = _case_keyset(request.GET.get("after"))
    if after is not None:
        opened, pk = after
        cases = cases.filter(opened_on__lte=opened).filter(
            Q(opened_on__lt=opened) | Q(opened_on=opened, pk__lt=pk)
        )
    rows = list(
        cases.select_related("unit", "person", "key_worker").order_by("-opened_on", "-id")[
            : PAGE_SIZE + 1
        ]
    )
    next_after = (
        f"{rows[PAGE_SIZE - 1].opened_on.isoformat()}_{rows[PAGE_SIZE - 1].pk}"
        if len(rows) > PAGE_SIZE
        else None
    )
    rows = rows[:PAGE_SIZE]
    with transaction.atomic():
        audit_record(
            action=AuditAction.SEARCH, actor=request.user, organisation_id=organisation_id,
            object_type="cases.case",
            details={"list": True, "filters": {k: str(v) for k, v in data.items() if v}, "shown": len(rows)},
        )  # fmt: skip
    pending = referrals_visible_to(request.user).filter(
        organisation_id=organisation_id, decision=ReferralDecision.PENDING
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "cases": rows,
            "next_after": next_after,
            "query": query.urlencode(),
            "pending_referrals": pending.select_related("person", "unit")[:20],
            "nav_active": "cases",
        },
    )


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() and len(value) < 19 else None


def _case_keyset(value: str | None) -> tuple[dt.date, int] | None:
    try:
        day, pk = (value or "").split("_")
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


@login_required
def referral_new(request: MemberRequest, person_pk: int) -> HttpResponse:
    person = get_visible_or_404(people_visible_to(request.user), pk=person_pk)
    require(request.user, "case.open", organisation_id=person.organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=person.organisation_id)
    households = households_visible_to(request.user).filter(child=person)
    form = ReferralForm(
        request.POST or None,
        units=units,
        households=households,
        initial={"unit": request.unit or person.unit},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            referral = referral_register(
                actor=request.user, unit=form.cleaned_data["unit"], person=person, data=data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The referral is registered; decide on it below."))
            return redirect("cases:referral", pk=referral.pk)
    return render(
        request, "cases/referral_form.html", {"form": form, "person": person, "nav_active": "cases"}
    )


@login_required
def referral_detail(request: MemberRequest, pk: int) -> HttpResponse:
    referral = get_visible_or_404(
        referrals_visible_to(request.user).select_related("person", "unit"), pk=pk
    )
    organisation_id = referral.organisation_id
    can_decide = has_capability(request.user, "case.open", organisation_id)
    form = ReferralDecisionForm(
        request.POST or None,
        staff=staff_of(organisation_id),
        initial={"version": referral.version, "key_worker": request.user.pk},
    )
    if request.method == "POST":
        require(request.user, "case.open", organisation_id=organisation_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = referral_decide(
                    actor=request.user, referral=referral, decision=data["decision"], reason=data["decision_reason"],
                    redirected_to=data["redirected_to"], key_worker=data["key_worker"], expected_version=data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if case is not None:
                    messages.success(
                        request, _("Case %(number)s is opened.") % {"number": case.number}
                    )
                    return redirect(case)
                messages.success(request, _("The decision is recorded."))
                return redirect("cases:list")
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW, actor=request.user, obj=referral, person_id=referral.person_id
        )
    return render(
        request,
        "cases/referral_detail.html",
        {"referral": referral, "form": form, "can_decide": can_decide, "nav_active": "cases"},
    )


@login_required
def case_new(request: MemberRequest, person_pk: int) -> HttpResponse:
    """Open a case without a referral (universally accessible services)."""
    person = get_visible_or_404(people_visible_to(request.user), pk=person_pk)
    require(request.user, "case.open", organisation_id=person.organisation_id)
    units = units_visible_to(request.user).filter(organisation_id=person.organisation_id)
    form = CaseOpenForm(
        request.POST or None,
        units=units,
        staff=staff_of(person.organisation_id),
        initial={"unit": request.unit or person.unit, "key_worker": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = case_open(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s is opened.") % {"number": case.number})
            return redirect(case)
    return render(
        request, "cases/case_new.html", {"form": form, "person": person, "nav_active": "cases"}
    )


@login_required
def case_detail(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    organisation_id = case.organisation_id
    show_confidential = can_read_case_confidential(request.user, case)
    with transaction.atomic():
        case_viewed(actor=request.user, case=case)
    records = CaseRecords.of(case)
    timeline = case_timeline(case, before=_positive_int(request.GET.get("before")), records=records)
    if "before" in request.GET and getattr(request, "htmx", False):  # "Earlier entries"
        return render(
            request,
            "cases/_timeline_entries.html",
            {"case": case, "timeline": timeline, "show_confidential": show_confidential},
        )
    can_manage = has_capability(request.user, "case.manage", organisation_id)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "timeline": timeline,
            "timeline_continued": "before" in request.GET,
            "team": case.team.all(),
            "show_confidential": show_confidential,
            "can_manage": can_manage,
            "can_contact": has_capability(request.user, "case.contact", organisation_id)
            and case.is_open,
            "can_history": has_capability(request.user, "case.history", organisation_id),
            "move_form": CaseMoveForm(case=case) if can_manage else None,
            "closure": getattr(case, "closure", None),
            "assessments": records.assessments,
            "plans": records.plans,
            "has_draft_plan": any(plan.status == PlanStatus.DRAFT for plan in records.plans),
            "reviews": records.reviews,
            "contracts": ServiceContract.objects.filter(case=case).prefetch_related("annexes"),
            "documents": records.documents,
            "can_assess": has_capability(request.user, "case.assess", organisation_id)
            and case.is_open,
            "follow_ups": case.follow_ups.all(),
            "tasks": case.tasks.open().select_related("assignee"),
            "can_approve": has_capability(request.user, "case.approve", organisation_id),
            "nav_active": "cases",
        },
    )


@login_required
def case_move_view(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = CaseMoveForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            case_move(
                actor=request.user, case=case, to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case's stage is changed."))
            return redirect(case)
    return render(
        request, "cases/case_move.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def case_edit(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = CaseEditForm(
        request.POST or None,
        instance=case,
        staff=staff_of(case.organisation_id),
        households=households_visible_to(request.user).filter(child=case.person),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in Case.EDITABLE_FIELDS}
        try:
            case = case_update(
                actor=request.user, case=case, data=data, team=form.cleaned_data["team"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(case)
    return render(
        request, "cases/case_edit.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def contact_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    staff = staff_of(case.organisation_id).exclude(pk=request.user.pk)
    form = ContactForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "other_staff"}
        try:
            contact_record(
                actor=request.user, case=case, data=data, staff=form.cleaned_data["other_staff"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contact is recorded."))
            return redirect(case)
    return render(
        request, "cases/contact_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def case_history(request: MemberRequest, pk: int) -> HttpResponse:
    """Who saw and changed this case and its contacts: for the director and the DPO."""
    case = _case_or_404(request, pk)
    require(request.user, "case.history", organisation_id=case.organisation_id)
    contacts = [("cases.contact", pk) for pk in case.contacts.values_list("pk", flat=True)]
    return record_history(
        request,
        record=case,
        events=audit_events_for_record(
            organisation_id=case.organisation_id, records=[("cases.case", case.pk), *contacts]
        ),
        viewed=lambda: case_viewed(actor=request.user, case=case, what="history"),
        nav_active="cases",
    )


@login_required
def closure_new(request: MemberRequest, pk: int) -> HttpResponse:
    """Propose to close the case with its outcome; the director approves."""
    case = _case_or_404(request, pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = ClosureForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closure = closure_request(
                actor=request.user, case=case, outcome=data["outcome"], reason=data["reason"],
                expected_version=data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if closure.is_approved:
                messages.success(
                    request, _("The case is closed; follow-ups at 3, 6 and 12 months are planned.")
                )
            else:
                messages.success(request, _("The closure waits for the director's approval."))
            return redirect(case)
    return render(
        request, "cases/closure_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def closure_decide(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.approve", organisation_id=case.organisation_id)
    closure = get_visible_or_404(Closure.objects.filter(case=case, approved_at__isnull=True))
    form = ClosureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                closure_approve(actor=request.user, closure=closure)
                messages.success(
                    request, _("The case is closed; follow-ups at 3, 6 and 12 months are planned.")
                )
            else:
                closure_reject(
                    actor=request.user, closure=closure, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The closure is returned; the case stays open."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(case)
    return render(
        request,
        "cases/closure_decide.html",
        {"case": case, "closure": closure, "form": form, "nav_active": "cases"},
    )


@login_required
def follow_up_view(request: MemberRequest, pk: int) -> HttpResponse:
    follow_up = get_visible_or_404(
        FollowUp.objects.filter(case__in=cases_visible_to(request.user)).select_related("case"),
        pk=pk,
    )
    case = follow_up.case
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            follow_up_record(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect(case)
    return render(
        request,
        "cases/follow_up_form.html",
        {"case": case, "follow_up": follow_up, "form": form, "nav_active": "cases"},
    )


@login_required
def task_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = TaskForm(
        request.POST or None,
        staff=staff_of(case.organisation_id),
        initial={"assignee": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        task_create(
            actor=request.user, case=case, organisation_id=case.organisation_id, **form.cleaned_data
        )
        messages.success(request, _("The task is added."))
        return redirect(case)
    return render(
        request, "cases/task_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
@require_POST
def task_done(request: MemberRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(
        Task.objects.filter(
            organisation_id__in=[m.organisation_id for m in request.memberships]
        ).filter(Q(assignee=request.user) | Q(case__in=cases_visible_to(request.user))),
        pk=pk,
    )
    task_complete(actor=request.user, task=task)
    messages.success(request, _("Marked as done."))
    next_url = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("cases:my_work")


@login_required
def my_work(request: MemberRequest) -> HttpResponse:
    """My open tasks, overdue first; the director also sees overdue work per worker."""
    organisation_id = request.membership.organisation_id
    today = timezone.localdate()
    tasks = list(
        Task.objects.open()
        .filter(organisation_id=organisation_id, assignee=request.user)
        .filter(Q(case__isnull=True) | Q(case__in=cases_visible_to(request.user)))
        .select_related("case")
        .order_by("due_on", "id")
    )
    overdue = [task for task in tasks if task.due_on < today]
    upcoming = [task for task in tasks if task.due_on >= today]
    per_worker = None
    if has_capability(request.user, "case.approve", organisation_id):
        per_worker = (
            Task.objects.open()
            .filter(organisation_id=organisation_id, due_on__lt=today)
            .values("assignee__full_name", "assignee__email")
            .annotate(overdue=Count("id"), oldest=Min("due_on"))
            .order_by("-overdue")
        )
    return render(
        request,
        "cases/my_work.html",
        {
            "overdue": overdue,
            "upcoming": upcoming,
            "per_worker": per_worker,
            "today": today,
            "nav_active": "my_work",
        },
    )


# --- Assessments -------------------------------------------------------------------------------


def _assessment_or_404(request: MemberRequest, pk: int) -> Assessment:
    assessment = get_visible_or_404(
        Assessment.objects.filter(case__in=cases_visible_to(request.user))
        .select_related(
            "case", "case__person", "case__unit", "template", "completed_by", "approved_by"
        )
        .prefetch_related("template__sections__questions"),  # the form and the answers read them
        pk=pk,
    )
    if not can_read_case_confidential(request.user, assessment.case):
        raise PermissionDenied(
            _(
                "The answers of an assessment are confidential: the case team, the director and specialists read them."
            )
        )
    return assessment


@login_required
def assessment_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.assess", organisation_id=case.organisation_id)
    templates = AssessmentTemplate.objects.filter(is_current=True).filter(
        Q(organisation__isnull=True) | Q(organisation_id=case.organisation_id)
    )
    form = AssessmentStartForm(request.POST or None, templates=templates)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_start(
                actor=request.user, case=case, template=form.cleaned_data["template"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(assessment)
    return render(
        request, "cases/assessment_new.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def assessment_detail(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    organisation_id = assessment.organisation_id
    editable = assessment.status == AssessmentStatus.DRAFT and has_capability(
        request.user, "case.assess", organisation_id
    )
    form = AssessmentForm(request.POST or None, assessment=assessment) if editable else None
    if request.method == "POST":
        require(request.user, "case.assess", organisation_id=organisation_id)
        if form is not None and form.is_valid():
            complete = request.POST.get("action") == "complete"
            try:
                assessment_save(
                    actor=request.user, assessment=assessment, answers=form.answers(), complete=complete,
                    expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The assessment is completed.") if complete else _("The draft is saved."),
                )
                return redirect(assessment)
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW,
            actor=request.user,
            obj=assessment,
            person_id=assessment.case.person_id,
        )
    return render(
        request,
        "cases/assessment_detail.html",
        {
            "assessment": assessment,
            "case": assessment.case,
            "form": form,
            "answered": _answered(assessment),
            "can_approve": assessment.status == AssessmentStatus.COMPLETED
            and has_capability(request.user, "case.approve_assessment", organisation_id),
            "nav_active": "cases",
        },
    )


def _answered(assessment: Assessment) -> list[tuple[Any, list[tuple[str, str]]]]:
    """The answers as text, section by section, in the page's language."""
    rows = []
    for section in assessment.template.sections.all():
        shown = []
        for question in section.questions.all():
            value = assessment.answers.get(question.key)
            labels = dict(question.choice_pairs())
            if value is None:
                text = "—"
            elif isinstance(value, bool):
                text = str(_("yes") if value else _("no"))
            elif isinstance(value, list):
                text = ", ".join(labels.get(str(item), str(item)) for item in value)
            elif question.answer_type == "date":
                text = date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
            elif question.answer_type == "scale":
                text = f"{value} / {question.scale_max}"
            else:
                text = labels.get(str(value), str(value))
            shown.append((question.text, text))
        rows.append((section, shown))
    return rows


@login_required
@require_POST
def assessment_approve_view(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    try:
        assessment_approve(actor=request.user, assessment=assessment)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The assessment is approved."))
    return redirect(assessment)


@login_required
def assessment_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    assessment = _assessment_or_404(request, pk)
    with transaction.atomic():
        assessment_printed(actor=request.user, assessment=assessment)
    pdf = render_pdf(
        "cases/assessment_pdf.html",
        {"assessment": assessment, "case": assessment.case, "answered": _answered(assessment)},
        request=request,
    )
    return pdf_response(pdf, f"{assessment.case.number}-{assessment.template.code}.pdf")


# --- Support plans, reviews, contracts --------------------------------------------------------


def _plan_or_404(request: MemberRequest, pk: int) -> SupportPlan:
    return get_visible_or_404(
        SupportPlan.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "case", "case__person", "case__unit", "approved_by"
        ),
        pk=pk,
    )


@login_required
@require_POST
def plan_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.assess", organisation_id=case.organisation_id)
    try:
        plan = plan_create(actor=request.user, case=case)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(case)
    return redirect(plan)


@login_required
def plan_detail(request: MemberRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    organisation_id = plan.organisation_id
    can_edit = plan.status == PlanStatus.DRAFT and has_capability(
        request.user, "case.assess", organisation_id
    )
    form = PlanForm(request.POST or None, instance=plan) if can_edit else None
    if request.method == "POST":
        require(request.user, "case.assess", organisation_id=organisation_id)
        if form is not None and form.is_valid():
            data = {name: form.cleaned_data[name] for name in PLAN_FIELDS}
            try:
                plan_update(
                    actor=request.user,
                    plan=plan,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The changes are saved."))
                return redirect(plan)
    with transaction.atomic():
        audit_record(
            action=AuditAction.VIEW, actor=request.user, obj=plan, person_id=plan.case.person_id
        )
    return render(
        request,
        "cases/plan_detail.html",
        {
            "plan": plan,
            "case": plan.case,
            "form": form,
            "goals": plan.goals.prefetch_related("activities"),
            "goal_form": GoalForm() if can_edit else None,
            "activity_form": ActivityForm() if can_edit else None,
            "reviews": plan.reviews.prefetch_related("progress__goal"),
            "can_edit": can_edit,
            "can_approve": plan.status == PlanStatus.DRAFT
            and has_capability(request.user, "case.approve_assessment", organisation_id),
            "can_review": plan.status == PlanStatus.APPROVED
            and plan.case.is_open
            and has_capability(request.user, "case.assess", organisation_id),
            "nav_active": "cases",
        },
    )


@login_required
@require_POST
def plan_goal_add(request: MemberRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    require(request.user, "case.assess", organisation_id=plan.organisation_id)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            goal_add(actor=request.user, plan=plan, text=form.cleaned_data["text"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Write the goal."))
    return redirect(plan)


@login_required
@require_POST
def plan_goal_remove(request: MemberRequest, pk: int) -> HttpResponse:
    goal = get_visible_or_404(
        PlanGoal.objects.filter(plan__case__in=cases_visible_to(request.user)).select_related(
            "plan"
        ),
        pk=pk,
    )
    require(request.user, "case.assess", organisation_id=goal.organisation_id)
    try:
        goal_remove(actor=request.user, goal=goal)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(goal.plan)


@login_required
@require_POST
def plan_activity_add(request: MemberRequest, pk: int) -> HttpResponse:
    goal = get_visible_or_404(
        PlanGoal.objects.filter(plan__case__in=cases_visible_to(request.user)).select_related(
            "plan"
        ),
        pk=pk,
    )
    require(request.user, "case.assess", organisation_id=goal.organisation_id)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            activity_add(actor=request.user, goal=goal, data=form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in errors:
                messages.error(request, f"{label}: {problem}" if label else str(problem))
    return redirect(goal.plan)


@login_required
@require_POST
def plan_approve_view(request: MemberRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    try:
        plan_approve(actor=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The plan is approved; its review is planned."))
    return redirect(plan)


@login_required
def plan_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    with transaction.atomic():
        plan_printed(actor=request.user, plan=plan)
    pdf = render_pdf(
        "cases/plan_pdf.html",
        {"plan": plan, "case": plan.case, "goals": plan.goals.prefetch_related("activities")},
        request=request,
    )
    return pdf_response(pdf, f"{plan.case.number}-ipp-{plan.number}.pdf")


@login_required
def review_new(request: MemberRequest, pk: int) -> HttpResponse:
    plan = _plan_or_404(request, pk)
    require(request.user, "case.assess", organisation_id=plan.organisation_id)
    form = ReviewForm(request.POST or None, plan=plan, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            review_record(
                actor=request.user, plan=plan, held_on=form.cleaned_data["held_on"],
                decision=form.cleaned_data["decision"], notes=form.cleaned_data["notes"], progress=form.progress(),
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect(plan.case)
    return render(
        request,
        "cases/review_form.html",
        {"plan": plan, "case": plan.case, "form": form, "nav_active": "cases"},
    )


@login_required
def contract_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.manage", organisation_id=case.organisation_id)
    form = ServiceContractForm(
        request.POST or None,
        initial={"signed_on": timezone.localdate(), "starts_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract_record(actor=request.user, case=case, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The contract is recorded."))
            return redirect(case)
    return render(
        request,
        "cases/contract_form.html",
        {
            "case": case,
            "form": form,
            "title": _("Contract for use of the service"),
            "nav_active": "cases",
        },
    )


@login_required
def annex_new(request: MemberRequest, pk: int) -> HttpResponse:
    contract = get_visible_or_404(
        ServiceContract.objects.filter(case__in=cases_visible_to(request.user)).select_related(
            "case"
        ),
        pk=pk,
    )
    require(request.user, "case.manage", organisation_id=contract.organisation_id)
    form = AnnexForm(request.POST or None, initial={"signed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            annex_record(actor=request.user, contract=contract, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The annex is recorded."))
            return redirect(contract.case)
    return render(
        request,
        "cases/contract_form.html",
        {
            "case": contract.case,
            "form": form,
            "title": _("Annex to contract %(number)s") % {"number": contract.number},
            "nav_active": "cases",
        },
    )


# --- Documents ---------------------------------------------------------------------------------


@login_required
def document_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("title", "kind", "is_confidential")}
        try:
            document_upload(
                actor=request.user, case=case, upload=form.cleaned_data["file"], data=data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is uploaded."))
            return redirect(case)
    return render(
        request, "cases/document_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def document_download(request: MemberRequest, pk: int) -> FileResponse:
    document = get_visible_or_404(
        CaseDocument.objects.filter(case__in=cases_visible_to(request.user)).select_related("case"),
        pk=pk,
    )
    if document.is_confidential and not can_read_case_confidential(request.user, document.case):
        raise PermissionDenied(
            _("This document is confidential: the case team, the director and specialists open it.")
        )
    with transaction.atomic():
        document_downloaded(actor=request.user, document=document)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
