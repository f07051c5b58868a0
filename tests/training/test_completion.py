"""The completion rule: at least 80 % of the hours of every module (or of all hours), judged
against the edition the cohort runs — exactly 80 % is enough, a module missed entirely is never
made up by the others, and a later edition changes nothing for earlier cohorts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.training.conftest import attend, full_course, make_cohort, make_edition, session
from zakrila.training.completion import ModuleHours, cohort_completion, judge
from zakrila.training.models import CompletionRule, EditionStatus
from zakrila.training.services import (
    edition_new,
    edition_publish,
    edition_update,
    module_update,
    programme_create,
)

D = Decimal
EIGHT = [
    ModuleHours(n, n, f"Модул {n}", D(h)) for n, h in enumerate((16, 16, 16, 12, 12, 16, 8, 8), 1)
]


def _all(**overrides: str) -> dict[int, Decimal]:
    hours = {m.pk: m.hours for m in EIGHT}
    hours.update({int(k[1:]): D(v) for k, v in overrides.items()})
    return hours


# --- The rule itself ---------------------------------------------------------------------------


def test_exactly_80_percent_of_a_module_is_enough():
    result = judge(
        rule=CompletionRule.EVERY_MODULE, percent=80, modules=EIGHT, attended=_all(m1="12.8")
    )
    assert result.completed
    assert result.modules[0].required == D("12.8") and result.modules[0].missing == 0


def test_just_under_80_percent_of_one_module_is_not():
    result = judge(
        rule=CompletionRule.EVERY_MODULE, percent=80, modules=EIGHT, attended=_all(m1="12.7")
    )
    assert not result.completed
    assert [p.module.number for p in result.unmet] == [1]
    assert result.unmet[0].missing == D("0.1")


def test_a_module_missed_entirely_is_not_made_up_by_the_others():
    attended = _all(m7="0")  # 96 of 104 hours: 92 %, but module 7 not at all
    every = judge(rule=CompletionRule.EVERY_MODULE, percent=80, modules=EIGHT, attended=attended)
    assert not every.completed
    assert [p.module.number for p in every.unmet] == [7]
    assert every.unmet[0].missing == D("6.4")
    # Under a rule on all the hours, the same attendance completes.
    total = judge(rule=CompletionRule.TOTAL_HOURS, percent=80, modules=EIGHT, attended=attended)
    assert total.completed


def test_hours_beyond_a_module_do_not_count_for_another():
    attended = _all(m1="40", m2="0")
    result = judge(rule=CompletionRule.TOTAL_HOURS, percent=90, modules=EIGHT, attended=attended)
    assert result.attended == D(104 - 16)  # module 1 counts 16, not 40
    assert not result.completed


def test_a_programme_without_modules_completes_nobody():
    assert not judge(
        rule=CompletionRule.EVERY_MODULE, percent=80, modules=[], attended={}
    ).completed


# --- From attendance taken in sessions ---------------------------------------------------------


def test_exactly_80_percent_from_sessions(trainer):
    edition = make_edition(trainer, hours=(10,))
    cohort = make_cohort(trainer, edition, trainees=["Мария Стоянова", "Петя Иванова"])
    maria, petya = cohort.trainees.order_by("pk")
    long_day = session(trainer, cohort, 1, 8, day=1)
    short_day = session(trainer, cohort, 1, "2", day=2)
    attend(trainer, long_day, maria, petya)
    attend(trainer, short_day, petya)
    maria_result, petya_result = (cohort_completion(cohort)[t.pk] for t in (maria, petya))
    assert maria_result.attended == D(8) and maria_result.completed  # 8 of 10: exactly 80 %
    assert petya_result.completed
    attend(trainer, long_day, petya)  # Maria was not there after all: 2 of 10
    assert not cohort_completion(cohort)[maria.pk].completed


def test_a_module_missed_entirely_over_eight_modules(trainer):
    edition = make_edition(trainer)
    cohort = make_cohort(trainer, edition)
    maria, petya = cohort.trainees.order_by("pk")
    full_course(trainer, cohort, skip={7: [maria]})
    results = cohort_completion(cohort)
    assert results[petya.pk].completed
    assert not results[maria.pk].completed
    assert [p.module.number for p in results[maria.pk].unmet] == [7]


def test_a_later_edition_does_not_change_what_earlier_trainees_completed(trainer):
    first = make_edition(trainer)
    earlier = make_cohort(trainer, first, trainees=["Мария Стоянова"])
    full_course(trainer, earlier)
    (maria,) = earlier.trainees.all()
    assert cohort_completion(earlier)[maria.pk].completed

    # Edition 2: module 7 grows from 8 to 12 hours and the rule asks for 90 %.
    second = edition_new(actor=trainer, programme=first.programme)
    assert [m.hours for m in second.modules.order_by("number")] == [
        m.hours for m in first.modules.order_by("number")
    ]
    seventh = second.modules.get(number=7)
    module_update(
        actor=trainer, module=seventh, title=seventh.title, title_en="", hours=D(12),
        learning_outcomes="", trainers="", expected_version=seventh.version,
    )  # fmt: skip
    second = edition_update(
        actor=trainer, edition=second, completion_rule=CompletionRule.EVERY_MODULE,
        completion_percent=90, changes="Модул 7 е по-дълъг.", expected_version=second.version,
    )  # fmt: skip
    second = edition_publish(actor=trainer, edition=second)

    # The earlier cohort is still judged against edition 1: Maria still completed.
    first.refresh_from_db()
    assert first.modules.get(number=7).hours == 8 and first.completion_percent == 80
    assert cohort_completion(earlier)[maria.pk].completed

    # A cohort of edition 2 with the same 8 hours of module 7 does not complete.
    later = make_cohort(trainer, second, trainees=["Петя Иванова"], name="Втори випуск")
    (petya,) = later.trainees.all()
    for module in second.modules.order_by("number"):
        hours = 8 if module.number == 7 else module.hours
        first_day, second_day = hours / 2, hours - hours / 2
        for day, part in ((2 * module.number - 1, first_day), (2 * module.number, second_day)):
            attend(trainer, session(trainer, later, module.number, part, day=day), petya)
    result = cohort_completion(later)[petya.pk]
    assert not result.completed
    assert [(p.module.number, p.missing) for p in result.unmet] == [(7, D("2.8"))]


def test_a_published_edition_is_never_changed(trainer):
    edition = make_edition(trainer, hours=(8,))
    module = edition.modules.get()
    with pytest.raises(ValidationError, match="направете ново издание"):
        module_update(
            actor=trainer, module=module, title="Друго", title_en="", hours=D(4),
            learning_outcomes="", trainers="", expected_version=module.version,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="направете ново издание"):
        edition_update(
            actor=trainer, edition=edition, completion_rule=CompletionRule.TOTAL_HOURS,
            completion_percent=50, changes="", expected_version=edition.version,
        )  # fmt: skip
    module.refresh_from_db()
    edition.refresh_from_db()
    assert module.hours == 8 and edition.completion_percent == 80


def test_an_edition_without_modules_is_not_published(trainer, org):
    programme = programme_create(actor=trainer, organisation_id=org.pk, code="ПРБ", name="Проба")
    edition = programme.editions.get()
    with pytest.raises(ValidationError, match="поне един модул"):
        edition_publish(actor=trainer, edition=edition)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT and edition.published_at is None
