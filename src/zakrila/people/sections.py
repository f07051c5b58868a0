"""The sections of a person's page, asked together before any is read (``core.presence``):
other apps add theirs (a person's cases, enrolments) where they hook into the page."""

from __future__ import annotations

from zakrila.core.presence import Sections
from zakrila.people.models import Consent, Disclosure, Household, HouseholdMember, PersonAlias

PERSON_SECTIONS = Sections("person")
PERSON_SECTIONS.add(PersonAlias, "person")
PERSON_SECTIONS.add(Household, "child")
PERSON_SECTIONS.add(HouseholdMember, "person")
PERSON_SECTIONS.add(Consent, "person")
PERSON_SECTIONS.add(Disclosure, "person")
