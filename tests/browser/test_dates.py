"""The browser's own date pickers: a Bulgarian types a date as she writes it, the page gets it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def test_a_birth_date_is_chosen_in_the_picker_and_shown_dd_mm_yyyy(page, demo_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "case_manager@demo.zakrila.bg")
    page.goto(f"{demo_server}/people/new/")
    birth = page.get_by_label("Дата на раждане")
    assert birth.get_attribute("type") == "date"

    # The order of the picker's fields follows the browser's own language (headless Chromium
    # here is American: month first); whatever it shows, the page receives an ISO date.
    birth.fill("2016-11-27")
    assert birth.input_value() == "2016-11-27"
    page.get_by_label("Собствено име").fill("Пикерина")
    page.get_by_label("Фамилия").fill("Календарова")
    page.screenshot(path=str(ARTIFACTS / "date-picker.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Запис").click()

    assert page.get_by_test_id("birth-date").inner_text().startswith("27.11.2016")


def test_the_admission_time_is_a_date_and_time_picker(page, demo_server):
    sign_in(page, demo_server, "carer@demo.zakrila.bg")
    page.goto(f"{demo_server}/placements/")
    page.get_by_role("link", name="Звено „Спешен прием“").click()
    page.get_by_test_id("beds").locator("tr", has_text="Стая").filter(
        has_text="свободно"
    ).first.get_by_role("link", name="приемане тук").click()

    admitted = page.get_by_label("Приет на")
    assert admitted.get_attribute("type") == "datetime-local"
