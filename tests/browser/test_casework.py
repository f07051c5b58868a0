"""The whole casework journey in Bulgarian on Chromium: referral → case → assessment → plan
approved → contacts → review → closure → follow-up, with the director approving in a second
browser, and the printed assessment and plan read back for their Cyrillic text."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.pickers import picker_value
from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def _signed_in(browser, server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="bg-BG")
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _pdf_text(page, url):
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


def _submit(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def test_the_journey_from_referral_to_follow_up(browser, demo_server):
    worker = _signed_in(browser, demo_server, "case_manager@demo.zakrila.bg")
    director = _signed_in(browser, demo_server, "director@demo.zakrila.bg")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # The child of the search example has no case yet: register the referral from her page.
    worker.goto(f"{demo_server}/people/search/?q=Йорданка+Христова")
    worker.get_by_role("link", name=re.compile("Йорданка Петрова Христова")).first.click()
    worker.get_by_role("link", name="Регистриране на насочване").click()
    worker.get_by_label("Насочено от").select_option("child_protection")
    worker.get_by_label("Номер на документа").fill("ДСП-2026-4711")
    worker.get_by_label("Причина за насочването").fill("Риск от изоставяне; майката е без доходи.")
    _submit(worker, "Запис")
    worker.get_by_label("прието").check()
    _submit(worker, "Запис на решението")
    number = worker.get_by_test_id("case-number").inner_text().split()[0]
    assert re.fullmatch(r"ЦОП-\d{4}-\d{4}", number), number
    case_url = worker.url

    # Assessment: developmental screening, completed by the worker, approved by the director.
    worker.get_by_role("link", name="Смяна на етапа").click()
    worker.get_by_label("Преместване на случая в етап").select_option("assessment")
    _submit(worker, "Запис")
    worker.get_by_role("link", name="Нова оценка").click()
    worker.get_by_label("Шаблон").select_option(label="Скрининг на развитието 0–6 г. (v1)")
    _submit(worker, "Започване")
    assessment_url = worker.url
    worker.get_by_label("Възраст в месеци").fill("30")
    worker.get_by_label("Дата на скрининга").fill(picker_value("20.11.2026"))
    for key, value in {
        "motor": "3",
        "cognitive": "2",
        "speech": "1",
        "social_emotional": "3",
        "self_care": "2",
    }.items():
        worker.locator(f"input[name={key}][value='{value}']").check()
    worker.get_by_label("Наблюдения").fill("Говори отделни думи; насочена към логопед.")
    _submit(worker, "Завършване на оценката")
    assert "Оценката е завършена." in worker.content()
    director.goto(assessment_url)
    _submit(director, "Одобряване")
    assert "Оценката е одобрена." in director.content()
    assessment_pdf = _pdf_text(worker, assessment_url + "print.pdf")
    assert "Скрининг на развитието" in assessment_pdf and "Реч и език" in assessment_pdf

    # The plan, made with the parent, approved by the director.
    worker.goto(case_url)
    _submit(worker, "Индивидуален план за подкрепа")
    plan_url = worker.url
    # What the parent said is typed first and not saved yet: adding a goal and its activity
    # (in place, through htmx) never throws it away (#12 §4.1).
    own_goals = worker.get_by_label("Собствените цели на родителя")
    own_goals.fill("Да работя и да гледам детето си.")
    worker.get_by_label("Нова цел").fill("Детето говори с изречения")
    worker.get_by_test_id("goal-add").click()
    worker.get_by_test_id("plan-goal").filter(has_text="Детето говори с изречения").wait_for()
    assert worker.get_by_label("Нова цел").input_value() == ""
    worker.get_by_label("Какво").fill("Занимания с логопед")
    worker.get_by_label("Кой").fill("логопед и майката")
    worker.get_by_label("Колко често").fill("два пъти седмично")
    worker.get_by_test_id("activity-add").click()
    worker.get_by_test_id("plan-goal").get_by_text("Занимания с логопед").wait_for()
    assert own_goals.input_value() == "Да работя и да гледам детето си."
    _submit(worker, "Запис")
    assert "Да работя и да гледам детето си." in worker.content()
    director.goto(plan_url)
    _submit(director, "Одобряване на плана")
    assert "Планът е одобрен" in director.content()
    plan_pdf = _pdf_text(worker, plan_url + "print.pdf")
    assert "Индивидуален план за подкрепа" in plan_pdf and "Занимания с логопед" in plan_pdf

    # The approved plan started support by itself (#12 §4.4); a contact, and a review.
    worker.goto(case_url)
    assert "подкрепа" in worker.get_by_test_id("case-number").inner_text()
    worker.get_by_role("link", name="Записване на контакт").click()
    worker.get_by_label("Вид").select_option("home_visit")
    worker.get_by_role("textbox", name="Бележка").fill(
        "Посещение в дома: майката прави упражненията с детето."
    )
    _submit(worker, "Запис")
    assert "Контактът е записан." in worker.content()
    worker.goto(plan_url)
    worker.get_by_role("link", name="Записване на преглед").click()
    worker.get_by_label("Детето говори с изречения").select_option("good")
    worker.get_by_label("планът продължава").check()
    _submit(worker, "Запис")
    assert "Прегледът е записан." in worker.content()

    # Closure proposed by the worker, approved by the director; the follow-up at 3 months.
    worker.get_by_role("link", name="Закриване на случая").click()
    worker.get_by_label("детето остава в семейството").check()
    worker.get_by_label("Причина за закриване").fill("Целите на плана са постигнати.")
    _submit(worker, "Предложение за закриване")
    assert "чака одобрение" in worker.content()
    director.goto(case_url)
    director.get_by_role("link", name="Одобряване на закриването").click()
    director.get_by_label("Одобряване на закриването").check()
    _submit(director, "Запис на решението")
    assert "Случаят е закрит" in director.content()
    worker.goto(case_url)
    worker.get_by_test_id("follow-ups").get_by_role("link").first.click()
    worker.get_by_label("да", exact=True).check()
    worker.get_by_label("Какво е установено").fill(
        "Детето живее с майка си и ходи на детска градина."
    )
    _submit(worker, "Запис")
    assert "Проследяването е записано." in worker.content()
    timeline = worker.get_by_test_id("case-timeline").inner_text()
    for expected in (
        "Насочване",
        "Оценка",
        "Индивидуален план за подкрепа",
        "посещение в дома",
        "Преглед",
        "закрит",
    ):
        assert expected in timeline, expected
    worker.screenshot(path=str(ARTIFACTS / "case-page.png"), full_page=True)
    worker.context.close()
    director.context.close()


def test_a_long_file_shows_its_earlier_entries_in_place(browser, demo_server):
    """The demo family supported every week for more than a year: the case page shows the newest
    50 entries; "Earlier entries" brings the rest into the same list (htmx), not a new page."""
    page = _signed_in(browser, demo_server, "case_manager@demo.zakrila.bg")
    page.goto(f"{demo_server}/cases/?status=support")
    links = [
        link.get_attribute("href")
        for link in page.get_by_test_id("case-list").locator("tbody a").all()
    ]
    for href in links:
        page.goto(f"{demo_server}{href}")
        if page.get_by_test_id("timeline-earlier").count():
            break
    else:
        pytest.fail("no case of the demo has more entries than one page of its timeline")

    entries = page.get_by_test_id("case-timeline").locator(":scope > li")
    first_page = entries.count()
    assert first_page > 50  # 50 contacts and the other entries of those days
    page.get_by_test_id("timeline-earlier").click()
    # htmx swaps the button's item for the older entries (no script of ours: the CSP forbids it)
    page.get_by_test_id("timeline-earlier").wait_for(state="detached")
    assert entries.count() > first_page
    assert page.get_by_test_id("timeline-earlier").count() == 0  # the oldest entries are here
    assert page.locator("h1").count() == 1  # the next entries, not a page inside the page
    timeline = page.get_by_test_id("case-timeline").inner_text()
    assert "Насочване" in timeline  # the referral, older than every contact, comes last
    assert page.url.endswith(href)  # no navigation: the page stays where it was
    page.context.close()
