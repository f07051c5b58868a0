"""The centre's figures: trained per year, by type of organisation and region, the completion
rate — the page and the Excel file say the same."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.training.conftest import full_course, make_cohort, make_edition
from zakrila.accounts.policy import cohorts_visible_to
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.training.figures import training_figures
from zakrila.training.models import EmployerType, Region
from zakrila.training.services import trainee_add


def _world(trainer):
    edition = make_edition(trainer, hours=(8,))
    today = timezone.localdate()
    ended = make_cohort(
        trainer, edition, trainees=["Мария Стоянова", "Петя Иванова", "Иван Петров"],
        starts_on=today - dt.timedelta(days=400), days=30, name="Стар випуск",
    )  # fmt: skip
    trainee_add(
        actor=trainer, cohort=ended, full_name="Радка Радева", employer="ЦОП – Силистра",
        employer_type="social_service", region="silistra",
    )  # fmt: skip
    _maria, _petya, ivan, _radka = ended.trainees.order_by("pk")
    full_course(trainer, ended, skip={1: [ivan]})
    running = make_cohort(trainer, edition, trainees=["Нова Новева"], days=60, name="Текущ")
    running.ends_on = today + dt.timedelta(days=5)
    running.save(update_fields=["ends_on"])
    return ended


def test_figures_count_the_trained_per_year_type_and_region(trainer):
    ended = _world(trainer)
    figures = training_figures(cohorts=cohorts_visible_to(trainer), today=timezone.localdate())
    year = ended.ends_on.year
    assert figures.years == [year]
    tally = figures.per_year[year]
    assert (tally.enrolled, tally.trained, tally.rate) == (4, 3, 75.0)
    by_type = {label: (t.enrolled, t.trained) for label, t in figures.by_type}
    assert by_type == {
        str(EmployerType.SOCIAL_ASSISTANCE.label): (3, 2),
        str(EmployerType.SOCIAL_SERVICE.label): (1, 1),
    }
    by_region = {label: (t.enrolled, t.trained) for label, t in figures.by_region}
    assert by_region == {str(Region.RUSE.label): (3, 2), str(Region.SILISTRA.label): (1, 1)}
    assert (figures.running_cohorts, figures.in_training) == (1, 1)


def test_the_excel_file_says_what_the_page_says_and_is_audited(client, trainer):
    ended = _world(trainer)
    client.force_login(trainer)
    page = client.get(reverse("training:figures")).content.decode()
    assert "75,0" in page
    response = client.get(reverse("training:figures_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    per_year = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert per_year[0][:4] == (ended.ends_on.year, 4, 3, 75.0)
    by_type = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert sorted(row[1:3] for row in by_type if row[0] and row[1] is not None)[:2] == [
        (1, 1),
        (3, 2),
    ]
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="training.figures", actor=trainer
    ).exists()


def test_figures_see_only_the_users_organisation(trainer, other_trainer):
    _world(trainer)
    figures = training_figures(
        cohorts=cohorts_visible_to(other_trainer), today=timezone.localdate()
    )
    assert figures.years == [] and figures.total.enrolled == 0
