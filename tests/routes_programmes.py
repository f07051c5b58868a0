"""The programmes' routes for the route harness (tests/test_routes.py).

Enrolments and visits are seen by the roles with ``enrolment.view`` in the units they reach, and
hidden with a restricted case off its team: the makers link them to a case of their own, so the
harness proves that too. Visits are recorded with ``enrolment.visit``; enrolling, moving a stage
and ending with ``enrolment.manage``; exports with ``enrolment.export``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.routes import BOTH, POST, RecordKind, Route, World

SEE = "enrolment.view"
VISIT = "enrolment.visit"
MANAGE = "enrolment.manage"


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


def programme_of(world: World, kind: str) -> Any:
    """The organisation's programme of this kind (one per kind), run by the ЦОП."""
    from zakrila.organisations.models import Programme

    programme, _created = Programme.objects.get_or_create(
        organisation=world.org, kind=kind, defaults={"unit": world.cop, "name": str(kind)}
    )
    return programme


def _enrolment(world: World, restricted: bool) -> Any:
    """A child in deinstitutionalisation, preparing to leave, on a case of their own."""
    from zakrila.programmes.services import enrolment_start

    case = world.new_case(restricted=restricted)
    return enrolment_start(
        actor=world.worker, programme=programme_of(world, "deinstitutionalisation"),
        person=case.person, worker=world.worker, case=case,
    )  # fmt: skip


def _visit(world: World, restricted: bool) -> Any:
    """The enrolment's first planned visit (a preparation visit: no questions)."""
    return _enrolment(world, restricted).visits.get(status="planned")


RECORDS: dict[str, RecordKind] = {
    "enrolment": RecordKind(_enrolment, SEE, on_case=True),
    "programme_visit": RecordKind(_visit, SEE, on_case=True),
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
        kwargs=lambda w, r: {"person_pk": r.pk},
        post=lambda w, r: {
            "programme": programme_of(w, "early_intervention").pk,
            "worker": w.worker.pk,
            "started_on": _today(),
        },
    ),
    "programmes:programme": Route("programme", right=SEE),
    "programmes:export_xlsx": Route("programme", right="enrolment.export"),
    "programmes:export_csv": Route("programme", right="enrolment.export"),
}
