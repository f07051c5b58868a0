"""Stages and visit schedules as data: one JSON file per kind of programme (``schedule_data/``).

A schedule names the programme's stages; each stage lists its visits, and each visit is due at
an offset from an **anchor** — a date on the enrolment: ``enrolment`` (the day of enrolment),
``birth`` (the person's birth date), ``lmp`` (the last menstrual period), ``left_institution``
(the day the child left the institution). A visit's window opens ``starts_days`` before it is
due and closes ``expires_days`` after it (CommCare's ``starts``/``due``/``expires``); a visit
not done by the end of its window is overdue.

A stage with ``repeat_every_days`` is repeatable: it runs while the enrolment is in that stage,
one visit at a time, the next due that many days after the last one was done (DHIS2's standard
interval). Visits of the other stages are scheduled as soon as their anchor is known (``skip_if_past``: except those whose window had closed
before the enrolment started).

The same file lists the programme's outcomes; ``in_family`` marks those that count as the
outcome that matters (the child living in a family).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

SHIPPED = Path(__file__).parent / "schedule_data"
ANCHORS = ("enrolment", "birth", "lmp", "left_institution")


def in_language(bg: str, en: str) -> str:
    """The Bulgarian text, or the English one when the page is in English and has it."""
    return en if (get_language() or "bg").startswith("en") and en else bg


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the last day of a shorter month): a child who left on
    31 March is followed up on 30 June."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class VisitDefinition:
    """One scheduled visit of a stage."""

    key: str
    stage: str
    title_bg: str
    title_en: str
    anchor: str
    due_days: int = 0
    due_months: int = 0
    starts_days: int = 0
    expires_days: int = 0
    questions: str = ""  # a named set of questions asked at the visit (see forms)
    # Not scheduled when its window had closed before the enrolment started (a pregnancy
    # registered at 25 weeks has no 20-week contact to miss); otherwise a late enrolment shows
    # the visits it is already late for.
    skip_if_past: bool = False

    @property
    def title(self) -> str:
        return in_language(self.title_bg, self.title_en)

    def due_from(self, anchor: dt.date) -> dt.date:
        return add_months(anchor, self.due_months) + dt.timedelta(days=self.due_days)

    def window(self, due_on: dt.date) -> tuple[dt.date, dt.date]:
        return (
            due_on - dt.timedelta(days=self.starts_days),
            due_on + dt.timedelta(days=self.expires_days),
        )


@dataclass(frozen=True)
class Stage:
    code: str
    title_bg: str
    title_en: str
    visits: tuple[VisitDefinition, ...]
    repeat_every_days: int | None = None

    @property
    def title(self) -> str:
        return in_language(self.title_bg, self.title_en)

    @property
    def repeatable(self) -> bool:
        return self.repeat_every_days is not None


@dataclass(frozen=True)
class Outcome:
    code: str
    title_bg: str
    title_en: str
    in_family: bool

    @property
    def title(self) -> str:
        return in_language(self.title_bg, self.title_en)


@dataclass(frozen=True)
class Schedule:
    """A programme kind's stages, visits and outcomes."""

    kind: str
    name_bg: str
    name_en: str
    stages: tuple[Stage, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    _visits: dict[str, VisitDefinition] = field(default_factory=dict, compare=False)

    def stage(self, code: str) -> Stage | None:
        return next((stage for stage in self.stages if stage.code == code), None)

    def visit(self, key: str) -> VisitDefinition | None:
        return self._visits.get(key)

    def outcome(self, code: str) -> Outcome | None:
        return next((outcome for outcome in self.outcomes if outcome.code == code), None)

    @property
    def first_stage(self) -> str:
        return self.stages[0].code if self.stages else ""

    def stage_choices(self) -> list[tuple[str, str]]:
        return [(stage.code, stage.title) for stage in self.stages]

    def outcome_choices(self) -> list[tuple[str, str]]:
        return [(outcome.code, outcome.title) for outcome in self.outcomes]

    @property
    def family_outcomes(self) -> list[str]:
        return [outcome.code for outcome in self.outcomes if outcome.in_family]


EMPTY = Schedule(kind="", name_bg="", name_en="")


def _problem(message: str) -> ValidationError:
    return ValidationError(message, code="bad_schedule")


def schedule_from_data(data: Any) -> Schedule:
    """A schedule from its JSON, refused with what is wrong when it would not work."""
    if not isinstance(data, dict) or not data.get("kind") or not data.get("name_bg"):
        raise _problem(_("A schedule is a JSON object with a kind, names, stages and outcomes."))
    stages: list[Stage] = []
    visits: dict[str, VisitDefinition] = {}
    for raw_stage in data.get("stages", []):
        code = raw_stage.get("code", "")
        if not code or not raw_stage.get("title_bg"):
            raise _problem(_("Every stage needs a code and a Bulgarian title."))
        stage_visits = []
        for raw in raw_stage.get("visits", []):
            key = raw.get("key", "")
            if not key or key in visits:
                raise _problem(
                    _("Every visit needs its own key; “%(key)s” is missing or repeated.")
                    % {"key": key}
                )
            if raw.get("anchor") not in ANCHORS:
                raise _problem(_("Visit “%(key)s” has an unknown anchor.") % {"key": key})
            if raw.get("starts_days", 0) < 0 or raw.get("expires_days", 0) < 0:
                raise _problem(
                    _("The window of visit “%(key)s” must open before and close after it is due.")
                    % {"key": key}
                )
            definition = VisitDefinition(
                key=key,
                stage=code,
                title_bg=raw.get("title_bg", key),
                title_en=raw.get("title_en", ""),
                anchor=raw["anchor"],
                due_days=int(raw.get("due_days", 0)),
                due_months=int(raw.get("due_months", 0)),
                starts_days=int(raw.get("starts_days", 0)),
                expires_days=int(raw.get("expires_days", 0)),
                questions=raw.get("questions", ""),
                skip_if_past=bool(raw.get("skip_if_past", False)),
            )
            visits[key] = definition
            stage_visits.append(definition)
        repeat = raw_stage.get("repeat_every_days")
        if repeat is not None and (int(repeat) < 1 or len(stage_visits) != 1):
            raise _problem(
                _("A repeatable stage has one visit and repeats after at least a day: “%(code)s”.")
                % {"code": code}
            )
        stages.append(
            Stage(
                code=code,
                title_bg=raw_stage["title_bg"],
                title_en=raw_stage.get("title_en", ""),
                visits=tuple(stage_visits),
                repeat_every_days=int(repeat) if repeat is not None else None,
            )
        )
    outcomes = tuple(
        Outcome(
            code=raw["code"],
            title_bg=raw["title_bg"],
            title_en=raw.get("title_en", ""),
            in_family=bool(raw.get("in_family")),
        )
        for raw in data.get("outcomes", [])
    )
    return Schedule(
        kind=data["kind"],
        name_bg=data["name_bg"],
        name_en=data.get("name_en", ""),
        stages=tuple(stages),
        outcomes=outcomes,
        _visits=visits,
    )


@cache
def schedule_for(kind: str) -> Schedule:
    """The shipped schedule of a programme kind; a kind without one has no stages."""
    path = SHIPPED / f"{kind}.json"
    if not path.exists():
        return EMPTY
    return schedule_from_data(json.loads(path.read_text(encoding="utf-8")))


@cache
def longest_window_after_due() -> int:
    """The most days any shipped schedule's window stays open after a visit is due."""
    longest = 0
    for path in SHIPPED.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        for stage in data.get("stages", []):
            for visit in stage.get("visits", []):
                longest = max(longest, int(visit.get("expires_days", 0)))
    return longest
