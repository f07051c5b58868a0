"""Every route of the project proves its isolation, walked from the URL table itself.

For each route (``tests/routes.py`` says what record its id names and what right it needs):

- anonymous → the sign-in page, for GET and POST;
- every role of the organisation → 200, or 403 with the Bulgarian reason when the role sees the
  record but lacks the right, or 404 when the role does not see such records at all — as the
  capability table of ``zakrila.accounts.policy`` says; never a 500;
- the worker on the case → the page, and a valid POST → its redirect;
- a worker and the director of another organisation → 404 for GET **and** POST, and the
  record is unchanged after the POST;
- a record that hangs off a case, when the case is restricted: a 404 to a colleague off the
  team, and still open to the team and the director;
- a reading of a personal record writes its audit row.

A route missing from the registry fails ``test_every_route_is_walked`` with its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from tests.routes import CASE_CONFIDENTIAL, NOT_WALKED, RECORDS, ROUTES, Route, World, build_world
from zakrila.accounts.models import Role, User
from zakrila.accounts.policy import CAPABILITIES, CAPABILITY_REFUSALS
from zakrila.audit.models import AuditAction, AuditEvent

LOGIN = "/accounts/login/"


def url_names(patterns: list[Any] | None = None, namespace: str = "") -> Iterator[str]:
    """Every named route of the project, as ``namespace:name``, read from Django's resolver."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            joined = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_names(pattern.url_patterns, joined)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_is_walked():
    names = set(url_names())
    unwalked = sorted(
        name
        for name in names
        if name not in ROUTES
        and name not in NOT_WALKED
        and not (name.startswith("admin:") and "admin:*" in NOT_WALKED)
    )
    assert not unwalked, (
        "These routes are not in the route harness: add each to ROUTES in tests/routes.py "
        f"(or to NOT_WALKED with the reason): {unwalked}"
    )
    stale = sorted(set(ROUTES) - names)
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """The organisations and people of the harness, made once per module inside a transaction
    that is rolled back at its end; each test's records are made in the test's own savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _roles_of(user: User, world: World) -> set[str]:
    if user == world.worker:
        return {Role.CASE_MANAGER}
    return {role for role, member in world.roles.items() if member == user}


def _allowed(route: Route, method: str, roles: set[str], *, on_team: bool) -> bool:
    needed = route.needed_for(method)
    if needed is None:
        return True
    if needed == CASE_CONFIDENTIAL:
        return bool(roles & {Role.DIRECTOR, Role.SPECIALIST}) or (
            on_team and bool(roles & CAPABILITIES["case.view"])
        )
    return bool(roles & CAPABILITIES[needed])


def _expected(route: Route, method: str, roles: set[str], *, on_team: bool) -> int:
    """What the capability table says this role gets: 404 unseen, 403 seen without the right."""
    kind = RECORDS[route.record] if route.record else None
    if kind is not None and not roles & CAPABILITIES[kind.see]:
        return 404
    return 200 if _allowed(route, method, roles, on_team=on_team) else 403


def _acting(route: Route, method: str, world: World) -> tuple[User, set[str], bool]:
    """Who uses the route as its everyday user: the worker on the case; for a record that a
    case manager may not see at all, or a page without a record that a case manager may not
    use (another area's, e.g. the training centre's), the first role that may — so that its
    page and its POST are still proved."""
    kind = RECORDS[route.record] if route.record else None
    if kind is None:
        if _allowed(route, method, {Role.CASE_MANAGER}, on_team=True):
            return world.worker, {Role.CASE_MANAGER}, True
    elif Role.CASE_MANAGER in CAPABILITIES[kind.see]:
        return world.worker, {Role.CASE_MANAGER}, True
    for role, user in world.roles.items():
        if _expected(route, method, {role}, on_team=False) == 200:
            return user, {role}, False
    return world.worker, {Role.CASE_MANAGER}, True


def _refusal_text(route: Route, method: str) -> str | None:
    needed = route.needed_for(method)
    if needed is None or needed not in CAPABILITY_REFUSALS:
        return None
    with translation.override("bg"):
        return str(CAPABILITY_REFUSALS[needed])


def _url(name: str, route: Route, world: World, record: Any) -> str:
    if route.kwargs is not None:
        return reverse(name, kwargs=route.kwargs(world, record))
    if record is None:
        return reverse(name)
    return reverse(name, kwargs={"pk": record.pk})


def _check(
    response: Any, expected: int, who: str, method: str, url: str, *, redirects: bool = False
) -> None:
    status = response.status_code
    assert status != 500, f"{method} {url} as {who}: a server error"
    if expected == 200:
        ok = (200, 302) if method == "POST" or redirects else (200,)
        assert status in ok, f"{method} {url} as {who}: {status}, expected {ok}"
    else:
        assert status == expected, f"{method} {url} as {who}: {status}, expected {expected}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_proves_its_isolation(name: str, world: World, client: Any, db: Any) -> None:
    route = ROUTES[name]
    kind = RECORDS[route.record] if route.record else None
    record = kind.make(world, False) if kind else None
    url = _url(name, route, world, record)
    before = kind.snapshot(record) if kind else None

    # Anonymous: the sign-in page.
    for method in route.methods:
        response = client.generic(method, url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), (method, url)

    # Every role of the organisation, as the capability table says (GET). Members of the
    # organisation are on no case's team.
    if "GET" in route.methods:
        for role, user in world.roles.items():
            client.force_login(user)
            expected = route.expect.get(role) or _expected(route, "GET", {role}, on_team=False)
            response = client.get(url)
            _check(response, expected, role, "GET", url, redirects=route.redirects)
            text = _refusal_text(route, "GET")
            if expected == 403 and text:
                assert text in response.content.decode(), f"GET {url} as {role}: no reason"

        # The worker on the case (or, where the case manager has no part, the first role
        # that has) sees the page, and the reading is in the audit trail.
        actor, actor_roles, on_team = _acting(route, "GET", world)
        client.force_login(actor)
        seen_from = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        expected = _expected(route, "GET", actor_roles, on_team=on_team)
        _check(response, expected, "worker", "GET", url, redirects=route.redirects)
        if route.audits_view and response.status_code == 200:
            assert AuditEvent.objects.filter(
                id__gt=seen_from,
                actor=actor,
                action__in=[AuditAction.VIEW, AuditAction.PRINT, AuditAction.DOWNLOAD,
                            AuditAction.EXPORT],
                object_type=record._meta.label_lower,
                object_id=str(record.pk),
            ).exists(), f"GET {url}: the reading is not in the audit trail"  # fmt: skip

    # Another organisation: nothing, whatever the method; a POST changes nothing.
    for who, outsider in world.others.items():
        client.force_login(outsider)
        for method in route.methods:
            if kind is None:
                # A page without a record shows the outsider their own organisation's data;
                # it must not fail.
                assert client.generic(method, url).status_code != 500
                continue
            response = client.generic(method, url)
            assert response.status_code == 404, f"{method} {url} as the other {who}"
        if kind is not None:
            assert kind.snapshot(record) == before, f"POST {url} by the other {who} changed it"

    # A record that hangs off a restricted case: a 404 off the team, open to the team.
    if kind is not None and kind.on_case:
        hidden = kind.make(world, True)
        hidden_url = _url(name, route, world, hidden)
        hidden_before = kind.snapshot(hidden)
        colleague = world.roles[Role.CASE_MANAGER]
        client.force_login(colleague)
        for method in route.methods:
            response = client.generic(method, hidden_url)
            assert response.status_code == 404, f"{method} {hidden_url}: restricted, off the team"
        assert kind.snapshot(hidden) == hidden_before
        if "GET" in route.methods:
            for user, roles in ((world.worker, {Role.CASE_MANAGER}), (world.roles[Role.DIRECTOR],
                                                                        {Role.DIRECTOR})):  # fmt: skip
                client.force_login(user)
                expected = _expected(route, "GET", roles, on_team=user == world.worker)
                _check(client.get(hidden_url), expected, str(user), "GET", hidden_url)

    # POST: every role without the right is refused and changes nothing; the worker's POST
    # is taken (a form shown again, or its redirect).
    if "POST" in route.methods:
        for role, user in world.roles.items():
            expected = route.expect.get(role) or _expected(route, "POST", {role}, on_team=False)
            if expected == 200:
                continue  # allowed: it would act; the worker's POST below shows it works
            client.force_login(user)
            response = client.post(url)
            _check(response, expected, role, "POST", url)
            if kind is not None:
                assert kind.snapshot(record) == before, f"POST {url} as {role} changed it"
        actor, actor_roles, on_team = _acting(route, "POST", world)
        client.force_login(actor)
        allowed = _allowed(route, "POST", actor_roles, on_team=on_team)
        data = route.post(world, record) if route.post else {}
        response = client.post(url, data)
        if not allowed:
            _check(response, 403, "worker", "POST", url)
        elif route.post is not None:
            assert response.status_code == 302, (
                f"POST {url} as the worker with valid data: {response.status_code}"
            )
        else:
            _check(response, 200, "worker", "POST", url)


def test_no_member_of_staff_reaches_the_admin_site(world: World, client: Any, db: Any) -> None:
    for role, user in world.roles.items():
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response.url, role


# --- The demo: no page answers 500 for any demo login --------------------------------------


def _demo_record(kind: str, organisation: Any) -> Any:
    """A record of this kind in the demo organisation, as the demo made it (None: none made)."""
    from zakrila.cases.models import (
        Assessment,
        Case,
        CaseDocument,
        Closure,
        FollowUp,
        PlanGoal,
        Referral,
        ServiceContract,
        SupportPlan,
        Task,
    )
    from zakrila.organisations.models import RESIDENTIAL_KINDS, Contract, Programme, Unit
    from zakrila.people.models import Consent, Household, Person
    from zakrila.placements.models import Placement

    of_org = {"organisation": organisation}
    finders: dict[str, Any] = {
        "organisation": lambda: organisation,
        "unit": lambda: Unit.objects.filter(**of_org).first(),
        "programme": lambda: Programme.objects.filter(**of_org).first(),
        "org_contract": lambda: Contract.objects.filter(**of_org).first(),
        "residential_unit": lambda: (
            Unit.objects.filter(kind__in=RESIDENTIAL_KINDS, **of_org).order_by("pk").first()
        ),
        "person": lambda: Person.objects.filter(merged_into__isnull=True, **of_org).first(),
        "household": lambda: Household.objects.filter(**of_org).first(),
        "consent": lambda: Consent.objects.filter(**of_org).first(),
        "case": lambda: Case.objects.filter(**of_org).order_by("pk").first(),
        "closing_case": lambda: Case.objects.filter(
            pk__in=Closure.objects.filter(approved_at__isnull=True, **of_org).values("case_id")
        ).first(),
        "referral": lambda: Referral.objects.filter(**of_org).first(),
        "task": lambda: Task.objects.filter(done_at__isnull=True, **of_org).first(),
        "follow_up": lambda: FollowUp.objects.filter(**of_org).first(),
        "assessment": lambda: Assessment.objects.filter(**of_org).first(),
        "plan": lambda: SupportPlan.objects.filter(**of_org).first(),
        "goal": lambda: PlanGoal.objects.filter(**of_org).first(),
        "service_contract": lambda: ServiceContract.objects.filter(**of_org).first(),
        "document": lambda: CaseDocument.objects.filter(**of_org).first(),
        "placement": lambda: Placement.objects.filter(**of_org).first(),
        **_training_finders(organisation),
        **__import__("tests.routes_programmes").routes_programmes.programme_finders(organisation),
        **_outreach_finders(organisation),
        **_giving_finders(organisation),
    }
    return finders[kind]()


def _giving_finders(organisation: Any) -> dict[str, Any]:
    from zakrila.giving.models import (
        Assignment,
        Distribution,
        Donor,
        InKindDonation,
        MoneyDonation,
        StockLot,
        Store,
        Volunteer,
        VolunteerNeed,
    )

    of_org = {"organisation": organisation}
    return {
        "giving_volunteer": lambda: Volunteer.objects.filter(**of_org).first(),
        "giving_need": lambda: VolunteerNeed.objects.filter(**of_org).first(),
        "giving_assignment": lambda: Assignment.objects.filter(**of_org).first(),
        "giving_donor": lambda: Donor.objects.filter(**of_org).first(),
        "giving_money": lambda: MoneyDonation.objects.filter(**of_org).first(),
        "giving_store": lambda: Store.objects.filter(**of_org).first(),
        "giving_lot": lambda: StockLot.objects.filter(**of_org).first(),
        "giving_donation": lambda: InKindDonation.objects.filter(**of_org).first(),
        "giving_distribution": lambda: Distribution.objects.filter(**of_org).first(),
    }


def _training_finders(organisation: Any) -> dict[str, Any]:
    from zakrila.training.models import (
        Certificate,
        Cohort,
        Module,
        ProgrammeEdition,
        Trainee,
        TrainingProgramme,
        TrainingSession,
    )

    of_org = {"organisation": organisation}
    return {
        "training_programme": lambda: TrainingProgramme.objects.filter(**of_org).first(),
        "training_edition": lambda: ProgrammeEdition.objects.filter(**of_org).first(),
        "training_module": lambda: Module.objects.filter(**of_org).first(),
        "training_cohort": lambda: Cohort.objects.filter(**of_org).first(),
        "training_session": lambda: TrainingSession.objects.filter(**of_org).first(),
        "trainee": lambda: Trainee.objects.filter(**of_org).first(),
        "training_certificate": lambda: Certificate.objects.filter(**of_org).first(),
    }


def _outreach_finders(organisation: Any) -> dict[str, Any]:
    from zakrila.people.models import Person
    from zakrila.programmes.models import Call, Group, GroupSession, OutreachSession

    of_org = {"organisation": organisation}
    met = Person.objects.filter(outreach_contacts__isnull=False, **of_org).order_by("pk")
    return {
        "call": lambda: Call.objects.filter(**of_org).first(),
        "group": lambda: Group.objects.filter(**of_org).first(),
        "group_session": lambda: GroupSession.objects.filter(**of_org).first(),
        "outreach_session": lambda: OutreachSession.objects.filter(**of_org).first(),
        "street_child": lambda: met.first(),
        "named_street_child": lambda: met.exclude(identification_status="anonymous").first(),
    }


def _demo_url(name: str, route: Route, record: Any) -> str | None:
    if route.record is None:
        return reverse(name)
    if record is None:
        return None
    if name == "people:duplicate_compare":
        return None  # needs a pair; tests/people cover the page
    if name == "people:export":
        return reverse(name, kwargs={"pk": record.pk, "fmt": "json"})
    if route.kwargs is _person_kwargs_of(route):
        return reverse(name, kwargs={"person_pk": record.pk})
    return reverse(name, kwargs={"pk": record.pk})


def _person_kwargs_of(route: Route) -> Any:
    from tests.routes import _person_kwargs

    return _person_kwargs


def test_no_page_of_the_demo_answers_500_for_any_demo_login(client: Any, demo: Any) -> None:
    from zakrila.organisations.models import Organisation

    organisations = {
        "demo.zakrila.bg": Organisation.objects.get(name_bg="Сдружение „Еквилибриум“"),
        "other.demo.zakrila.bg": Organisation.objects.get(name_bg="Фондация „Детски хоризонти“"),
    }
    records = {
        domain: {kind: _demo_record(kind, org) for kind in RECORDS}
        for domain, org in organisations.items()
    }
    logins = list(
        User.objects.filter(email__endswith="demo.zakrila.bg", is_active=True).order_by("email")
    )
    assert len(logins) >= 19
    failures = []
    for user in logins:
        domain = user.email.split("@", 1)[1]
        own = records.get(domain, records["demo.zakrila.bg"])
        foreign = records[
            "other.demo.zakrila.bg" if domain == "demo.zakrila.bg" else "demo.zakrila.bg"
        ]
        client.force_login(user)
        for name, route in sorted(ROUTES.items()):
            if "GET" not in route.methods:
                continue
            url = _demo_url(name, route, own.get(route.record) if route.record else None)
            if url is not None:
                status = client.get(url).status_code
                if status >= 500:
                    failures.append(f"{user.email} GET {url} ({name}): {status}")
            if route.record and not user.is_superuser:
                theirs = _demo_url(name, route, foreign.get(route.record))
                if theirs is not None:
                    status = client.get(theirs).status_code
                    if status != 404:
                        failures.append(f"{user.email} GET {theirs} (other org): {status}")
    assert not failures, "\n".join(failures)
