"""Bulgarian grammar on the pages: ages in months for babies, two plural forms, words that agree
with the person's sex, Cyrillic file size units, and rule-made task titles in the reader's
language (zakrila.core.wording)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import zakrila
from tests.factories import PersonFactory
from zakrila.cases.models import Task, TaskKind
from zakrila.cases.models.casework import follow_up_title
from zakrila.cases.reminders import reminders_refresh
from zakrila.cases.services import case_open
from zakrila.core.wording import age_text, file_size_text

ON = dt.date(2026, 11, 27)


@pytest.fixture
def bg():
    with translation.override("bg"):
        yield


# --- Ages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "said"),
    [
        (dt.date(2026, 11, 26), "1 ден"),
        (dt.date(2026, 11, 15), "12 дни"),
        (dt.date(2026, 10, 27), "1 месец"),
        (dt.date(2026, 8, 28), "2 месеца"),  # a day short of three months
        (dt.date(2026, 8, 27), "3 месеца"),
        (dt.date(2024, 11, 28), "23 месеца"),
        (dt.date(2024, 11, 27), "2 години"),
        (dt.date(2007, 11, 28), "18 години"),  # the 19th birthday is tomorrow
        (dt.date(2007, 11, 27), "19 години"),
    ],
)
def test_babies_are_told_in_months_and_everyone_else_in_whole_years(bg, born, said):
    assert age_text(born, ON) == said


def test_an_estimated_age_says_about(bg):
    assert age_text(dt.date(2014, 5, 27), ON, estimated=True) == "около 12 години"
    assert age_text(dt.date(2026, 5, 27), ON, estimated=True) == "около 6 месеца"


def test_ages_in_english_have_their_plurals_too():
    with translation.override("en"):
        assert age_text(dt.date(2026, 10, 27), ON) == "1 month"
        assert age_text(dt.date(2026, 8, 27), ON) == "3 months"
        assert age_text(dt.date(2000, 1, 1), ON) == "26 years"


def test_the_person_page_gives_a_babys_age_in_months(client, case_manager, org, cop, bg):
    from django.utils import timezone

    today = timezone.localdate()
    baby = PersonFactory(organisation=org, unit=cop, birth_date=today - dt.timedelta(days=100))
    client.force_login(case_manager)

    page = client.get(reverse("people:person", args=[baby.pk])).content.decode()

    shown = page.split('data-testid="birth-date">')[1].split("</dd>")[0]
    assert shown.endswith("(3 месеца)")  # not "(0 години)", never "(0.3)"


def test_an_estimated_birth_agrees_with_the_sex(client, case_manager, org, cop, bg):
    girl = PersonFactory(
        organisation=org, unit=cop, sex="female", birth_date=dt.date(2014, 5, 27),
        birth_date_precision="estimated",
    )  # fmt: skip
    client.force_login(case_manager)

    page = client.get(reverse("people:person", args=[girl.pk])).content.decode()

    assert "(родена около 2014 г.)" in page
    assert "около 12 години" in page


# --- Plurals, sex, file sizes --------------------------------------------------------------------


def test_follow_up_titles_have_both_plural_forms(bg):
    assert (
        follow_up_title("ЦОП-2026-0001", 1)
        == "Проследяване на ЦОП-2026-0001, 1 месец след закриването"
    )
    assert (
        follow_up_title("ЦОП-2026-0001", 3)
        == "Проследяване на ЦОП-2026-0001, 3 месеца след закриването"
    )


def test_registering_a_girl_says_registrirana(client, case_manager, cop, bg):
    client.force_login(case_manager)
    data = {"first_name": "Мария", "last_name": "Петрова", "birth_date_precision": "exact",
            "identification_status": "identified", "unit": cop.pk, "citizenship": "България"}  # fmt: skip

    girl = client.post(reverse("people:create"), {**data, "sex": "female"}, follow=True)
    unknown = client.post(
        reverse("people:create"), {**data, "first_name": "Алекс", "sex": "unknown"}, follow=True
    )

    assert "Мария Петрова е регистрирана." in girl.content.decode()
    assert "Алекс Петрова е регистриран(а)." in unknown.content.decode()


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (1, "1 байт"),
        (512, "512 байта"),
        (12_595, "12,3 КБ"),
        (4_299_162, "4,1 МБ"),
        (300 * 1024**2, "300 МБ"),
    ],
)
def test_file_sizes_have_cyrillic_units(bg, size, said):
    assert file_size_text(size) == said


def test_no_template_uses_djangos_file_size_filter():
    # Django's filter writes "KБ", a Latin K with a Cyrillic Б, in Bulgarian.
    templates = Path(zakrila.__file__).parent.rglob("templates/**/*.html")
    assert not [t.name for t in templates if "filesizeformat" in t.read_text(encoding="utf-8")]


# --- Tasks made by rules -------------------------------------------------------------------------


def test_a_rule_made_task_is_titled_in_the_readers_language(client, case_manager, org, cop):
    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="консултация",
    )  # fmt: skip
    with translation.override("bg"):  # the night job runs in Bulgarian
        reminders_refresh()
    task = Task.objects.get(kind=TaskKind.ASSESSMENT_DUE)
    assert task.title == f"Завършете оценката по {case.number}"

    with translation.override("en"):
        assert task.display_title == f"Complete the assessment of {case.number}"
    client.force_login(case_manager)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("cases:my_work")).content.decode()
    assert f"Complete the assessment of {case.number}" in page
    assert "Завършете оценката" not in page


def test_a_task_written_by_a_person_is_shown_as_written(case_manager, org):
    task = Task(organisation=org, title="Обадете се на училището", assignee=case_manager, due_on=ON)
    with translation.override("en"):
        assert task.display_title == "Обадете се на училището"


@pytest.mark.parametrize(
    ("singular", "plural", "one", "three"),
    [
        (
            "and %(n)s other present",
            "and %(n)s others present",
            "и още 1 присъстващ",
            "и още 3 присъстващи",
        ),
        (
            "%(n)s living in a family (%(share)s %%)",
            "%(n)s living in a family (%(share)s %%)",
            "1 живее в семейство (50 %)",
            "3 живеят в семейство (50 %)",
        ),
        (
            "This need already has the %(n)s person it needs.",
            "This need already has the %(n)s people it needs.",
            "Тази нужда вече има нужния 1 човек.",
            "Тази нужда вече има нужните 3 души.",
        ),
    ],
)
def test_counts_in_the_new_apps_have_both_bulgarian_forms(bg, singular, plural, one, three):
    from django.utils.translation import ngettext

    assert ngettext(singular, plural, 1) % {"n": 1, "share": 50} == one
    assert ngettext(singular, plural, 3) % {"n": 3, "share": 50} == three
