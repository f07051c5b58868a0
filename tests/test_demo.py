from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from zakrila.accounts.models import Membership, Role, User
from zakrila.core.demo import DEMO_PASSWORD, build_demo
from zakrila.organisations.models import (
    Contract,
    Organisation,
    Programme,
    ProgrammeKind,
    Unit,
    UnitKind,
)


def test_demo_builds_the_ruse_complex(demo):
    ruse = Organisation.objects.get(name_bg="Сдружение „Еквилибриум“")
    kinds = set(Unit.objects.filter(organisation=ruse).values_list("kind", flat=True))
    assert kinds == {
        UnitKind.COMMUNITY_SUPPORT,
        UnitKind.EMERGENCY_RECEPTION,
        UnitKind.STREET_CHILDREN,
        UnitKind.FAMILY_TYPE_PLACEMENT,
    }
    emergency = Unit.objects.get(organisation=ruse, kind=UnitKind.EMERGENCY_RECEPTION)
    assert emergency.parent.kind == UnitKind.COMMUNITY_SUPPORT
    assert (
        Unit.objects.get(organisation=ruse, kind=UnitKind.FAMILY_TYPE_PLACEMENT).name
        == "ЦНСТ „Розова къща“"
    )
    assert set(Programme.objects.filter(organisation=ruse).values_list("kind", flat=True)) == set(
        ProgrammeKind.values
    )
    contract = Contract.objects.get(organisation=ruse)
    assert contract.municipality == "Община Русе"
    assert [p.name_bg for p in contract.partners.all()] == ["Клуб „Отворено общество – Русе“"]
    for unit in Unit.objects.all():
        unit.full_clean()
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_demo_has_one_user_per_role_in_each_organisation(demo):
    for domain in ("demo.zakrila.bg", "other.demo.zakrila.bg"):
        for role in Role:
            user = User.objects.get(email=f"{role.value}@{domain}")
            assert user.check_password(DEMO_PASSWORD)
            assert Membership.objects.get(user=user).roles == [role.value]
    assert User.objects.get(email="admin@demo.zakrila.bg").is_superuser


def test_demo_is_idempotent_and_deterministic(demo):
    names = sorted(User.objects.values_list("full_name", flat=True))
    counts = (User.objects.count(), Unit.objects.count(), Programme.objects.count())
    build_demo()
    assert (User.objects.count(), Unit.objects.count(), Programme.objects.count()) == counts
    assert sorted(User.objects.values_list("full_name", flat=True)) == names


def test_demo_names_are_bulgarian(demo):
    for name in User.objects.exclude(is_superuser=True).values_list("full_name", flat=True):
        assert any("а" <= ch.lower() <= "я" for ch in name), name


def test_check_deploy_fails_when_demo_users_exist_in_production(demo):
    with override_settings(PRODUCTION=True), pytest.raises(SystemCheckError) as error:
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
    assert "zakrila.E001" in str(error.value)


def test_ruse_case_manager_sees_ruse_not_the_other_organisation(client, demo):
    user = User.objects.get(email="case_manager@demo.zakrila.bg")
    client.force_login(user)
    content = client.get("/").content.decode()
    assert "Център за обществена подкрепа – Русе" in content
    assert "Велико Търново" not in content
    for unit in Unit.objects.filter(organisation__name_bg="Фондация „Детски хоризонти“"):
        assert client.get(unit.get_absolute_url()).status_code == 404
    for unit in Unit.objects.filter(organisation__name_bg="Сдружение „Еквилибриум“"):
        assert client.get(unit.get_absolute_url()).status_code == 200


def test_ruse_has_a_team_with_a_realistic_caseload_and_a_handful_of_overdue_work(demo):
    """#12 §4.13: several workers per role in Ruse (the demo logins unchanged), 15–25 open
    families per case manager, and only a handful of overdue tasks to show what overdue is."""
    from django.db.models import Q
    from django.utils import timezone

    from zakrila.cases.models import Case, CaseStatus, Task

    ruse = Organisation.objects.get(name_bg="Сдружение „Еквилибриум“")
    managers = [
        m.user
        for m in Membership.objects.filter(organisation=ruse).select_related("user")
        if Role.CASE_MANAGER in m.roles
    ]
    assert len(managers) >= 3
    assert "case_manager@demo.zakrila.bg" in {user.email for user in managers}
    for role in (Role.SPECIALIST, Role.FIELD_WORKER, Role.CARER):
        staff = [m for m in Membership.objects.filter(organisation=ruse) if role in m.roles]
        assert len(staff) >= 2, role
    today = timezone.localdate()
    overdue_total = 0
    for user in managers:
        open_cases = (
            Case.objects.exclude(status=CaseStatus.CLOSED)
            .filter(Q(key_worker=user) | Q(team=user))
            .distinct()
            .count()
        )
        assert 15 <= open_cases <= 25, (user.email, open_cases)
        overdue = Task.objects.open().filter(assignee=user, due_on__lt=today).count()
        assert overdue <= 5, (user.email, overdue)
        overdue_total += overdue
    assert 1 <= overdue_total <= 8  # some, to show what overdue looks like
