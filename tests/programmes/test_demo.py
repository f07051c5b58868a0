"""The demo's programmes: a year of each for Ruse, a little for the other organisation, and
overdue visits on the field worker's and the case manager's home."""

from __future__ import annotations

import pytest
from django.utils import timezone

from zakrila.accounts.models import User
from zakrila.organisations.models import Organisation
from zakrila.programmes.models import (
    Enrolment,
    InstitutionLeaving,
    MaternitySignal,
    Pregnancy,
    Screening,
    Visit,
)

pytestmark = pytest.mark.django_db


def test_ruse_has_a_year_of_each_programme(demo):
    ruse = Organisation.objects.get(name_bg="Сдружение „Еквилибриум“")
    year_ago = timezone.now() - timezone.timedelta(days=366)
    signals = MaternitySignal.objects.filter(organisation=ruse, signalled_at__gte=year_ago)
    assert signals.count() == 40
    assert Pregnancy.objects.filter(organisation=ruse, enrolment__status="active").count() == 25
    assert InstitutionLeaving.objects.filter(organisation=ruse).count() == 10
    early = Enrolment.objects.filter(organisation=ruse, programme__kind="early_intervention")
    assert early.count() >= 30
    # The babies born in the pregnancy programme were enrolled at birth: not screened yet.
    newborns = Pregnancy.objects.filter(organisation=ruse, newborn__isnull=False)
    children = early.exclude(person__in=newborns.values("newborn_id"))
    per_child = [Screening.objects.filter(enrolment=e).count() for e in children]
    assert len(per_child) == 30 and min(per_child) >= 2 and max(per_child) == 3
    other = Organisation.objects.get(name_bg="Фондация „Детски хоризонти“")
    assert Enrolment.objects.filter(organisation=other).exists()


@pytest.mark.parametrize("email", ["field_worker@demo.zakrila.bg", "case_manager@demo.zakrila.bg"])
def test_overdue_visits_are_on_the_home_of(client, demo, email):
    user = User.objects.get(email=email)
    today = timezone.localdate()
    assert Visit.objects.filter(worker=user, status="planned", window_end__lt=today).exists()
    client.force_login(user)
    assert 'data-testid="home-overdue-visits"' in client.get("/").content.decode()
