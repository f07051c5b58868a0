"""Reading the training centre. Every function starts from what the user may see
(``zakrila.accounts.policy``): another organisation's record is a 404."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    certificates_visible_to,
    cohorts_visible_to,
    editions_visible_to,
    get_visible_or_404,
    trainees_visible_to,
    training_modules_visible_to,
    training_programmes_visible_to,
    training_sessions_visible_to,
)
from zakrila.training.completion import Completion, cohort_completion, hours_text, scheduled_hours
from zakrila.training.feedback_templates import SCALE
from zakrila.training.models import (
    Attendance,
    Certificate,
    Cohort,
    EditionStatus,
    FeedbackResponse,
    Module,
    ProgrammeEdition,
    Trainee,
    TrainingProgramme,
    TrainingSession,
)

# --- Single records ---------------------------------------------------------------------------


def programme_for(*, user: Any, pk: int) -> TrainingProgramme:
    return get_visible_or_404(training_programmes_visible_to(user), pk=pk)


def edition_for(*, user: Any, pk: int) -> ProgrammeEdition:
    return get_visible_or_404(
        editions_visible_to(user).select_related("programme", "feedback_template"), pk=pk
    )


def module_for(*, user: Any, pk: int) -> Module:
    return get_visible_or_404(
        training_modules_visible_to(user).select_related("edition__programme"), pk=pk
    )


def cohort_for(*, user: Any, pk: int) -> Cohort:
    return get_visible_or_404(
        cohorts_visible_to(user).select_related("edition__programme", "edition__feedback_template"),
        pk=pk,
    )


def trainee_for(*, user: Any, pk: int) -> Trainee:
    return get_visible_or_404(
        trainees_visible_to(user).select_related("cohort__edition__programme"), pk=pk
    )


def session_for(*, user: Any, pk: int) -> TrainingSession:
    return get_visible_or_404(
        training_sessions_visible_to(user).select_related(
            "cohort__edition__programme", "module", "attendance_taken_by"
        ),
        pk=pk,
    )


def certificate_for(*, user: Any, pk: int) -> Certificate:
    return get_visible_or_404(
        certificates_visible_to(user).select_related(
            "trainee__cohort__edition__programme", "issued_by", "revoked_by"
        ),
        pk=pk,
    )


# --- The centre's overview ----------------------------------------------------------------------


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    trainees: int
    state: str  # "running", "planned", "finished"


def _state(cohort: Cohort, today: dt.date) -> str:
    if cohort.starts_on > today:
        return "planned"
    if cohort.ends_on < today:
        return "finished"
    return "running"


def cohort_rows(*, user: Any, organisation_id: int, today: dt.date) -> list[CohortRow]:
    cohorts = (
        cohorts_visible_to(user)
        .filter(organisation_id=organisation_id)
        .select_related("edition__programme")
        .annotate(trainee_count=Count("trainees"))
        .order_by("-starts_on", "-id")
    )
    return [CohortRow(c, c.trainee_count, _state(c, today)) for c in cohorts]


def programmes_with_editions(*, user: Any, organisation_id: int) -> list[TrainingProgramme]:
    return list(
        training_programmes_visible_to(user)
        .filter(organisation_id=organisation_id)
        .prefetch_related("editions")
        .order_by("name")
    )


def published_editions(*, user: Any, organisation_id: int) -> QuerySet[ProgrammeEdition]:
    return (
        editions_visible_to(user)
        .filter(organisation_id=organisation_id, status=EditionStatus.PUBLISHED)
        .select_related("programme")
        .order_by("programme__name", "-number")
    )


# --- A cohort ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleSessions:
    module: Module
    sessions: list[TrainingSession]
    scheduled: Decimal

    @property
    def short(self) -> Decimal:
        """Hours of the module no session teaches yet."""
        return max(Decimal(0), self.module.hours - self.scheduled)


def sessions_by_module(cohort: Cohort) -> list[ModuleSessions]:
    sessions: dict[int, list[TrainingSession]] = defaultdict(list)
    for session in TrainingSession.objects.filter(cohort=cohort).order_by("held_on", "starts_at"):
        sessions[session.module_id].append(session)
    scheduled = scheduled_hours(cohort)
    return [
        ModuleSessions(module, sessions.get(module.pk, []), scheduled.get(module.pk, Decimal(0)))
        for module in Module.objects.filter(edition_id=cohort.edition_id).order_by("number")
    ]


@dataclass
class CompletionRow:
    """One trainee on the completion page: hours per module, and what is missing."""

    trainee: Trainee
    completion: Completion
    certificate: Certificate | None
    missing: list[str] = field(default_factory=list)

    @property
    def waiting_for_certificate(self) -> bool:
        return self.completion.completed and self.certificate is None


def missing_text(completion: Completion, *, rule_every_module: bool) -> list[str]:
    """What a trainee still needs, in words: per module under the every-module rule, or in all."""
    if completion.completed:
        return []
    if rule_every_module:
        return [
            _("module %(number)s: %(missing)s h of %(required)s h required")
            % {
                "number": p.module.number,
                "missing": hours_text(p.missing),
                "required": hours_text(p.required),
            }
            for p in completion.unmet
        ]
    return [
        _("%(missing)s h of %(required)s h required in all")
        % {
            "missing": hours_text(completion.missing_total),
            "required": hours_text(completion.required_total),
        }
    ]


def completion_rows(cohort: Cohort) -> list[CompletionRow]:
    from zakrila.training.models import CompletionRule

    completions = cohort_completion(cohort)
    certificates = {
        c.trainee_id: c
        for c in Certificate.objects.filter(trainee__cohort=cohort, revoked_at__isnull=True)
    }
    every_module = cohort.edition.completion_rule == CompletionRule.EVERY_MODULE
    rows = []
    for trainee in Trainee.objects.filter(cohort=cohort).order_by("full_name", "id"):
        completion = completions[trainee.pk]
        rows.append(
            CompletionRow(
                trainee,
                completion,
                certificates.get(trainee.pk),
                missing_text(completion, rule_every_module=every_module),
            )
        )
    return rows


@dataclass(frozen=True)
class AttendanceRow:
    """One line of the attendance list: who, where from, and whether marked present."""

    pk: int
    name: str
    detail: str
    present: bool


def attendance_rows(session: TrainingSession) -> list[AttendanceRow]:
    marked = dict(Attendance.objects.filter(session=session).values_list("trainee_id", "present"))
    return [
        AttendanceRow(pk, name or _("anonymised trainee"), employer, marked.get(pk, False))
        for pk, name, employer in Trainee.objects.filter(cohort_id=session.cohort_id)
        .order_by("full_name", "id")
        .values_list("pk", "full_name", "employer")
    ]


# --- Feedback ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackSummary:
    """Averages per module and question, and for the whole cohort."""

    questions: list[dict[str, Any]]  # the scale questions, localised
    modules: list[tuple[Module, int, list[Decimal | None]]]  # module, responses, averages
    cohort_averages: list[Decimal | None]
    responses: int
    comments: list[tuple[Module, str, str]]  # module, question text, answer


def _average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"))


def feedback_summary(cohort: Cohort) -> FeedbackSummary | None:
    template = cohort.edition.feedback_template
    if template is None:
        return None
    questions = template.localised_questions()
    scale = [q for q in questions if q["type"] == SCALE]
    texts = {str(q["key"]): str(q["text"]) for q in questions if q["type"] != SCALE}
    modules = list(Module.objects.filter(edition_id=cohort.edition_id).order_by("number"))
    by_module: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for module_id, answers in FeedbackResponse.objects.filter(cohort=cohort).values_list(
        "module_id", "answers"
    ):
        by_module[module_id].append(answers)
    rows = []
    everyone: dict[str, list[int]] = defaultdict(list)
    comments = []
    for module in modules:
        answers_list = by_module.get(module.pk, [])
        averages = []
        for question in scale:
            key = str(question["key"])
            values = [a[key] for a in answers_list if isinstance(a.get(key), int)]
            everyone[key] += values
            averages.append(_average(values))
        rows.append((module, len(answers_list), averages))
        for answers in answers_list:
            for key, text in texts.items():
                if answers.get(key):
                    comments.append((module, text, str(answers[key])))
    return FeedbackSummary(
        questions=scale,
        modules=rows,
        cohort_averages=[_average(everyone[str(q["key"])]) for q in scale],
        responses=sum(count for _m, count, _a in rows),
        comments=comments,
    )


# --- The trainer's day --------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortProgress:
    cohort: Cohort
    trainees: int
    completed: int
    waiting_for_certificate: int
    missing: list[tuple[Trainee, list[str]]]  # the first few who are missing something


@dataclass(frozen=True)
class TrainerDay:
    running: list[Cohort]
    sessions_today: list[TrainingSession]
    attendance_to_take: list[TrainingSession]
    progress: list[CohortProgress]

    @property
    def certificates_to_issue(self) -> int:
        return sum(p.waiting_for_certificate for p in self.progress)


RECENTLY_ENDED_DAYS = 90
MISSING_SHOWN = 5


def trainer_day(*, user: Any, organisation_id: int, today: dt.date) -> TrainerDay:
    """What a trainer starts the day with: running cohorts, today's sessions, attendance still
    to take, and — for running and recently ended cohorts — who completed, who is missing
    what, and how many certificates wait to be issued."""
    cohorts = cohorts_visible_to(user).filter(organisation_id=organisation_id)
    running = list(
        cohorts.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("edition__programme")
        .order_by("starts_on")
    )
    sessions = training_sessions_visible_to(user).filter(organisation_id=organisation_id)
    today_sessions = list(
        sessions.filter(held_on=today).select_related("cohort", "module").order_by("starts_at")
    )
    to_take = list(
        sessions.filter(held_on__lte=today, attendance_taken_at__isnull=True)
        .select_related("cohort", "module")
        .order_by("held_on", "starts_at")[:20]
    )
    recent = (
        cohorts.filter(
            starts_on__lte=today, ends_on__gte=today - dt.timedelta(days=RECENTLY_ENDED_DAYS)
        )
        .select_related("edition")
        .order_by("-ends_on")
    )
    progress = []
    for cohort in recent:
        rows = completion_rows(cohort)
        missing = [(row.trainee, row.missing) for row in rows if not row.completion.completed]
        progress.append(
            CohortProgress(
                cohort=cohort,
                trainees=len(rows),
                completed=sum(1 for row in rows if row.completion.completed),
                waiting_for_certificate=sum(1 for row in rows if row.waiting_for_certificate),
                missing=missing[:MISSING_SHOWN],
            )
        )
    return TrainerDay(running, today_sessions, to_take, progress)


# --- Certificates ------------------------------------------------------------------------------


def certificate_modules(certificate: Certificate) -> list[Module]:
    return list(
        Module.objects.filter(edition_id=certificate.trainee.cohort.edition_id).order_by("number")
    )


def certificates_of_cohort(cohort: Cohort) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(trainee__cohort=cohort)
        .select_related("trainee")
        .order_by("number")
    )


def find_certificate(code: str) -> Certificate | None:
    """The certificate with this code, for the public page (no user: the code is the key)."""
    return (
        Certificate.objects.filter(code=code)
        .select_related("trainee__cohort__edition__programme")
        .first()
    )


def hours_of(modules: list[Module]) -> Decimal:
    return sum((m.hours for m in modules), Decimal(0))


def waiting_trainees(cohort: Cohort) -> int:
    return sum(1 for row in completion_rows(cohort) if row.waiting_for_certificate)


def trainees_of(cohort: Cohort) -> QuerySet[Trainee]:
    return (
        Trainee.objects.filter(cohort=cohort)
        .annotate(
            present=Count("attendance", filter=Q(attendance__present=True)),
        )
        .order_by("full_name", "id")
    )


def trainers_of(organisation_id: int) -> QuerySet[Any]:
    """The staff who may run a cohort: the organisation's trainers and directors."""
    from zakrila.accounts.models import Membership, User
    from zakrila.accounts.policy import CAPABILITIES

    allowed = CAPABILITIES["training.manage"]
    ids = [
        m.user_id
        for m in Membership.objects.current().filter(organisation_id=organisation_id)
        if set(m.roles) & allowed
    ]
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email")
