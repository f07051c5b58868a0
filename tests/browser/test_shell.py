from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def test_case_manager_signs_in_sees_bulgarian_home_switches_to_english_and_signs_out(
    page, demo_server
):
    page.goto(f"{demo_server}/")
    assert page.url.startswith(f"{demo_server}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "bg"
    page.get_by_label("Имейл адрес").fill("case_manager@demo.zakrila.bg")
    page.get_by_label("Парола").fill("zakrila-demo-2026")
    page.get_by_role("button", name="Вход").click()

    page.wait_for_url(f"{demo_server}/")
    assert page.get_by_role("heading", name="Звена").is_visible()
    units = page.get_by_test_id("home-units")
    assert "Център за обществена подкрепа – Русе" in units.inner_text()
    assert "Розова къща" in units.inner_text()
    assert "Велико Търново" not in page.content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-bg.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_test_id("language-en").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Units").is_visible()
    page.screenshot(path=str(ARTIFACTS / "home-en.png"), full_page=True)

    page.locator(".user-menu summary").click()
    page.get_by_test_id("logout").click()
    page.wait_for_url(f"{demo_server}/accounts/login/")
    page.goto(f"{demo_server}/")
    assert "/accounts/login/" in page.url


def test_unit_switcher_narrows_the_home_page(page, demo_server):
    sign_in(page, demo_server, "director@demo.zakrila.bg")
    with page.expect_navigation():
        page.locator("#unit-switch").select_option(label="ЦНСТ „Розова къща“")
    text = page.get_by_test_id("home-units").inner_text()
    assert "Розова къща" in text
    assert "Център за работа с деца на улицата" not in text


def test_changing_the_unit_asks_before_throwing_away_a_half_filled_form(page, demo_server):
    """#12 §4.11: typed text in a form is never lost to the unit switch without asking."""
    sign_in(page, demo_server, "case_manager@demo.zakrila.bg")
    page.goto(f"{demo_server}/people/new/")
    page.locator("#id_first_name").fill("Недовършена")
    shown = page.locator("#unit-switch").input_value()
    asked: list[str] = []

    def stay(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", stay)
    page.locator("#unit-switch").select_option(label="ЦНСТ „Розова къща“")
    page.wait_for_timeout(300)
    assert asked and "не сте го записали" in asked[0]
    assert page.url.endswith("/people/new/")
    assert page.locator("#id_first_name").input_value() == "Недовършена"
    assert page.locator("#unit-switch").input_value() == shown  # back to the unit shown
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#unit-switch").select_option(label="ЦНСТ „Розова къща“")
    assert page.locator("#unit-switch option:checked").inner_text() == "ЦНСТ „Розова къща“"
