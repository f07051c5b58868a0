"""Demo casework: referrals from the Child Protection Department and the maternity ward, cases
at every stage, a restricted case, and the contacts of the last months."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from zakrila.accounts.models import Membership, Role, User
from zakrila.cases.models import (
    AnswerType,
    AssessmentTemplate,
    Case,
    CaseStatus,
    ClosureOutcome,
    ContactKind,
    ReferralDecision,
    ReferralSource,
)
from zakrila.cases.reminders import reminders_refresh
from zakrila.cases.services import (
    activity_add,
    assessment_approve,
    assessment_save,
    assessment_start,
    case_move,
    closure_approve,
    closure_request,
    contact_record,
    goal_add,
    plan_approve,
    plan_create,
    plan_update,
    referral_decide,
    referral_register,
)
from zakrila.organisations.models import Organisation, Unit, UnitKind
from zakrila.people.models import Household

NOTES = (
    "Разговор с майката за режима на детето и посещенията при педиатъра.",
    "Посещение в дома: жилището е отоплено, детето е спокойно, има храна.",
    "Консултация с психолог: детето споделя страх от бащата.",
    "Придружаване до Дирекция „Социално подпомагане“ за помощи.",
    "Майката пропусна срещата; разговор по телефона, нова дата.",
)


def _staff(organisation: Organisation, role: str) -> User | None:
    for membership in (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    ):
        if role in membership.roles:
            return membership.user
    return None


def staff_of_role(organisation: Organisation, role: str) -> list[User]:
    """Everyone of the organisation with this role, the demo login first."""
    return [
        membership.user
        for membership in Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("id")
        if role in membership.roles
    ]


def build_cases(*, organisation: Organisation, seed: int, count: int) -> int:
    """Cases of the organisation's community support centre; nothing when it already has some."""
    if Case.objects.filter(organisation=organisation).exists():
        return 0
    unit = (
        Unit.objects.filter(organisation=organisation, kind=UnitKind.COMMUNITY_SUPPORT)
        .order_by("id")
        .first()
    )
    managers = staff_of_role(organisation, Role.CASE_MANAGER)
    specialists = staff_of_role(organisation, Role.SPECIALIST)
    field_workers = staff_of_role(organisation, Role.FIELD_WORKER)
    director = _staff(organisation, Role.DIRECTOR)
    if unit is None or not managers:
        return 0
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    today = timezone.localdate()
    households = list(
        Household.objects.filter(organisation=organisation)
        .select_related("child")
        .order_by("id")[:count]
    )
    made = 0
    for index, household in enumerate(households):
        child = household.child
        # The caseload is shared: the demo login keeps the long file and the restricted case.
        manager = managers[0] if index in (2, 3) else managers[index % len(managers)]
        specialist = specialists[index % len(specialists)] if specialists else None
        stage = index % 5
        # Dates that keep overdue work to a handful: a new case is assessed within its 30 days,
        # a plan is reviewed six months after it starts; one case of each shows what overdue is.
        if stage <= 1:
            received = today - dt.timedelta(days=rng.randint(3, 25))
        elif stage <= 3:
            received = today - dt.timedelta(days=rng.randint(40, 150))
        else:
            received = today - dt.timedelta(days=rng.randint(60, 400))
        if index == 5:
            received = today - dt.timedelta(days=45)  # its assessment is overdue
        long_file = index == 2  # a family supported every week for more than a year
        if long_file:
            received = today - dt.timedelta(days=430)
        source = ReferralSource.CHILD_PROTECTION if index % 4 else ReferralSource.MATERNITY_WARD
        referral = referral_register(
            actor=manager,
            unit=unit,
            person=child,
            source=source,
            document_number=f"ДСП-{received.year}-{1000 + index}",
            document_date=received - dt.timedelta(days=3),
            reason="Риск от изоставяне; нужда от подкрепа на родителите.",
            household=household,
            received_on=received,
        )
        if index % 10 == 9:
            continue  # waiting for a decision: the list shows it
        if index % 10 == 8:
            referral_decide(
                actor=manager, referral=referral, decision=ReferralDecision.REDIRECTED,
                redirected_to="Център за обществена подкрепа – Бяла", expected_version=referral.version,
            )  # fmt: skip
            continue
        case = referral_decide(
            actor=manager, referral=referral, decision=ReferralDecision.ACCEPTED, key_worker=manager,
            expected_version=referral.version,
        )  # fmt: skip
        assert case is not None  # noqa: S101
        Case.objects.filter(pk=case.pk).update(opened_on=received)
        case.refresh_from_db()
        if specialist is not None:
            case.team.add(specialist)
        if field_workers and index % 4 == 1:  # families the field worker visits at home
            case.team.add(field_workers[(index // 4) % len(field_workers)])
        if index == 3:
            Case.objects.filter(pk=case.pk).update(is_restricted=True, risk_level="high")
            case.refresh_from_db()
        if stage >= 1:
            case = case_move(
                actor=manager,
                case=case,
                to_status=CaseStatus.ASSESSMENT,
                expected_version=case.version,
            )
        if stage == 1:
            _demo_assessment(case, manager, None)  # completed, waiting for the director
        if stage >= 2:
            _demo_assessment(case, manager, director)
            # The approved assessment and plan moved the case on to support by themselves.
            case.refresh_from_db()
        if long_file:
            visits = [timezone.now() - dt.timedelta(weeks=week, hours=2) for week in range(60)]
        else:
            visits = [
                timezone.now()
                - dt.timedelta(
                    days=rng.randint(0, min(60, (today - received).days)), hours=rng.randint(0, 8)
                )
                for _visit in range(rng.randint(1, 5))
            ]
        for occurred_at in visits:
            contact_record(
                actor=manager,
                case=case,
                kind=rng.choice(
                    [
                        ContactKind.SOCIAL,
                        ContactKind.HOME_VISIT,
                        ContactKind.PHONE,
                        ContactKind.PSYCHOLOGICAL,
                    ]
                ),
                occurred_at=occurred_at,
                duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                participants="майката и детето",
                place=rng.choice(["ЦОП", "в дома", "по телефона"]),
                note=rng.choice(NOTES),
                is_confidential=True,
            )
        if stage == 4:
            closure = closure_request(
                actor=manager, case=case, outcome=ClosureOutcome.STAYS_IN_FAMILY,
                reason="Детето остава в семейството; целите на плана са постигнати.", expected_version=case.version,
            )  # fmt: skip
            if director is not None and index % 20 != 14:  # one closure still waits for approval
                closure_approve(actor=director, closure=closure)
        made += 1
    reminders_refresh(today=today)
    return made


def _demo_assessment(case: Case, manager: User, director: User | None) -> None:
    rng = random.Random(case.pk)  # noqa: S311  (demo data, not secrets)
    """A completed individual needs assessment, approved by the director for most cases."""
    template = AssessmentTemplate.objects.get(
        code="individual-needs", organisation__isnull=True, is_current=True
    )
    assessment = assessment_start(actor=manager, case=case, template=template)
    answers: dict[str, object] = {}
    for question in template.questions():
        if question.answer_type == AnswerType.SCALE:
            answers[question.key] = rng.randint(2, 5)
        elif question.answer_type == AnswerType.SINGLE:
            answers[question.key] = rng.choice(["low", "medium", "medium", "high"])
        else:
            answers[question.key] = {
                "child_needs_notes": "Детето е привързано към майка си; има пропуски в училище.",
                "parent_view": "„Искам да се справям сама, но ми трябва помощ с жилището.“",
                "conclusion": "Подкрепа на майката, консултации и връзка с училището.",
            }.get(question.key, "")
    assessment = assessment_save(
        actor=manager,
        assessment=assessment,
        answers=answers,
        complete=True,
        expected_version=assessment.version,
    )
    if director is not None:
        assessment_approve(actor=director, assessment=assessment)
        _demo_plan(case, manager, director)


GOALS = (
    (
        "Детето посещава редовно училище или детска градина",
        "Среща с класния ръководител",
        "социален работник",
        "всяка седмица",
    ),
    (
        "Майката има стабилен доход",
        "Насочване към Бюрото по труда",
        "майката със социалния работник",
        "веднъж месечно",
    ),
    (
        "Подобрена привързаност между майката и детето",
        "Консултации с психолог",
        "психолог",
        "два пъти месечно",
    ),
)


def _demo_plan(case: Case, manager: User, director: User) -> None:
    """An approved plan made with the parent; its review date may already have passed."""
    plan = plan_create(actor=manager, case=case, starts_on=case.opened_on + dt.timedelta(days=30))
    plan = plan_update(
        actor=manager, plan=plan,
        parent_view="„Искам детето да остане с мен; трудно ми е с парите и с училището.“",
        parent_goals="Работа и по-добро жилище.", starts_on=plan.starts_on, review_on=plan.review_on,
        expected_version=plan.version,
    )  # fmt: skip
    for text, what, who, frequency in GOALS[: 2 + case.pk % 2]:
        goal = goal_add(actor=manager, plan=plan, text=text)
        activity_add(
            actor=manager,
            goal=goal,
            what=what,
            who=who,
            frequency=frequency,
        )
    plan_approve(actor=director, plan=plan)
