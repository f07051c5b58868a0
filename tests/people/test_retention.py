"""Retention: what has been kept long enough is anonymised, in batches, recorded; holds win."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.people.models import Person
from zakrila.privacy.retention import retention_run


def _age(person, years):
    Person.objects.filter(pk=person.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=365 * years + 2)
    )


def test_dry_run_lists_and_changes_nothing(org, capsys, settings):
    settings.ZAKRILA_RETENTION_YEARS = {
        **settings.ZAKRILA_RETENTION_YEARS,
        "person": 5,
        "anonymous_contact": 3,
    }
    old = PersonFactory(organisation=org, first_name="Стара")
    recent = PersonFactory(organisation=org, first_name="Нова")
    held = PersonFactory(organisation=org, first_name="Съдебна", legal_hold_reason="гр.д. 7/2020")
    street = PersonFactory(
        organisation=org,
        first_name="",
        last_name="",
        description="момче, ~12 г.",
        identification_status="anonymous",
    )
    for person, years in ((old, 6), (recent, 1), (held, 6), (street, 4)):
        _age(person, years)
    call_command("retention", "run", "--dry-run")
    out = capsys.readouterr().out
    assert f"person #{old.pk} " in out
    assert f"person #{street.pk} " in out and "anonymous_contact" in out
    assert f"person #{recent.pk} " not in out
    assert "HELD: " in out and "гр.д. 7/2020" in out
    assert "2 would be anonymised, 1 kept" in out
    assert not Person.objects.filter(anonymised_at__isnull=False).exists()


def test_run_anonymises_in_batches_and_records_each(org, settings):
    settings.ZAKRILA_RETENTION_YEARS = {**settings.ZAKRILA_RETENTION_YEARS, "person": 5}
    people = [PersonFactory(organisation=org, municipality="Русе", sex="female") for _ in range(5)]
    for person in people:
        _age(person, 6)
    keep = PersonFactory(organisation=org)
    result = retention_run(batch_size=2)
    assert (result.anonymised, result.held) == (5, 0)
    for person in people:
        person.refresh_from_db()
        assert person.anonymised_at is not None and person.first_name == ""
        assert (person.sex, person.municipality, person.birth_date.year) == ("female", "Русе", 2015)
    keep.refresh_from_db()
    assert keep.anonymised_at is None
    assert (
        AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="people.person").count()
        == 5
    )
    batches = AuditEvent.objects.filter(object_type="privacy.retention")
    assert sorted(event.details["retention_batch"] for event in batches) == [1, 2, 2]
    # A second run finds nothing left to do.
    assert retention_run().anonymised == 0
