"""The search index of people's names: which folded name words exist (``NameWord``) and who
carries them (``PersonNameWord``).

The people services call ``index_person`` in the same transaction as every change of a name
(create, edit, another name, merge, anonymisation), so the index never disagrees with the
records; bulk loaders call ``index_people``; ``zakrila people reindex`` (and the data migration
that introduced the index) call ``rebuild_name_index``. A merged-away or anonymised person
carries no words, and a word nobody carries any more is deleted with its last link.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from zakrila.people.names import key_words, person_search_key, to_latin


def _models() -> tuple[Any, Any, Any, Any]:
    from zakrila.people.models import NameWord, Person, PersonAlias, PersonNameWord

    return Person, PersonAlias, NameWord, PersonNameWord


def words_changed(version_model: Any = None) -> None:
    """Note that name words were added or deleted (in the same transaction), so that search on
    the embedded SQLite reads its in-memory copy of the words again. PostgreSQL keeps no copy."""
    if connection.vendor != "sqlite":
        return
    if version_model is None:
        from zakrila.people.models import NameWordsVersion as version_model
    token = uuid.uuid4().hex
    if not version_model.objects.filter(pk=1).update(token=token):
        version_model.objects.create(pk=1, token=token)


def words_of(person: Any) -> set[str]:
    """The words a person is found by: none once merged away or anonymised."""
    if person.merged_into_id or person.anonymised_at:
        return set()
    return key_words(person.search_key)


def index_person(person: Any) -> None:
    """Make the person's links match the words of their search key (call inside the service's
    transaction, after the person is saved with a fresh search key)."""
    _person, _alias, word_model, link_model = _models()
    wanted = words_of(person)
    current = dict(
        link_model.objects.filter(person_id=person.pk).values_list("word__word", "word_id")
    )
    gone = [word_id for word, word_id in current.items() if word not in wanted]
    if gone:
        link_model.objects.filter(person_id=person.pk, word_id__in=gone).delete()
        _count(word_model, gone, -1)
    new = sorted(wanted - current.keys())
    if new:
        ids = _word_ids(word_model, new)
        link_model.objects.bulk_create(
            link_model(
                person_id=person.pk, word_id=ids[word], organisation_id=person.organisation_id
            )
            for word in new
        )
        _count(word_model, [ids[word] for word in new], +1)


def index_people(people: Iterable[Any], *, batch_size: int = 5000) -> int:
    """Link many people who have no links yet (people just written in bulk). Returns the number
    of links written."""
    _person, _alias, word_model, link_model = _models()
    written = 0
    for chunk in _chunks(people, batch_size):
        written += _link(chunk, word_model, link_model, batch_size=batch_size, count=True)
    return written


@dataclass(frozen=True)
class RebuildResult:
    people: int
    keys_changed: int
    links: int
    words: int


def rebuild_name_index(
    *,
    organisation_id: int | None = None,
    batch_size: int = 5000,
    model_classes: tuple[Any, Any, Any, Any, Any] | None = None,
    progress: Any = None,
) -> RebuildResult:
    """Recompute every person's Latin names and search key from their names and other names,
    and the word links from them (of one organisation, or of everyone), then the word counts;
    words nobody carries are deleted.

    ``model_classes`` (Person, PersonAlias, NameWord, PersonNameWord, NameWordsVersion) lets a
    data migration pass its historical models.
    """
    if model_classes is None:
        from zakrila.people.models import NameWordsVersion

        model_classes = (*_models(), NameWordsVersion)
    person_model, alias_model, word_model, link_model, version_model = model_classes
    links = link_model.objects.all()
    people = person_model.objects.all()
    if organisation_id is not None:
        links = links.filter(organisation_id=organisation_id)
        people = people.filter(organisation_id=organisation_id)
    links.delete()
    fields = ("first_name", "middle_name", "last_name")
    done = changed = written = 0
    last_pk = 0
    while True:
        chunk = list(people.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        aliases: dict[int, list[str]] = {}
        for alias in (
            alias_model.objects.filter(person_id__in=[person.pk for person in chunk])
            .order_by("pk")
            .values_list("person_id", *fields)
        ):
            aliases.setdefault(alias[0], []).append(" ".join(part for part in alias[1:] if part))
        stale = []
        for person in chunk:
            full_name = " ".join(getattr(person, name) for name in fields if getattr(person, name))
            derived = {
                "first_name_latin": to_latin(person.first_name),
                "middle_name_latin": to_latin(person.middle_name),
                "last_name_latin": to_latin(person.last_name),
                "search_key": person_search_key([full_name, *aliases.get(person.pk, [])]),
            }
            if any(getattr(person, name) != value for name, value in derived.items()):
                for name, value in derived.items():
                    setattr(person, name, value)
                stale.append(person)
        if stale:
            person_model.objects.bulk_update(stale, list(derived), batch_size=batch_size)
            changed += len(stale)
        written += _link(chunk, word_model, link_model, batch_size=batch_size, count=False)
        done += len(chunk)
        if progress:
            progress(done)
    words = _recount(word_model, link_model)
    words_changed(version_model)
    return RebuildResult(people=done, keys_changed=changed, links=written, words=words)


# --- Helpers -----------------------------------------------------------------------------------


def _link(
    people: list[Any], word_model: Any, link_model: Any, *, batch_size: int, count: bool
) -> int:
    """Write the links of people who have none; add them to the word counts if asked."""
    words = {person.pk: words_of(person) for person in people}
    ids = _word_ids(word_model, sorted(set().union(*words.values())))
    links = [
        link_model(person_id=person.pk, word_id=ids[word], organisation_id=person.organisation_id)
        for person in people
        for word in sorted(words[person.pk])
    ]
    link_model.objects.bulk_create(links, batch_size=batch_size)
    if count:
        per_word: dict[int, int] = {}
        for link in links:
            per_word[link.word_id] = per_word.get(link.word_id, 0) + 1
        _add_counts(word_model, per_word)
    return len(links)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _word_ids(word_model: Any, words: list[str]) -> dict[str, int]:
    """The ids of these words, adding the words that are new."""
    ids: dict[str, int] = {}
    for start in range(0, len(words), 900):
        part = words[start : start + 900]
        found = dict(word_model.objects.filter(word__in=part).values_list("word", "pk"))
        missing = [word for word in part if word not in found]
        if missing:
            # Another transaction may add the same word at the same time: keep theirs.
            word_model.objects.bulk_create(
                [word_model(word=word, people=0) for word in missing], ignore_conflicts=True
            )
            words_changed()
            found.update(word_model.objects.filter(word__in=missing).values_list("word", "pk"))
        ids.update(found)
    return ids


def _count(word_model: Any, word_ids: list[int], step: int) -> None:
    """Add ``step`` to each word's count, in id order (so two writers lock rows in one order);
    a word nobody carries any more is deleted."""
    ordered = sorted(word_ids)
    word_model.objects.filter(pk__in=ordered).update(people=models.F("people") + step)
    if step < 0 and word_model.objects.filter(pk__in=ordered, people=0).delete()[0]:
        words_changed()


def _add_counts(word_model: Any, per_word: dict[int, int]) -> None:
    by_count: dict[int, list[int]] = {}
    for word_id, count in per_word.items():
        by_count.setdefault(count, []).append(word_id)
    for count, word_ids in sorted(by_count.items()):
        for start in range(0, len(word_ids), 900):
            word_model.objects.filter(pk__in=sorted(word_ids[start : start + 900])).update(
                people=models.F("people") + count
            )


def _recount(word_model: Any, link_model: Any) -> int:
    """Set every word's count from its links and delete the words nobody carries."""
    words = word_model._meta.db_table
    links = link_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {words} SET people = (SELECT count(*) FROM {links} "  # noqa: S608 (table names)
            f"WHERE {links}.word_id = {words}.id)"
        )
    word_model.objects.filter(people=0).delete()
    return int(word_model.objects.count())
