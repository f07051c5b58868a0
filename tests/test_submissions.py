"""A form sent twice creates one record: double clicks, impatient clicks, the outbox retrying."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory, member
from zakrila.accounts.models import Role
from zakrila.cases.models import Contact, Referral
from zakrila.core.models import Submission
from zakrila.core.submissions import submissions_forget


def _referral_form(unit, key):
    return {
        "source": "child_protection", "document_number": "ДСП-9", "document_date": "01.11.2026",
        "reason": "Риск от изоставяне", "unit": unit.pk, "household": "",
        "received_on": "02.11.2026", "submission_key": key,
    }  # fmt: skip


def test_the_same_referral_sent_twice_is_registered_once(client, case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    client.force_login(case_manager)
    url = reverse("cases:referral_new", args=[child.pk])
    page = client.get(url).content.decode()
    assert 'name="submission_key"' in page
    key = str(uuid.uuid4())
    first = client.post(url, _referral_form(cop, key))
    second = client.post(url, _referral_form(cop, key), follow=True)
    assert Referral.objects.filter(person=child).count() == 1
    referral = Referral.objects.get(person=child)
    assert first.url == reverse("cases:referral", args=[referral.pk])
    assert second.redirect_chain[-1][0] == referral.get_absolute_url()
    assert "вече е изпратен" in second.content.decode()
    # A new key (the form opened again) is a new referral: the user meant it.
    client.post(url, _referral_form(cop, str(uuid.uuid4())))
    assert Referral.objects.filter(person=child).count() == 2


def test_a_refused_form_can_be_corrected_and_sent_with_the_same_key(client, case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    client.force_login(case_manager)
    url = reverse("cases:referral_new", args=[child.pk])
    key = str(uuid.uuid4())
    refused = client.post(url, {**_referral_form(cop, key), "reason": ""})
    assert refused.status_code == 200
    assert not Submission.objects.filter(key=key).exists()
    client.post(url, _referral_form(cop, key))
    assert Referral.objects.filter(person=child).count() == 1


def test_a_key_is_one_users_own(client, case_manager, cop, org):
    """Another user's key does not send them to someone else's record."""
    from zakrila.cases.services import case_open

    case = case_open(
        actor=case_manager, unit=cop, person=PersonFactory(organisation=org, unit=cop),
        key_worker=case_manager, without_referral_reason="консултация",
    )  # fmt: skip
    colleague = member(org, Role.CASE_MANAGER, email="colleague2@example.bg")
    case.team.add(colleague)
    key = str(uuid.uuid4())
    data = {
        "kind": "phone", "occurred_at": "02.11.2026 10:00", "duration_minutes": 10,
        "note": "обаждане", "submission_key": key,
    }  # fmt: skip
    url = reverse("cases:contact_new", args=[case.pk])
    client.force_login(case_manager)
    client.post(url, data)
    client.force_login(colleague)
    client.post(url, data)
    assert Contact.objects.filter(case=case).count() == 2


def test_old_keys_are_forgotten(case_manager):
    import datetime as dt

    from django.utils import timezone

    Submission.objects.create(user=case_manager, key=uuid.uuid4(), path="/")
    later = timezone.now() + dt.timedelta(days=31)
    assert submissions_forget(now=later) == 1
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_submissions_of_one_referral_register_one(org, cop, case_manager):
    """The probe sent five identical POSTs at once and got five referrals."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are PostgreSQL's; SQLite serialises every writer")
    child = PersonFactory(organisation=org, unit=cop)
    url = reverse("cases:referral_new", args=[child.pk])
    key = str(uuid.uuid4())
    start = threading.Barrier(5)
    statuses: list[int] = []

    def send() -> None:
        client = Client()
        client.force_login(case_manager)
        start.wait()
        try:
            statuses.append(client.post(url, _referral_form(cop, key)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 5
    assert Referral.objects.filter(person=child).count() == 1
