"""The demo's donations and volunteers for Ruse: a year of donations, stock, distributions and
volunteer hours, with the stock true to its ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils import timezone

from zakrila.accounts.models import User
from zakrila.giving.figures import giving_figures
from zakrila.giving.models import (
    Assignment,
    Distribution,
    InKindDonation,
    MoneyDonation,
    StockLot,
    Volunteer,
)
from zakrila.organisations.models import Organisation

RUSE = "Сдружение „Еквилибриум“"


def test_the_demo_has_a_year_of_giving_for_ruse(demo):
    ruse = Organisation.objects.get(name_bg=RUSE)
    today = timezone.localdate()
    money = MoneyDonation.objects.filter(organisation=ruse)
    assert money.count() > 40
    assert len({d.month for d in money.values_list("received_on", flat=True)}) == 12
    assert InKindDonation.objects.filter(organisation=ruse).count() > 20
    assert Distribution.objects.filter(organisation=ruse).count() > 80
    assert Distribution.objects.filter(organisation=ruse, case__isnull=False).exists()
    assert not MoneyDonation.objects.exclude(organisation=ruse).exists()
    # The stock is its ledger, and never below zero.
    for lot in StockLot.objects.filter(organisation=ruse).annotate(
        ledger=models.Sum("movements__quantity")
    ):
        assert lot.quantity == lot.ledger >= 0
    done = Assignment.objects.filter(organisation=ruse, status="done")
    assert done.count() > 100
    figures = giving_figures(organisation_id=ruse.pk, year=today.year)
    assert figures.hours_total > 0 and figures.families_total > 10
    # One volunteer's certificate runs out soon; one has none and never works with children.
    assert any(v.certificate_expiring(today) for v in Volunteer.objects.filter(organisation=ruse))
    unchecked = Volunteer.objects.get(organisation=ruse, record_certificate_on__isnull=True)
    assert not unchecked.assignments.filter(need__with_children=True).exists()
    assert done.aggregate(h=models.Sum("hours_done"))["h"] > Decimal(300)


def test_the_demo_coordinator_starts_with_real_work(demo, client):
    coordinator = User.objects.get(email="giving_coordinator@demo.zakrila.bg")
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert 'data-testid="card-giving"' in home and "home-certificates-expiring" in home
    page = client.get(reverse("giving:index"))
    assert page.status_code == 200 and "Склад ЦОП – Русе" in page.content.decode()
    assert client.get(reverse("giving:figures")).status_code == 200
