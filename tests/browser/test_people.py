from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.pickers import picker_value
from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def test_the_search_box_finds_a_child_typed_in_latin_as_you_type(page, demo_server):
    sign_in(page, demo_server, "case_manager@demo.zakrila.bg")
    page.get_by_test_id("people-search").press_sequentially("jordanka khristova", delay=20)
    results = page.get_by_test_id("people-search-results")
    results.wait_for()
    assert "Йорданка Петрова Христова" in results.inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "people-search.png"))
    with page.expect_navigation():
        results.get_by_role("link").first.click()
    assert page.get_by_test_id("person-name").inner_text().startswith("Йорданка Петрова Христова")
    assert "Yordanka Petrova Hristova" in page.content()
    page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)


def test_registering_a_child_shows_a_likely_duplicate_first(page, demo_server):
    sign_in(page, demo_server, "case_manager@demo.zakrila.bg")
    # The demo's Jordanka is nine years and forty days old; the date is read from her page.
    page.goto(f"{demo_server}/people/search/?q=Йорданка+Христова")
    page.get_by_role("link", name="Йорданка Петрова Христова").first.click()
    birth = page.get_by_test_id("birth-date").inner_text().split(" ")[0]
    page.goto(f"{demo_server}/people/new/")
    page.get_by_label("Собствено име").fill("Иорданка")
    page.get_by_label("Фамилия").fill("Христова")
    page.get_by_label("Дата на раждане").fill(picker_value(birth))
    page.get_by_role("button", name="Запис").click()
    duplicates = page.get_by_test_id("duplicates")
    duplicates.wait_for()
    assert "Йорданка Петрова Христова" in duplicates.inner_text()
    page.screenshot(path=str(ARTIFACTS / "person-duplicate-warning.png"), full_page=True)
