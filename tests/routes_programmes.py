"""The programmes' routes for the route harness (tests/test_routes.py).

Enrolments and visits are seen by the roles with ``enrolment.view`` in the units they reach, and
hidden with a restricted case off its team: the makers link them to a case of their own, so the
harness proves that too. Visits are recorded with ``enrolment.visit``; enrolling, moving a stage
and ending with ``enrolment.manage``; exports with ``enrolment.export``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.factories import PersonFactory
from tests.routes import BOTH, POST, RecordKind, Route, World, _person_kwargs

SEE = "enrolment.view"
VISIT = "enrolment.visit"
MANAGE = "enrolment.manage"


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


def _now() -> str:
    return timezone.localtime().strftime("%d.%m.%Y %H:%M")


def programme_of(world: World, kind: str) -> Any:
    """The organisation's programme of this kind (one per kind), run by the ЦОП."""
    from zakrila.organisations.models import Programme

    programme, _created = Programme.objects.get_or_create(
        organisation=world.org, kind=kind, defaults={"unit": world.cop, "name": str(kind)}
    )
    return programme


def _enrolment(world: World, restricted: bool) -> Any:
    """A child in deinstitutionalisation, preparing to leave, on a case of their own."""
    from zakrila.programmes.services import leaving_register

    case = world.new_case(restricted=restricted)
    return leaving_register(
        actor=world.worker, programme=programme_of(world, "deinstitutionalisation"),
        child=case.person, worker=world.worker, case=case, institution="ДМСГД Русе",
        institution_kind="medical_social",
    ).enrolment  # fmt: skip


def _pregnancy_enrolment(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services import pregnancy_register

    case = world.new_case(restricted=restricted)
    return pregnancy_register(
        actor=world.worker, programme=programme_of(world, "family_planning"),
        woman=case.person, worker=world.worker, case=case,
        last_period_on=timezone.localdate() - dt.timedelta(weeks=30),
    ).enrolment  # fmt: skip


def _early_enrolment(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services import enrolment_start

    case = world.new_case(restricted=restricted)
    child = case.person  # early intervention is for children 0–6: a two-year-old
    child.birth_date = timezone.localdate() - dt.timedelta(days=2 * 365)
    child.save(update_fields=["birth_date"])
    return enrolment_start(
        actor=world.worker, programme=programme_of(world, "early_intervention"),
        person=child, worker=world.worker, case=case,
    )  # fmt: skip


def _goal(world: World, restricted: bool) -> Any:
    from zakrila.programmes.services import goal_add

    enrolment = _early_enrolment(world, restricted)
    return goal_add(actor=world.worker, enrolment=enrolment, text="Да казва пет думи")


def _visit(world: World, restricted: bool) -> Any:
    """The enrolment's first planned visit (a preparation visit: no questions)."""
    return _enrolment(world, restricted).visits.get(status="planned")


RECORDS: dict[str, RecordKind] = {
    "enrolment": RecordKind(_enrolment, SEE, on_case=True),
    "programme_visit": RecordKind(_visit, SEE, on_case=True),
    "pregnancy_enrolment": RecordKind(_pregnancy_enrolment, SEE, on_case=True),
    "early_enrolment": RecordKind(_early_enrolment, SEE, on_case=True),
    "parent_goal": RecordKind(_goal, SEE, on_case=True),
    "maternity_programme": RecordKind(
        lambda w, r: programme_of(w, "maternity_ward"), "programme.view"
    ),
    "pregnancy_programme": RecordKind(
        lambda w, r: programme_of(w, "family_planning"), "programme.view"
    ),
    "di_programme": RecordKind(
        lambda w, r: programme_of(w, "deinstitutionalisation"), "programme.view"
    ),
}


def programme_finders(organisation: Any) -> dict[str, Any]:
    """For the demo walk of tests/test_routes.py: a record of each kind in the demo."""
    from zakrila.organisations.models import Programme
    from zakrila.programmes.models import Enrolment, ParentGoal, Visit

    of_org = {"organisation": organisation}

    def programme(kind: str) -> Any:
        return lambda: Programme.objects.filter(kind=kind, **of_org).first()

    return {
        "enrolment": lambda: Enrolment.objects.filter(
            programme__kind="deinstitutionalisation", **of_org
        ).first(),
        "programme_visit": lambda: Visit.objects.filter(status="planned", **of_org).first(),
        "pregnancy_enrolment": lambda: Enrolment.objects.filter(
            programme__kind="family_planning", status="active", **of_org
        ).first(),
        "early_enrolment": lambda: Enrolment.objects.filter(
            programme__kind="early_intervention", **of_org
        ).first(),
        "parent_goal": lambda: ParentGoal.objects.filter(**of_org).first(),
        "maternity_programme": programme("maternity_ward"),
        "pregnancy_programme": programme("family_planning"),
        "di_programme": programme("deinstitutionalisation"),
    }


def _visit_post(world: World, record: Any) -> dict[str, Any]:
    return {"done_on": _today(), "kind": "home", "duration_minutes": "40", "note": "добре"}


ROUTES: dict[str, Route] = {
    "programmes:visits_due": Route(None, right=SEE),
    "programmes:visit": Route("programme_visit", right=VISIT, methods=BOTH, post=_visit_post),
    "programmes:visit_missed": Route(
        "programme_visit",
        right=VISIT,
        methods=BOTH,
        post=lambda w, r: {"missed_reason": "семейството не си беше вкъщи"},
    ),
    "programmes:enrolment": Route("enrolment", audits_view=True),
    "programmes:visit_new": Route("enrolment", right=VISIT, methods=BOTH, post=_visit_post),
    "programmes:enrolment_stage": Route(
        "enrolment", right=MANAGE, methods=POST, post=lambda w, r: {"stage": "follow_up"}
    ),
    "programmes:enrolment_end": Route(
        "enrolment",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"status": "left", "ended_on": _today(), "version": r.version},
    ),
    "programmes:enrol": Route(
        "person",
        right=MANAGE,
        methods=BOTH,
        kwargs=_person_kwargs,
        post=lambda w, r: {
            "programme": programme_of(w, "early_intervention").pk,
            "worker": w.worker.pk,
            "started_on": _today(),
        },
    ),
    "programmes:programme": Route("programme", right=SEE),
    "programmes:maternity_new": Route(
        "maternity_programme",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "hospital": "МБАЛ Русе",
            "ward": "Неонатология",
            "signalled_at": _now(),
            "caller": "акушерка Иванова",
            "mother_first_name": "Анелия",
            "mother_last_name": "Маринова",
            "newborn_sex": "male",
            "risk_factors": ["no_documents"],
            "worker": w.worker.pk,
        },
    ),
    "programmes:pregnancy_new": Route(
        "pregnancy_programme",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "woman_first_name": "Камелия",
            "woman_last_name": "Асенова",
            "last_period_on": (timezone.localdate() - dt.timedelta(weeks=10)).strftime("%d.%m.%Y"),
            "worker": w.worker.pk,
        },
    ),
    "programmes:leaving_new": Route(
        "di_programme",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {
            "person": PersonFactory(organisation=w.org, unit=w.cop).pk,
            "institution": "ДМСГД Русе",
            "institution_kind": "medical_social",
            "worker": w.worker.pk,
        },
    ),
    "programmes:pregnancy_birth": Route(
        "pregnancy_enrolment",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"birth_on": _today(), "outcome": "live_birth", "newborn_sex": "female"},
    ),
    "programmes:leaving_left": Route(
        "enrolment",
        right=MANAGE,
        methods=BOTH,
        post=lambda w, r: {"left_on": _today(), "destination": "foster_family"},
    ),
    "programmes:screening_new": Route(
        "early_enrolment",
        right=VISIT,
        methods=BOTH,
        post=lambda w, r: {"screened_on": _today(), "score_motor": "3", "score_speech": "2"},
    ),
    "programmes:goal_new": Route(
        "early_enrolment", right=VISIT, methods=POST, post=lambda w, r: {"text": "Да се храни сам"}
    ),
    "programmes:goal_met": Route("parent_goal", right=VISIT, methods=POST, post=lambda w, r: {}),
    "programmes:export_xlsx": Route("programme", right="enrolment.export"),
    "programmes:export_csv": Route("programme", right="enrolment.export"),
}
