"""Small lists every page of an organisation shows — its units, its staff — read once and kept
in the cache, instead of queried on every request.

Each organisation has a generation token in the cache (``core.generations``); a change to a
unit, a membership or a user's name moves it on, at once and after the commit, so the next page
reads the lists afresh. With several app servers the
cache is Redis (``REDIS_URL``), shared by all; the embedded default keeps a cache per process,
so the lists there also expire after ``TTL`` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zakrila.core import generations

TTL = 60


@dataclass(frozen=True)
class UnitChoice:
    pk: int
    name: str
    parent_id: int | None


def _generation_key(organisation_id: int) -> str:
    return f"zakrila:org:{organisation_id}:gen"


def organisation_changed(organisation_id: int | None) -> None:
    """Forget the organisation's cached lists (a unit, a membership or a name changed)."""
    if organisation_id is not None:
        generations.move(_generation_key(organisation_id))


def _cached(organisation_id: int, name: str, read: Any) -> Any:
    """The list ``name`` of the organisation, kept with the token it was read under: the token
    and the list come in one round trip to the cache, not one after the other."""
    key = f"zakrila:org:{organisation_id}:{name}"
    return generations.read_through(_generation_key(organisation_id), key, read, TTL)


def active_units(organisation_id: int) -> list[UnitChoice]:
    """The organisation's units in use, by name."""
    from zakrila.organisations.models import Unit

    def read() -> list[UnitChoice]:
        rows = Unit.objects.filter(organisation_id=organisation_id, is_active=True).order_by("name")
        return [UnitChoice(pk, name, parent) for pk, name, parent in rows.values_list(
            "pk", "name", "parent_id"
        )]  # fmt: skip

    result: list[UnitChoice] = _cached(organisation_id, "units", read)
    return result


def active_unit(organisation_id: int, unit_id: int) -> Any:
    """The organisation's unit in use with this id, as a model (None when there is none): the
    unit a worker chose to work in, which every request of theirs sets on ``request.unit``."""
    from zakrila.organisations.models import Unit

    def read() -> Any:
        found = Unit.objects.filter(organisation_id=organisation_id, pk=unit_id, is_active=True)
        return found.first() or False  # False: "no such unit" is kept too (None is a miss)

    return _cached(organisation_id, f"unit:{unit_id}", read) or None


def staff(organisation_id: int) -> list[tuple[int, str]]:
    """(id, name) of the people working in the organisation now."""
    from zakrila.accounts.queries import staff_choices

    result: list[tuple[int, str]] = _cached(
        organisation_id, "staff", lambda: staff_choices(organisation_id)
    )
    return result


@dataclass(frozen=True)
class UnitRow:
    """A unit as the home page lists it."""

    pk: int
    name: str
    kind: str
    capacity: int
    parent_id: int | None
    parent_name: str
    url: str = ""  # set by the page: a URL is not cached

    @property
    def kind_label(self) -> str:
        from zakrila.organisations.models import UnitKind

        return str(UnitKind(self.kind).label) if self.kind in UnitKind.values else self.kind


@dataclass(frozen=True)
class ProgrammeRow:
    """A programme as the home page lists it, with the unit that runs it."""

    pk: int
    name: str
    unit_id: int
    unit_name: str
    url: str = ""


def unit_rows(organisation_id: int) -> list[UnitRow]:
    """The organisation's units in use: the units of their own first, then each centre's
    parts, by name."""
    from zakrila.organisations.models import Unit

    def read() -> list[UnitRow]:
        rows = Unit.objects.filter(organisation_id=organisation_id, is_active=True).values_list(
            "pk", "name", "kind", "capacity", "parent_id", "parent__name"
        )
        units = [UnitRow(pk, name, kind, capacity, parent_id, parent_name or "")
                 for pk, name, kind, capacity, parent_id, parent_name in rows]  # fmt: skip
        return sorted(units, key=lambda u: (u.parent_id is not None, u.parent_id or 0, u.name))

    result: list[UnitRow] = _cached(organisation_id, "unit-rows", read)
    return result


def programme_rows(organisation_id: int) -> list[ProgrammeRow]:
    """The organisation's programmes, by name."""
    from zakrila.organisations.models import Programme

    def read() -> list[ProgrammeRow]:
        rows = (
            Programme.objects.filter(organisation_id=organisation_id)
            .order_by("name", "pk")
            .values_list("pk", "name", "unit_id", "unit__name")
        )
        return [ProgrammeRow(*row) for row in rows]

    result: list[ProgrammeRow] = _cached(organisation_id, "programme-rows", read)
    return result


def unit_rows_reached(organisation_id: int, unit_ids: frozenset[int] | None) -> list[UnitRow]:
    """``unit_rows`` of the units a membership reaches: all of them, or the listed ones."""
    rows = unit_rows(organisation_id)
    return rows if unit_ids is None else [row for row in rows if row.pk in unit_ids]


def units_reached(organisation_id: int, unit_ids: frozenset[int] | None) -> list[UnitChoice]:
    """The units a membership reaches: all of the organisation's, or the listed ones."""
    units = active_units(organisation_id)
    return units if unit_ids is None else [u for u in units if u.pk in unit_ids]
