"""The programmes' pages with the test client: the Must-show flows of #10 without a browser,
the health data kept from roles without health notes, and query counts of the hot pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from zakrila.organisations.models import ProgrammeKind
from zakrila.programmes.models import Enrolment, MaternitySignal, Pregnancy, Visit
from zakrila.programmes.services import (
    enrolment_end,
    enrolment_start,
    pregnancy_register,
    screening_record,
)

pytestmark = pytest.mark.django_db


def _d(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def test_a_pregnancy_registered_at_ten_weeks_shows_its_next_contacts(client, pregnancy_programme, field_worker):  # fmt: skip
    client.force_login(field_worker)
    lmp = timezone.localdate() - dt.timedelta(weeks=10)
    response = client.post(
        reverse("programmes:pregnancy_new", args=[pregnancy_programme.pk]),
        {"woman_first_name": "Камелия", "woman_last_name": "Асенова", "last_period_on": _d(lmp),
         "worker": field_worker.pk},
    )  # fmt: skip
    assert response.status_code == 302
    pregnancy = Pregnancy.objects.get()
    page = client.get(response.url).content.decode()
    assert "10 седмици" in page
    for weeks in (12, 20, 40):
        assert _d(lmp + dt.timedelta(weeks=weeks)) in page
    # A field worker does not see health notes: the risk flags are not even on her form.
    assert "Рискове" not in client.get(reverse("programmes:pregnancy_new", args=[pregnancy_programme.pk])).content.decode()  # fmt: skip
    assert pregnancy.risk_flags == []


def test_health_details_of_a_pregnancy_only_for_roles_with_health_notes(client, pregnancy_programme, org, cop, worker, field_worker):  # fmt: skip
    woman = PersonFactory(organisation=org, unit=cop)
    pregnancy = pregnancy_register(
        actor=worker, programme=pregnancy_programme, woman=woman, worker=field_worker,
        last_period_on=timezone.localdate() - dt.timedelta(weeks=15), risk_flags=["violence"],
        health_note="хипертония",
    )  # fmt: skip
    url = pregnancy.enrolment.get_absolute_url()
    client.force_login(worker)
    assert "насилие у дома" in client.get(url).content.decode()
    client.force_login(field_worker)
    page = client.get(url).content.decode()
    assert "насилие у дома" not in page and "хипертония" not in page
    assert "Показват се само на ролите" in page


def test_a_missed_contact_is_overdue_on_the_field_workers_home(client, pregnancy_programme, org, cop, field_worker):  # fmt: skip
    woman = PersonFactory(organisation=org, unit=cop)
    pregnancy_register(
        actor=field_worker, programme=pregnancy_programme, woman=woman, worker=field_worker,
        last_period_on=timezone.localdate() - dt.timedelta(weeks=16),
        started_on=timezone.localdate() - dt.timedelta(weeks=6),
    )  # fmt: skip
    client.force_login(field_worker)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="home-overdue-visits"' in home
    visits = client.get(reverse("programmes:visits_due") + "?mine=on").content.decode()
    assert "Контакт 1 (до 12 г.с.)" in visits


def test_a_maternity_signal_to_outcome_is_counted_on_the_programme_page(client, programme_of, worker):  # fmt: skip
    maternity = programme_of(ProgrammeKind.MATERNITY_WARD)
    client.force_login(worker)
    response = client.post(
        reverse("programmes:maternity_new", args=[maternity.pk]),
        {"hospital": "МБАЛ Русе", "ward": "Неонатология", "signalled_at": (timezone.localdate() - dt.timedelta(days=1)).strftime("%d.%m.%Y 02:40"),
         "caller": "акушерка", "mother_first_name": "Анелия", "mother_last_name": "Маринова",
         "newborn_sex": "male", "risk_factors": ["no_home", "single_young"], "worker": worker.pk},
    )  # fmt: skip
    assert response.status_code == 302
    signal = MaternitySignal.objects.get()
    enrolment = signal.enrolment
    first = enrolment.visits.get(key="first_visit")
    response = client.post(
        reverse("programmes:visit", args=[first.pk]),
        {"done_on": _d(timezone.localdate()), "kind": "ward", "q_work": ["ward_visit", "documents"]},
    )  # fmt: skip
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.answers == {"work": ["ward_visit", "documents"]}
    response = client.post(
        reverse("programmes:enrolment_end", args=[enrolment.pk]),
        {"status": "completed", "ended_on": _d(timezone.localdate()), "outcome": "home_with_mother",
         "outcome_on": _d(timezone.localdate()), "version": Enrolment.objects.get().version},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("programmes:programme", args=[maternity.pk])).content.decode()
    year = timezone.localdate().year
    assert f'data-testid="home-{year}">1<' in page
    assert "100 %" in page


def test_an_early_intervention_child_with_three_screenings_has_a_chart_per_domain(client, programme_of, org, cop, worker):  # fmt: skip
    early = programme_of(ProgrammeKind.EARLY_INTERVENTION)
    child = PersonFactory(organisation=org, unit=cop, birth_date=dt.date(2024, 2, 10))
    enrolment = enrolment_start(actor=worker, programme=early, person=child, worker=worker, started_on=dt.date(2025, 1, 5))  # fmt: skip
    for day, motor in ((dt.date(2025, 1, 15), 2), (dt.date(2025, 7, 15), 3), (dt.date(2026, 1, 15), 4)):  # fmt: skip
        screening_record(actor=worker, enrolment=enrolment, screened_on=day, scores={"motor": motor, "speech": motor - 1, "cognitive": 3, "social_emotional": 4, "self_care": 2})  # fmt: skip
    client.force_login(worker)
    page = client.get(enrolment.get_absolute_url()).content.decode()
    assert page.count("<svg") >= 5
    for key in ("motor", "cognitive", "speech", "social_emotional", "self_care"):
        assert f'data-domain="{key}"' in page
    assert page.count("<polyline") == 5


def test_the_programme_page_and_exports(client, di, child, worker, colleague):
    from zakrila.programmes.services import leaving_record, leaving_register

    leaving = leaving_register(
        actor=worker, programme=di, child=child, worker=worker, institution="ДМСГД",
        institution_kind="medical_social", started_on=dt.date(2026, 1, 5),
    )  # fmt: skip
    leaving_record(actor=worker, leaving=leaving, left_on=dt.date(2026, 3, 12), destination="foster_family")  # fmt: skip
    enrolment_end(actor=worker, enrolment=leaving.enrolment, status="completed", ended_on=timezone.localdate(), outcome="foster_family")  # fmt: skip
    client.force_login(worker)
    page = client.get(reverse("programmes:programme", args=[di.pk])).content.decode()
    assert "Деца, изведени от институции" in page and 'data-testid="outcome-chart"' in page
    csv = client.get(reverse("programmes:export_csv", args=[di.pk]))
    assert csv.status_code == 200 and child.last_name in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("programmes:export_xlsx", args=[di.pk]))
    assert xlsx.content[:2] == b"PK"


def test_the_programme_page_reads_a_constant_number_of_queries(client, di, org, cop, worker, django_assert_max_num_queries):  # fmt: skip
    for _ in range(15):
        person = PersonFactory(organisation=org, unit=cop)
        enrolment_start(actor=worker, programme=di, person=person, worker=worker,
                        started_on=timezone.localdate() - dt.timedelta(days=60))  # fmt: skip
    client.force_login(worker)
    url = reverse("programmes:programme", args=[di.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
    assert Visit.objects.count() == 15


def test_an_offline_replay_of_a_visit_records_it_once(client, di, child, worker):
    enrolment = enrolment_start(actor=worker, programme=di, person=child, worker=worker,
                                started_on=timezone.localdate() - dt.timedelta(days=10))  # fmt: skip
    visit = enrolment.visits.get()
    client.force_login(worker)
    data = {"done_on": _d(timezone.localdate()), "kind": "home", "submission_key": "8d3c2f9e-5a1b-4c7d-9e2f-1a2b3c4d5e6f"}  # fmt: skip
    url = reverse("programmes:visit", args=[visit.pk])
    first = client.post(url, data, headers={"X-Zakrila-Outbox": "1"})
    again = client.post(url, data, headers={"X-Zakrila-Outbox": "1"})
    assert first.json()["status"] == "done" and again.json()["status"] == "done"
    assert enrolment.visits.filter(status="done").count() == 1


def test_visits_and_enrolments_show_on_the_case_and_person_pages(client, di, cop, worker):
    from zakrila.cases.services import case_open
    from zakrila.programmes.services import visit_record

    child = PersonFactory(organisation=di.organisation, unit=cop)
    case = case_open(actor=worker, unit=cop, person=child, key_worker=worker, without_referral_reason="x")  # fmt: skip
    enrolment = enrolment_start(actor=worker, programme=di, person=child, worker=worker, case=case,
                                started_on=timezone.localdate() - dt.timedelta(days=20))  # fmt: skip
    visit_record(actor=worker, enrolment=enrolment, visit=enrolment.visits.get(),
                 done_on=timezone.localdate() - dt.timedelta(days=2), kind="home")  # fmt: skip
    client.force_login(worker)
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="enrolments"' in case_page and "Подготвително посещение" in case_page
    person_page = client.get(child.get_absolute_url()).content.decode()
    assert di.name in person_page and reverse("programmes:enrol", args=[child.pk]) in person_page


def test_the_case_page_lists_only_the_enrolments_of_units_the_viewer_reaches(
    client, org, di, programme_of, cop, worker
):
    """The case page shows the case's enrolments and their visits on the timeline without
    asking the case policy again (the case was found visible), but still only those of the
    units the viewer works in."""
    from tests.factories import UnitFactory, member
    from zakrila.accounts.models import Role
    from zakrila.cases.services import case_open
    from zakrila.programmes.services import visit_record

    street = UnitFactory(organisation=org, name="ЦУБД Русе", code="ЦУБД")
    child = PersonFactory(organisation=org, unit=cop)
    case = case_open(actor=worker, unit=cop, person=child, key_worker=worker, without_referral_reason="x")  # fmt: skip
    started = timezone.localdate() - dt.timedelta(days=20)
    enrolment_start(actor=worker, programme=di, person=child, worker=worker, case=case, started_on=started)  # fmt: skip
    early = programme_of(ProgrammeKind.EARLY_INTERVENTION)
    other = enrolment_start(actor=worker, programme=early, person=child, worker=worker, case=case, started_on=started, unit=street)  # fmt: skip
    visit_record(actor=worker, enrolment=other, visit=other.visits.order_by("due_on").first(),
                 done_on=timezone.localdate() - dt.timedelta(days=2), kind="home")  # fmt: skip

    def shown(user):
        client.force_login(user)
        page = client.get(case.get_absolute_url()).content.decode()
        section = page.split('data-testid="enrolments"')[1].split("</section>")[0]
        timeline = page.split('data-testid="case-timeline"')[1].split("</ul>")[0]
        return section.count("<li>"), early.name in timeline

    of_cop = member(org, Role.CASE_MANAGER, units=[cop], email="cop-only@example.bg")
    assert shown(of_cop) == (1, False)
    assert shown(worker) == (2, True)  # reaches every unit


def test_the_visit_lists_say_how_late_link_the_enrolment_and_escape_names(client, pregnancy_programme, org, cop, field_worker):  # fmt: skip
    """The rows are written by a template tag: the lateness in Bulgarian plural forms, the
    links to the enrolment and to the visit's form, and a typed name shown as text."""
    woman = PersonFactory(organisation=org, unit=cop, first_name="<b>Ана</b>")
    enrolment = pregnancy_register(
        actor=field_worker, programme=pregnancy_programme, woman=woman, worker=field_worker,
        last_period_on=timezone.localdate() - dt.timedelta(weeks=16),
        started_on=timezone.localdate() - dt.timedelta(weeks=6),
    ).enrolment  # fmt: skip
    client.force_login(field_worker)
    html = client.get(reverse("programmes:visits_due") + "?mine=on").content.decode()
    overdue = html.split('data-testid="overdue-visits"')[1].split("</table>")[0]
    late = enrolment.visits.order_by("window_end").first()
    days = (timezone.localdate() - late.window_end).days
    assert f"просрочено с {days} дни" in overdue
    assert f'href="{reverse("programmes:enrolment", args=[enrolment.pk])}"' in overdue
    assert f'href="{reverse("programmes:visit", args=[late.pk])}"' in overdue
    assert "&lt;b&gt;Ана&lt;/b&gt;" in overdue and "<b>Ана</b>" not in overdue


def test_the_home_page_counts_my_visits_overdue_and_due_this_week(client, di, org, cop, worker):
    """The home page's two figures (one query) are what the visit list shows: planned visits of
    mine past the end of their window, and those whose window is open or opens within the week;
    visits due later, done visits and a colleague's are not counted."""
    from tests.factories import member
    from zakrila.accounts.models import Role
    from zakrila.programmes.models import VisitStatus

    colleague = member(org, Role.CASE_MANAGER, email="colleague@example.bg")
    today = timezone.localdate()
    shapes = [  # (due in days, window end in days, status, worker)
        (-30, -10, VisitStatus.PLANNED, worker),  # overdue
        (-20, -1, VisitStatus.PLANNED, worker),  # overdue
        (-5, 5, VisitStatus.PLANNED, worker),  # due: its window is open
        (6, 20, VisitStatus.PLANNED, worker),  # due: within the week
        (20, 40, VisitStatus.PLANNED, worker),  # later
        (-30, -10, VisitStatus.DONE, worker),  # done
        (-30, -10, VisitStatus.PLANNED, colleague),  # a colleague's
    ]
    for due, window_end, status, who in shapes:
        enrolment = enrolment_start(
            actor=worker, programme=di, person=PersonFactory(organisation=org, unit=cop),
            worker=who, started_on=today - dt.timedelta(days=60),
        )  # fmt: skip
        enrolment.visits.all().delete()
        Visit.objects.create(
            organisation=org, enrolment=enrolment, programme=di, unit=enrolment.unit,
            case=enrolment.case, key="home", worker=who, status=status,
            due_on=today + dt.timedelta(days=due),
            window_start=today + dt.timedelta(days=due - 7),
            window_end=today + dt.timedelta(days=window_end),
            done_on=today - dt.timedelta(days=11) if status == VisitStatus.DONE else None,
        )  # fmt: skip
    client.force_login(worker)
    body = client.get("/").content.decode()
    assert "2 посещения по програми са просрочени" in body
    assert "2 посещения по програми тази седмица" in body
