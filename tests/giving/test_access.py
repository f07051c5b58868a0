"""Who sees giving: the coordinator sees giving only; a case worker sees the distributions to
their cases (through the case policy), not the stores or donors; another organisation sees
nothing; every view of a personal record and every change is in the audit trail."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import PersonFactory
from tests.giving.conftest import give, in_month, receive
from zakrila.accounts.policy import distributions_visible_to
from zakrila.audit.models import AuditEvent
from zakrila.cases.services import case_open


def _case(worker, org, cop, *, restricted=False):
    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(
        actor=worker, unit=cop, person=child, key_worker=worker, without_referral_reason="помощ"
    )
    if restricted:
        case.is_restricted = True
        case.save(update_fields=["is_restricted"])
    return case


def test_the_coordinator_sees_giving_only(client, coordinator, org, cop, family):
    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert reverse("giving:index") in home
    assert reverse("people:list") not in home and reverse("cases:list") not in home
    assert client.get(reverse("people:list")).status_code == 403
    assert client.get(family.child.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 403
    assert client.get(reverse("giving:index")).status_code == 200


def test_a_case_worker_sees_distributions_to_their_cases_not_the_stores(
    client, coordinator, worker, colleague, org, cop, store, flour
):
    receive(coordinator, store, (flour, "10", "1", in_month(30)))
    open_case = _case(worker, org, cop)
    hidden_case = _case(worker, org, cop, restricted=True)
    to_open = give(coordinator, store, None, (flour, "1"), case=open_case)
    to_hidden = give(coordinator, store, None, (flour, "1"), case=hidden_case)
    assert set(distributions_visible_to(worker)) == {to_open, to_hidden}
    assert set(distributions_visible_to(colleague)) == {to_open}  # off the restricted case's team
    client.force_login(colleague)
    assert to_open.number in client.get(open_case.get_absolute_url()).content.decode()
    assert client.get(hidden_case.get_absolute_url()).status_code == 404
    # The giving pages are the coordinator's: a case worker has no reason to open a store.
    assert client.get(reverse("giving:index")).status_code == 403
    assert client.get(store.get_absolute_url()).status_code == 404
    assert client.get(to_open.get_absolute_url()).status_code == 404


def test_another_organisation_sees_nothing(
    client, coordinator, outsider, store, flour, donor, family
):
    donation = receive(coordinator, store, (flour, "10", "1", in_month(30)), donor=donor)
    distribution = give(coordinator, store, family, (flour, "1"))
    assert not distributions_visible_to(outsider).exists()
    client.force_login(outsider)
    for url in (
        store.get_absolute_url(), donor.get_absolute_url(), donation.get_absolute_url(),
        distribution.get_absolute_url(), reverse("giving:donation_pdf", args=[donation.pk]),
    ):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_views_and_changes_are_audited(client, coordinator, store, flour, family):
    receive(coordinator, store, (flour, "10", "1", in_month(30)))
    distribution = give(coordinator, store, family, (flour, "2"))
    created = AuditEvent.objects.filter(object_type="giving.distribution", action="create").get()
    assert created.person_id == family.child_id
    client.force_login(coordinator)
    client.get(distribution.get_absolute_url())
    viewed = AuditEvent.objects.filter(object_type="giving.distribution", action="view").get()
    assert viewed.person_id == family.child_id and viewed.actor_id == coordinator.pk


def test_the_dpo_reads_giving_but_changes_nothing(client, dpo, store):
    client.force_login(dpo)
    assert client.get(store.get_absolute_url()).status_code == 200
    refused = client.get(reverse("giving:distribution_new"))
    assert refused.status_code == 403
    assert "координаторът" in refused.content.decode()
