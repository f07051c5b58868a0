"""Who sees enrolments and visits: the organisation's units, the roles that work with families,
and never an enrolment whose case is restricted to another team."""

from __future__ import annotations

import pytest

from tests.factories import member
from zakrila.accounts.models import Role
from zakrila.accounts.policy import enrolments_visible_to, visits_visible_to
from zakrila.cases.services import case_open
from zakrila.programmes.services import enrolment_start

pytestmark = pytest.mark.django_db


def _enrol(di, child, worker, **kwargs):
    return enrolment_start(actor=worker, programme=di, person=child, worker=worker, **kwargs)


def test_outsider_and_trainer_see_no_enrolment(di, child, worker, outsider, org):
    enrolment = _enrol(di, child, worker)
    trainer = member(org, Role.TRAINER, email="t@example.bg")
    assert enrolment in enrolments_visible_to(worker)
    for user in (outsider, trainer):
        assert not enrolments_visible_to(user).exists()
        assert not visits_visible_to(user).exists()


def test_an_enrolment_on_a_restricted_case_is_hidden_off_its_team(di, child, worker, colleague, director, cop):  # fmt: skip
    case = case_open(
        actor=worker, unit=cop, person=child, key_worker=worker, without_referral_reason="x"
    )
    case.is_restricted = True
    case.save(update_fields=["is_restricted"])
    enrolment = _enrol(di, child, worker, case=case)
    assert enrolment in enrolments_visible_to(worker)
    assert enrolment in enrolments_visible_to(director)
    assert not enrolments_visible_to(colleague).exists()
    assert not visits_visible_to(colleague).exists()
    assert visits_visible_to(worker).exists()


def test_a_member_limited_to_another_unit_sees_nothing(di, child, worker, org):
    from tests.factories import UnitFactory

    other_unit = UnitFactory(organisation=org, name="Улица", code="ЦРДУ")
    limited = member(org, Role.CASE_MANAGER, units=[other_unit], email="l@example.bg")
    _enrol(di, child, worker)
    assert not enrolments_visible_to(limited).exists()
