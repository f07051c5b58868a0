"""Reading casework. Every function starts from what the user may see (``zakrila.accounts.policy``):
a record of another organisation, or of a restricted case the user is not on, is a 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zakrila.accounts.models import User
from zakrila.accounts.policy import (
    can_read_case_confidential,
    case_records_visible_to,
    cases_visible_to,
    get_visible_or_404,
    referrals_visible_to,
    referrals_waiting_visible_to,
    tasks_visible_to,
)
from zakrila.cases.models import (
    Assessment,
    Case,
    CaseDocument,
    CaseStatus,
    Closure,
    FollowUp,
    PlanGoal,
    Referral,
    ReferralSource,
    RiskLevel,
    ServiceContract,
    SupportPlan,
    Task,
)
from zakrila.core.links import url_for
from zakrila.core.paging import Page, keyset_page

CASE_PAGE_SIZE = 50


# --- Single records ---------------------------------------------------------------------------


def case_for(*, user: Any, pk: int, also: tuple[str, ...] = ()) -> Case:
    """The case if the user may see it (404 otherwise), with what its pages show; ``also``
    names more relations to read in the same query (the case page: its closure)."""
    return get_visible_or_404(
        cases_visible_to(user).select_related(
            "unit", "person", "household", "household__child", "key_worker", "referral", *also
        ),
        pk=pk,
    )


def case_for_page(*, user: Any, pk: int) -> Case:
    """The case for its own page (404 when the user may not see it): with its unit, child and
    key worker in one statement; its household and referral are read only when it has them
    (and its closure by the page's sections). One statement of all eight tables cost
    PostgreSQL 2.5 ms to plan for 0.2 ms of work, and Django as much to build, on every page."""
    from zakrila.people.models import Household

    case = get_visible_or_404(
        cases_visible_to(user).select_related("unit", "person", "key_worker"), pk=pk
    )
    if case.household_id is not None:
        case.household = Household.objects.select_related("child").get(pk=case.household_id)
    return case


@dataclass(frozen=True)
class PersonCaseRow:
    """One of a person's cases as their page lists it."""

    url: str
    number: str
    unit: str
    status: str
    is_restricted: bool


def cases_of_person(*, user: Any, person_id: int) -> list[PersonCaseRow]:
    """The person's cases the user may see, newest first, read as values (a person's page is
    opened all day; a handful of rows needs no models)."""
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    case_url = url_for("cases:case")
    rows = (
        cases_visible_to(user)
        .filter(person_id=person_id)
        .order_by("-opened_on", "-id")
        .values_list("pk", "number", "unit__name", "status", "is_restricted")
    )
    return [
        PersonCaseRow(case_url(pk), number, unit, statuses.get(status, status), restricted)
        for pk, number, unit, status, restricted in rows
    ]


def referral_for(*, user: Any, pk: int) -> Referral:
    return get_visible_or_404(referrals_visible_to(user).select_related("person", "unit"), pk=pk)


def assessment_for(*, user: Any, pk: int) -> Assessment:
    """An assessment with its template; its answers are confidential to the case team, the
    director and specialists (403 for the others who see the case)."""
    assessment = get_visible_or_404(
        case_records_visible_to(user, Assessment)
        .select_related(
            "case", "case__person", "case__unit", "template", "completed_by", "approved_by"
        )
        .prefetch_related("template__sections__questions"),  # the form and the answers read them
        pk=pk,
    )
    if not can_read_case_confidential(user, assessment.case):
        raise PermissionDenied(
            _(
                "The answers of an assessment are confidential: the case team, the director and specialists read them."
            )
        )
    return assessment


def plan_for(*, user: Any, pk: int) -> SupportPlan:
    return get_visible_or_404(
        case_records_visible_to(user, SupportPlan).select_related(
            "case", "case__person", "case__unit", "approved_by"
        ),
        pk=pk,
    )


def goal_for(*, user: Any, pk: int) -> PlanGoal:
    return get_visible_or_404(
        case_records_visible_to(user, PlanGoal).select_related("plan", "plan__case"), pk=pk
    )


def contract_for(*, user: Any, pk: int) -> ServiceContract:
    return get_visible_or_404(
        case_records_visible_to(user, ServiceContract).select_related("case"), pk=pk
    )


def document_for(*, user: Any, pk: int) -> CaseDocument:
    return get_visible_or_404(
        case_records_visible_to(user, CaseDocument).select_related("case"), pk=pk
    )


def follow_up_for(*, user: Any, pk: int) -> FollowUp:
    return get_visible_or_404(case_records_visible_to(user, FollowUp).select_related("case"), pk=pk)


def pending_closure_for(*, user: Any, case: Case) -> Closure:
    return get_visible_or_404(
        case_records_visible_to(user, Closure).filter(case=case, approved_at__isnull=True)
    )


def task_for(*, user: Any, pk: int) -> Task:
    return get_visible_or_404(tasks_visible_to(user).select_related("case"), pk=pk)


# --- "My" work: one definition each ------------------------------------------------------------


def my_cases(*, user: Any, organisation_id: int) -> QuerySet[Case]:
    """The open cases a worker works on: as key worker or on the team."""
    team = Case.team.through.objects.filter(user_id=user.pk).values("case_id")
    return (
        cases_visible_to(user)
        .filter(organisation_id=organisation_id)
        .exclude(status=CaseStatus.CLOSED)
        .filter(Q(key_worker_id=user.pk) | Q(pk__in=team))
    )


def my_open_tasks(*, user: Any, organisation_id: int) -> QuerySet[Task]:
    """The worker's open tasks that they may see, due first."""
    return (
        tasks_visible_to(user)
        .filter(done_at__isnull=True, organisation_id=organisation_id, assignee=user)
        .select_related("case")
        .order_by("due_on", "id")
    )


def overdue_per_worker(*, organisation_id: int, today: dt.date) -> QuerySet[Any]:
    """For the director: how much overdue work each worker has, most first."""
    return (
        Task.objects.open()
        .filter(organisation_id=organisation_id, due_on__lt=today)
        .values("assignee__full_name", "assignee__email")
        .annotate(overdue=Count("id"), oldest=Min("due_on"))
        .order_by("-overdue")
    )


@dataclass(frozen=True)
class Approval:
    """One thing waiting for the director's decision: an assessment, a plan or a closure."""

    kind: str
    case_number: str
    person: str
    since: dt.date
    url: str


_PERSON = (
    "case__person__first_name",
    "case__person__middle_name",
    "case__person__last_name",
    "case__person__description",
    "case__person__anonymised_at",
)


def _person_name(row: Mapping[str, Any]) -> str:
    from zakrila.people.models import Person

    return Person.name_from_values(row, "case__person")


def approvals_waiting(*, user: Any, organisation_id: int) -> list[Approval]:
    """What waits for this director, oldest first: completed assessments, draft plans ready to
    approve (every goal has an activity) and proposed closures. Empty for anyone who does not
    approve. Only records the user may see are listed (restricted cases stay hidden)."""
    from zakrila.accounts.policy import has_capability
    from zakrila.cases.models import AssessmentStatus, PlanStatus

    waiting: list[Approval] = []
    if has_capability(user, "case.approve_assessment", organisation_id):
        assessments = (
            case_records_visible_to(user, Assessment)
            .filter(organisation_id=organisation_id, status=AssessmentStatus.COMPLETED)
            .values("pk", "case__number", *_PERSON, "completed_at")
        )
        waiting += [
            Approval(
                kind=_("Assessment"),
                case_number=row["case__number"],
                person=_person_name(row),
                since=timezone.localdate(row["completed_at"])
                if row["completed_at"]
                else timezone.localdate(),
                url=reverse("cases:assessment", args=[row["pk"]]),
            )
            for row in assessments
        ]
        plans = (
            case_records_visible_to(user, SupportPlan)
            .filter(organisation_id=organisation_id, status=PlanStatus.DRAFT, goals__isnull=False)
            .exclude(goals__activities__isnull=True)
            .distinct()
            .values("pk", "case__number", *_PERSON, "updated_at")
        )
        waiting += [
            Approval(
                kind=_("Individual support plan"),
                case_number=row["case__number"],
                person=_person_name(row),
                since=timezone.localdate(row["updated_at"]),
                url=reverse("cases:plan", args=[row["pk"]]),
            )
            for row in plans
        ]
    if has_capability(user, "case.approve", organisation_id):
        closures = (
            case_records_visible_to(user, Closure)
            .filter(organisation_id=organisation_id, approved_at__isnull=True)
            .values("case_id", "case__number", *_PERSON, "created_at")
        )
        waiting += [
            Approval(
                kind=_("Closure"),
                case_number=row["case__number"],
                person=_person_name(row),
                since=timezone.localdate(row["created_at"]),
                url=reverse("cases:closure_decide", args=[row["case_id"]]),
            )
            for row in closures
        ]
    return sorted(waiting, key=lambda approval: (approval.since, approval.case_number))


@dataclass(frozen=True)
class PendingReferralRow:
    """A referral waiting for a decision, as the case list shows it (plain values)."""

    url: str
    person: str
    source: str
    received_on: dt.date
    unit: str


def pending_referrals(
    *, user: Any, organisation_id: int, limit: int = 20
) -> list[PendingReferralRow]:
    """The newest referrals waiting for a decision that the user may see, read as values: the
    case list shows the first ``limit`` on every page view, so no model instances."""
    from zakrila.people.models import Person

    rows = (
        referrals_waiting_visible_to(user)
        .filter(organisation_id=organisation_id)
        .order_by("-received_on", "-id")
        .values(
            "pk",
            "source",
            "received_on",
            "unit__name",
            "person__first_name",
            "person__middle_name",
            "person__last_name",
            "person__description",
            "person__anonymised_at",
        )[:limit]
    )
    sources = {key: str(label) for key, label in ReferralSource.choices}
    referral_url = url_for("cases:referral")
    return [
        PendingReferralRow(
            url=referral_url(row["pk"]),
            person=Person.name_from_values(row, "person"),
            source=sources.get(row["source"], row["source"]),
            received_on=row["received_on"],
            unit=row["unit__name"],
        )
        for row in rows
    ]


# --- The case list ---------------------------------------------------------------------------

STATUS_OPEN = ""
STATUS_ALL = "all"


class CheckboxFilter(django_filters.Filter):
    """A filter ticked in a checkbox ("on"), not chosen from yes/no/unknown."""

    field_class = forms.BooleanField


class IdFilter(django_filters.NumberFilter):
    """A record's id typed in a link: a whole number within the ids a database holds; anything
    else (a fraction, 10^30, text) is ignored like any other value that is not a choice."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**62)
        super().__init__(*args, **kwargs)


class CaseFilter(django_filters.FilterSet):
    """The case list's filters: unit, status (open cases by default), key worker, risk,
    overdue work, and only the cases I work on. A value that is not one of the choices is
    ignored, never an error page."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[(STATUS_ALL, gettext_lazy("all")), *CaseStatus.choices],
        empty_label=gettext_lazy("open cases"),
        null_value="__none__",
        method="filter_status",
    )
    unit = IdFilter(label=gettext_lazy("Unit"), field_name="unit_id")
    worker = IdFilter(label=gettext_lazy("Key worker"), field_name="key_worker_id")
    risk = django_filters.ChoiceFilter(
        label=gettext_lazy("Risk"),
        choices=RiskLevel.choices,
        empty_label=gettext_lazy("any"),
        field_name="risk_level",
    )
    overdue = CheckboxFilter(label=gettext_lazy("With overdue work"), method="filter_overdue")
    mine = CheckboxFilter(label=gettext_lazy("Only cases I work on"), method="filter_mine")

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset: QuerySet[Case]) -> QuerySet[Case]:
        # Open cases unless a status is chosen: the default is a filter too.
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.exclude(status=CaseStatus.CLOSED)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        if value in ("", STATUS_ALL):
            return queryset
        return queryset.filter(status=value)

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        if not value:
            return queryset
        late = Task.objects.open().filter(due_on__lt=timezone.localdate(), case__isnull=False)
        return queryset.filter(pk__in=late.values("case_id"))

    def filter_mine(self, queryset: QuerySet[Case], name: str, value: bool) -> QuerySet[Case]:
        if not value:
            return queryset
        team = Case.team.through.objects.filter(user_id=self.user.pk).values("case_id")
        return queryset.filter(Q(key_worker_id=self.user.pk) | Q(pk__in=team))


@dataclass(frozen=True)
class CaseRow:
    """One row of the case list, read as plain values (no model instances, no per-row lookups)."""

    pk: int
    url: str
    number: str
    is_restricted: bool
    person: str
    status: str
    risk: str
    key_worker: str
    opened_on: dt.date


@dataclass(frozen=True)
class CaseList:
    page: Page[CaseRow]
    filters: dict[str, Any]  # the filters that applied, for the audit trail and the form


def case_list(
    *, user: User, organisation_id: int, unit_id: int | None, params: Mapping[str, Any]
) -> CaseList:
    """A page of the cases the user may see in the organisation, newest first, filtered."""
    from zakrila.people.models import Person

    cases = cases_visible_to(user).filter(organisation_id=organisation_id)
    filterset = CaseFilter(params, queryset=cases, user=user)
    cases = filterset.qs
    data = {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", False)}
    if "unit" not in data and unit_id is not None:
        cases = cases.filter(unit_id=unit_id)
    rows = cases.values(
        "pk",
        "number",
        "is_restricted",
        "status",
        "risk_level",
        "opened_on",
        "person__first_name",
        "person__middle_name",
        "person__last_name",
        "person__description",
        "person__anonymised_at",
        "key_worker__full_name",
        "key_worker__email",
    )
    after = params.get("after")
    page = keyset_page(
        rows, order=("-opened_on", "-id"), after=str(after) if after else None, size=CASE_PAGE_SIZE
    )
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    risks = {key: str(label) for key, label in RiskLevel.choices}
    case_url = url_for("cases:case")
    shown = [
        CaseRow(
            pk=row["pk"],
            url=case_url(row["pk"]),
            number=row["number"],
            is_restricted=row["is_restricted"],
            person=Person.name_from_values(row, "person"),
            status=statuses.get(row["status"], row["status"]),
            risk=risks.get(row["risk_level"], row["risk_level"]),
            key_worker=row["key_worker__full_name"] or row["key_worker__email"] or "",
            opened_on=row["opened_on"],
        )
        for row in page.rows
    ]
    return CaseList(page=Page(shown, page.next_token, page.started_after), filters=data)


@dataclass(frozen=True)
class FilterField:
    """One filter of a list page, rendered from plain (value, label) lists: cheaper than a
    form's widget templates, and a value that is not a choice simply shows nothing chosen."""

    name: str
    label: str
    options: list[tuple[str, str]] | None  # None: a checkbox
    value: str

    @property
    def checked(self) -> bool:
        return self.options is None and self.value.lower() in ("on", "true", "1")


def case_filter_choices(
    *, user: Any, organisation_id: int, params: Mapping[str, Any], unit: Any
) -> list[FilterField]:
    from zakrila.accounts.policy import access_for
    from zakrila.core.lookups import staff, units_reached

    def given(name: str) -> str:
        raw = params.get(name, "")
        return str(raw)[:40] if raw else ""

    reach = access_for(user).reach_in(organisation_id)
    units = units_reached(organisation_id, reach.unit_ids if reach else frozenset())
    unit_options = [("", _("all units"))] + [(str(unit.pk), unit.name) for unit in units]
    staff_options = [("", _("anyone"))] + [(str(pk), name) for pk, name in staff(organisation_id)]
    return [
        FilterField(
            "status",
            _("Status"),
            [("", _("open cases")), (STATUS_ALL, _("all"))]
            + [(key, str(label)) for key, label in CaseStatus.choices],
            given("status"),
        ),
        FilterField(
            "unit", _("Unit"), unit_options, given("unit") or (str(unit.pk) if unit else "")
        ),
        FilterField("worker", _("Key worker"), staff_options, given("worker")),
        FilterField(
            "risk",
            _("Risk"),
            [("", _("any"))] + [(key, str(label)) for key, label in RiskLevel.choices],
            given("risk"),
        ),
        FilterField("overdue", _("With overdue work"), None, given("overdue")),
        FilterField("mine", _("Only cases I work on"), None, given("mine")),
    ]
