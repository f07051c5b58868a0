"""Search finds people however they are typed: recall@5 on held-out spelling variants (Latin by
the law and informal, one or two typos, no middle name, reversed order), on the database the
suite runs on — the embedded SQLite and PostgreSQL alike. ``bench/people.py`` measures the same
on registries of 100,000 and 1,000,000 people."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from tests.factories import UnitFactory, member
from zakrila.accounts.models import Role
from zakrila.people.demo import PeoplePlan, build_people
from zakrila.people.models import Person
from zakrila.people.names import key_words
from zakrila.people.queries import search_people
from zakrila.people.variants import found, variants_of

AT = 5
REQUIRED_RECALL = 0.95


def test_recall_at_5_on_held_out_spelling_variants_is_at_least_95_percent(org, cop, other_org):
    UnitFactory(organisation=other_org)
    plan = PeoplePlan(families=150, street_children=3, duplicates=4,
                      settlements=("гр. Русе",), municipality="Русе")  # fmt: skip
    build_people(organisation=org, plan=plan, seed=7, today=dt.date(2026, 11, 23))
    # Namesakes in another organisation must neither be found nor crowd the results.
    build_people(organisation=other_org, plan=plan, seed=7, today=dt.date(2026, 11, 23))
    director = member(org, Role.DIRECTOR)
    people = Person.objects.filter(organisation=org)
    words = {pk: key_words(key) for pk, key in people.values_list("pk", "search_key")}
    named = list(people.exclude(first_name="").exclude(last_name="").order_by("pk"))
    rng = random.Random(11)
    asked: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    examples = []
    for target in rng.sample(named, 40):
        for variant in variants_of(target.first_name, target.middle_name, target.last_name, rng):
            results = search_people(user=director, text=variant.text, limit=AT)
            assert all(person.organisation_id == org.pk for person in results)
            asked[variant.kind] += 1
            if not found([(p.pk, words[p.pk]) for p in results], target.pk, variant, at=AT):
                missed[variant.kind] += 1
                examples.append(f"{variant.text!r} for {target.full_name} → {results}")
    recall = 1 - sum(missed.values()) / sum(asked.values())
    by_kind = {kind: f"{1 - missed[kind] / asked[kind]:.0%}" for kind in asked}
    assert recall >= REQUIRED_RECALL, (recall, by_kind, examples[:10])
