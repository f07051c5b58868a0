"""The route registry of the route harness (``tests/test_routes.py``).

Every named route of the project is either in ``ROUTES`` — with the kind of record its id
names, the right it needs beyond seeing that record, and what its POST should do — or in
``NOT_WALKED`` with the reason it is tested elsewhere. A route in neither makes the harness
fail with its name: a new page is covered the day it is added.

Records are made by one maker per kind of record (``RECORDS``), for the organisation of the
``World``: the worker on the case (the key worker), a member of every role, the other
organisation's director and case manager. A maker that hangs its record off a case makes it
on a case of its own, restricted when asked, so the harness also proves that everything that
hangs off a restricted case is a 404 to colleagues off its team.

The idea is NetBox's ``utilities/testing/views.py``; the code is ours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import PersonFactory, UnitFactory, member
from zakrila.accounts.models import Role, User
from zakrila.organisations.models import Organisation, Unit, UnitKind

# --- The world a route is walked in ------------------------------------------------------------


@dataclass
class World:
    """One organisation with a member of every role, the worker who carries the cases, and
    another organisation whose members must see nothing of it."""

    org: Organisation
    other_org: Organisation
    cop: Unit
    home: Unit
    worker: User  # the case manager who is the key worker of every case the makers open
    roles: dict[str, User]  # a member of each role, on no case's team
    others: dict[str, User]  # the other organisation's director and case manager
    extras: dict[str, Any] = field(default_factory=dict)

    def new_case(self, *, restricted: bool = False, via_referral: bool = False) -> Any:
        """An open case of a new child in the Community Support Centre, carried by ``worker``."""
        from zakrila.cases.services import case_open, referral_decide, referral_register

        child = PersonFactory(organisation=self.org, unit=self.cop)
        if via_referral:
            referral = referral_register(
                actor=self.worker, unit=self.cop, person=child, source="child_protection",
                reason="риск от изоставяне", received_on=timezone.localdate(),
                document_number="ДСП-1", document_date=timezone.localdate(),
            )  # fmt: skip
            case = referral_decide(
                actor=self.worker, referral=referral, decision="accepted", reason="",
                redirected_to="", key_worker=self.worker, expected_version=referral.version,
            )  # fmt: skip
        else:
            case = case_open(
                actor=self.worker, unit=self.cop, person=child, key_worker=self.worker,
                without_referral_reason="консултация",
            )  # fmt: skip
        if restricted:
            case.is_restricted = True
            case.save(update_fields=["is_restricted"])
        return case


def build_world() -> World:
    from tests.factories import OrganisationFactory, ProgrammeFactory
    from zakrila.placements.models import Bed

    org = OrganisationFactory(name_bg="Сдружение „Маршрути“", name_en="Routes Association")
    other_org = OrganisationFactory(name_bg="Фондация „Отвън“", name_en="Outside Foundation")
    cop = UnitFactory(
        organisation=org, kind=UnitKind.COMMUNITY_SUPPORT, name="ЦОП Маршрути", code="ЦОП"
    )
    home = UnitFactory(
        organisation=org, kind=UnitKind.FAMILY_TYPE_PLACEMENT, name="Розова къща", code="ЦНСТ",
        capacity=14,
    )  # fmt: skip
    for number in (1, 2, 3):
        Bed.objects.create(organisation=org, unit=home, label=f"Стая 1, легло {number}")
    worker = member(
        org, Role.CASE_MANAGER, email="worker@routes.example", full_name="Алиса Работна"
    )
    roles = {
        role: member(org, role, email=f"{role}@routes.example", full_name=f"Колега {role}")
        for role in Role.values
    }
    others = {
        role: member(other_org, role, email=f"{role}@outside.example", full_name=f"Чужд {role}")
        for role in (Role.DIRECTOR, Role.CASE_MANAGER)
    }
    world = World(org, other_org, cop, home, worker, roles, others)
    world.extras["programme"] = ProgrammeFactory(unit=cop, organisation=org)
    return world


# --- One maker per kind of record --------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """How to make a record of one kind for the world, and who may see it at all."""

    make: Callable[[World, bool], Any]  # (world, restricted) -> the record
    see: str  # the capability a role needs to see it (``policy.CAPABILITIES``)
    on_case: bool = False  # hangs off a case: restricted with it

    def snapshot(self, record: Any) -> Any:
        """What must not change when an outsider posts to it."""
        from django.forms.models import model_to_dict

        fresh = type(record)._default_manager.filter(pk=record.pk).first()
        return None if fresh is None else model_to_dict(fresh)


def _case(world: World, restricted: bool) -> Any:
    return world.new_case(restricted=restricted)


def _referral(world: World, restricted: bool) -> Any:
    return world.new_case(restricted=restricted, via_referral=True).referral


def _task(world: World, restricted: bool) -> Any:
    from zakrila.cases.services import task_create

    case = world.new_case(restricted=restricted)
    return task_create(
        actor=world.worker, case=case, organisation_id=world.org.pk, title="Обаждане до училището",
        assignee=world.worker, due_on=timezone.localdate() + dt.timedelta(days=3),
    )  # fmt: skip


def _follow_up(world: World, restricted: bool) -> Any:
    from zakrila.cases.models import FollowUp

    case = world.new_case(restricted=restricted)
    return FollowUp.objects.create(
        organisation=world.org, case=case, months=3, due_on=timezone.localdate()
    )


def _assessment(world: World, restricted: bool) -> Any:
    from zakrila.cases.models import AssessmentTemplate
    from zakrila.cases.services import assessment_start

    case = world.new_case(restricted=restricted)
    template = AssessmentTemplate.objects.filter(is_current=True).order_by("pk").first()
    if template is None:
        from zakrila.cases.assessment_templates import install_shipped_templates

        install_shipped_templates()
        template = AssessmentTemplate.objects.filter(is_current=True).order_by("pk").first()
    return assessment_start(actor=world.worker, case=case, template=template)


def _plan(world: World, restricted: bool) -> Any:
    from zakrila.cases.services import goal_add, plan_create

    case = world.new_case(restricted=restricted)
    plan = plan_create(actor=world.worker, case=case, starts_on=timezone.localdate())
    goal_add(actor=world.worker, plan=plan, text="Детето ходи редовно на училище")
    return plan


def _goal(world: World, restricted: bool) -> Any:
    return _plan(world, restricted).goals.get()


def _service_contract(world: World, restricted: bool) -> Any:
    from zakrila.cases.services import contract_record

    case = world.new_case(restricted=restricted)
    return contract_record(
        actor=world.worker, case=case, number="Д-1", signed_on=timezone.localdate(),
        starts_on=timezone.localdate(),
    )  # fmt: skip


def _document(world: World, restricted: bool) -> Any:
    from zakrila.cases.services import document_upload

    case = world.new_case(restricted=restricted)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return document_upload(
        actor=world.worker, case=case, upload=SimpleUploadedFile("заповед.pdf", pdf),
        title="Заповед", kind="other", is_confidential=False,
    )  # fmt: skip


def _closing_case(world: World, restricted: bool) -> Any:
    """A case whose closure waits for the director."""
    from zakrila.cases.services import closure_request

    case = world.new_case(restricted=restricted)
    case.refresh_from_db()
    closure_request(
        actor=world.worker, case=case, outcome="stays_in_family", reason="целите са постигнати",
        expected_version=case.version,
    )  # fmt: skip
    return case


def _placement(world: World, restricted: bool) -> Any:
    from zakrila.placements.models import Bed, Placement
    from zakrila.placements.services import placement_admit

    case = world.new_case(restricted=restricted)
    taken = Placement.objects.filter(discharged_at__isnull=True).values("bed_id")
    bed = Bed.objects.filter(unit=world.home).exclude(pk__in=taken).first()
    return placement_admit(
        actor=world.roles[Role.DIRECTOR], case=case, bed=bed, legal_basis="court",
        admitted_at=timezone.now() - dt.timedelta(hours=2),
    )  # fmt: skip


def _person(world: World, restricted: bool) -> Any:
    return PersonFactory(organisation=world.org, unit=world.cop)


def _household(world: World, restricted: bool) -> Any:
    from tests.factories import HouseholdFactory

    return HouseholdFactory(child=_person(world, restricted))


def _consent(world: World, restricted: bool) -> Any:
    from zakrila.people.models import Consent

    person = _person(world, restricted)
    return Consent.objects.create(
        organisation=world.org, person=person, given_by=person, purpose="обмен с училището",
        given_on=timezone.localdate(),
    )  # fmt: skip


RECORDS: dict[str, RecordKind] = {
    "organisation": RecordKind(lambda w, r: w.org, "organisation.view"),
    "unit": RecordKind(lambda w, r: w.cop, "unit.view"),
    "programme": RecordKind(lambda w, r: w.extras["programme"], "programme.view"),
    "org_contract": RecordKind(
        lambda w, r: __import__("tests.factories").factories.ContractFactory(organisation=w.org),
        "organisation.view",
    ),
    "residential_unit": RecordKind(lambda w, r: w.home, "placement.view"),
    "person": RecordKind(_person, "person.view"),
    "household": RecordKind(_household, "person.view"),
    "consent": RecordKind(_consent, "person.view"),
    "case": RecordKind(_case, "case.view", on_case=True),
    "closing_case": RecordKind(_closing_case, "case.view", on_case=True),
    "referral": RecordKind(_referral, "case.view", on_case=True),
    "task": RecordKind(_task, "case.view", on_case=True),
    "follow_up": RecordKind(_follow_up, "case.view", on_case=True),
    "assessment": RecordKind(_assessment, "case.view", on_case=True),
    "plan": RecordKind(_plan, "case.view", on_case=True),
    "goal": RecordKind(_goal, "case.view", on_case=True),
    "service_contract": RecordKind(_service_contract, "case.view", on_case=True),
    "document": RecordKind(_document, "case.view", on_case=True),
    "placement": RecordKind(_placement, "placement.view", on_case=True),
}


# --- The routes --------------------------------------------------------------------------------

# A pseudo-right: the case's confidential part (assessment answers), for the case team, the
# director and specialists (``policy.can_read_case_confidential``).
CASE_CONFIDENTIAL = "case.confidential"

GET = ("GET",)
POST = ("POST",)
BOTH = ("GET", "POST")


@dataclass(frozen=True)
class Route:
    """What the harness needs to know of one route."""

    record: str | None  # a key of RECORDS; None: a list or a page without a record
    right: str | None = None  # needed beyond seeing the record, for GET (and POST)
    post_right: str | None = None  # for POST, when it differs from ``right``
    methods: tuple[str, ...] = GET
    audits_view: bool = False  # a reading of a personal record: an audit row is written
    kwargs: Callable[[World, Any], dict[str, Any]] | None = None  # other URL arguments
    post: Callable[[World, Any], dict[str, Any]] | None = None  # a valid POST: it redirects
    redirects: bool = False  # an allowed GET may answer with a redirect (e.g. the only board)
    # Roles for which the route answers otherwise than the capability table says, and why.
    expect: dict[str, int] = field(default_factory=dict)

    def needed_for(self, method: str) -> str | None:
        return (self.post_right or self.right) if method == "POST" else self.right


def _person_kwargs(world: World, record: Any) -> dict[str, Any]:
    return {"person_pk": record.pk}


def _duplicate_kwargs(world: World, record: Any) -> dict[str, Any]:
    twin = PersonFactory(
        organisation=world.org, unit=world.cop, first_name=record.first_name,
        last_name=record.last_name, birth_date=record.birth_date,
    )  # fmt: skip
    return {"first": record.pk, "second": twin.pk}


ROUTES: dict[str, Route] = {
    # The start page and the organisation's structure: every role.
    "core:home": Route(None),
    "organisations:organisation": Route("organisation"),
    "organisations:unit_list": Route(None),
    "organisations:unit": Route("unit"),
    "organisations:programme_list": Route(None),
    "organisations:programme": Route("programme"),
    "organisations:contract_list": Route(None, right="contract.view"),
    "organisations:contract": Route("org_contract", right="contract.view"),
    # Accounts that every signed-in user has.
    "accounts:password_change": Route(None, methods=BOTH),
    "accounts:sessions": Route(None, methods=BOTH),
    "accounts:2fa_recovery_codes": Route(None),
    # People.
    "people:list": Route(None, right="person.view"),
    "people:search": Route(None, right="person.view"),
    "people:create": Route(None, right="person.edit", methods=BOTH),
    "people:duplicates": Route(None, right="person.merge"),
    "people:duplicate_compare": Route(
        "person", right="person.merge", methods=BOTH, kwargs=_duplicate_kwargs, audits_view=True
    ),
    "people:person": Route("person", audits_view=True),
    "people:edit": Route("person", right="person.edit", methods=BOTH),
    "people:history": Route("person", right="person.history", audits_view=True),
    "people:export": Route(
        "person",
        right="person.export",
        audits_view=True,
        kwargs=lambda w, r: {"pk": r.pk, "fmt": "json"},
    ),
    "people:erase": Route("person", right="person.erase", methods=BOTH),
    "people:household_new": Route("person", right="person.edit", methods=BOTH),
    "people:consent_new": Route("person", right="person.edit", methods=BOTH),
    "people:disclosure_new": Route("person", right="person.edit", methods=BOTH),
    "people:household": Route("household", audits_view=True),
    "people:household_member_new": Route("household", right="person.edit", methods=POST),
    "people:consent_withdraw": Route("consent", right="person.edit", methods=BOTH),
    # Casework.
    "cases:list": Route(None, right="case.view"),
    "cases:my_work": Route(None),
    "cases:case": Route("case", audits_view=True),
    "cases:edit": Route("case", right="case.manage", methods=BOTH),
    "cases:move": Route("case", right="case.manage", methods=BOTH),
    "cases:contact_new": Route(
        "case",
        right="case.contact",
        methods=BOTH,
        post=lambda w, r: {
            "kind": "home_visit",
            "occurred_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
            "duration_minutes": 30,
            "note": "посещение",
            "is_confidential": "on",
        },
    ),
    "cases:history": Route("case", right="case.history", audits_view=True),
    "cases:close": Route("case", right="case.manage", methods=BOTH),
    "cases:closure_decide": Route(
        "closing_case",
        right="case.approve",
        methods=BOTH,
        post=lambda w, r: {"decision": "reject", "reason": "още не"},
    ),
    "cases:task_new": Route(
        "case",
        right="case.contact",
        methods=BOTH,
        post=lambda w, r: {
            "title": "Среща",
            "assignee": w.worker.pk,
            "due_on": (timezone.localdate() + dt.timedelta(days=2)).strftime("%d.%m.%Y"),
        },
    ),
    "cases:task_done": Route("task", methods=POST, post=lambda w, r: {}),
    "cases:follow_up": Route("follow_up", right="case.contact", methods=BOTH),
    "cases:assessment_new": Route("case", right="case.assess", methods=BOTH),
    "cases:assessment": Route(
        "assessment",
        right=CASE_CONFIDENTIAL,
        post_right="case.assess",
        methods=BOTH,
        audits_view=True,
    ),
    "cases:assessment_approve": Route(
        "assessment", right=CASE_CONFIDENTIAL, post_right="case.approve_assessment", methods=POST
    ),
    "cases:assessment_pdf": Route("assessment", right=CASE_CONFIDENTIAL, audits_view=True),
    "cases:plan_new": Route("case", right="case.assess", methods=POST),
    "cases:plan": Route("plan", post_right="case.assess", methods=BOTH, audits_view=True),
    "cases:plan_goal_add": Route(
        "plan", right="case.assess", methods=POST, post=lambda w, r: {"text": "Нова цел"}
    ),
    "cases:plan_approve": Route("plan", right="case.approve_assessment", methods=POST),
    "cases:plan_pdf": Route("plan", audits_view=True),
    "cases:review_new": Route("plan", right="case.assess", methods=BOTH),
    "cases:plan_activity_add": Route("goal", right="case.assess", methods=POST),
    "cases:plan_goal_remove": Route("goal", right="case.assess", methods=POST),
    "cases:contract_new": Route("case", right="case.manage", methods=BOTH),
    "cases:annex_new": Route("service_contract", right="case.manage", methods=BOTH),
    "cases:document_new": Route("case", right="case.contact", methods=BOTH),
    "cases:document": Route("document", audits_view=True),
    "cases:referral": Route("referral", post_right="case.open", methods=BOTH, audits_view=True),
    "cases:case_new": Route("person", right="case.open", methods=BOTH, kwargs=_person_kwargs),
    "cases:referral_new": Route("person", right="case.open", methods=BOTH, kwargs=_person_kwargs),
    # Residential units.
    "placements:boards": Route(None, right="placement.view", redirects=True),
    "placements:board": Route("residential_unit"),
    "placements:admit": Route("residential_unit", right="placement.admit", methods=BOTH),
    "placements:figures": Route("residential_unit"),
    "placements:figures_xlsx": Route("residential_unit"),
    "placements:placement": Route(
        "placement", methods=BOTH, post_right="placement.diary", audits_view=True
    ),
    # Audit and privacy.
    "audit:search": Route(None, right="audit.search"),
    "privacy:records": Route(None, right="privacy.records"),
}

NOT_WALKED: dict[str, str] = {
    "healthz": "open to the load balancer by design; tests/test_core.py",
    "set_language": "Django's language switch, open to everyone; tests/test_core.py",
    "accounts:login": "the sign-in page itself, open to anonymous users; tests/test_accounts.py",
    "accounts:logout": "signing out; tests/test_accounts.py",
    "accounts:no_membership": "the page for users without a membership; tests/test_accounts.py",
    "accounts:switch_unit": "the unit switcher posts and redirects back; tests/test_core.py",
    "accounts:2fa_setup": "two-step sign-in; tests/test_two_factor_and_sessions.py",
    "accounts:2fa_verify": "two-step sign-in; tests/test_two_factor_and_sessions.py",
    "admin:*": "Django's admin site, for the system administrator only; tests/test_routes.py "
    "checks that no member of staff reaches it",
}


def _add_app_registries() -> None:
    """Apps add their routes and record makers in ``tests/routes_<app>.py`` (``ROUTES``,
    ``RECORDS`` and, where needed, ``NOT_WALKED``), merged here."""
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("routes_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        for name in ("ROUTES", "RECORDS", "NOT_WALKED"):
            extra = getattr(module, name, {})
            table = globals()[name]
            clash = set(extra) & set(table)
            assert not clash, f"{path.name} redefines {sorted(clash)}"
            table.update(extra)


_add_app_registries()
