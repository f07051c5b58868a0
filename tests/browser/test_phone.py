"""A phone, 390 px wide (#12 §4.6): the header folds behind a menu button, and no page scrolls
sideways: a wide table scrolls inside its own box or becomes stacked rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))
PHONE = {"width": 390, "height": 844}

WIDE = "document.documentElement.scrollWidth"


def _phone(browser, server, email):
    context = browser.new_context(
        viewport=PHONE, locale="bg-BG", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    sign_in(page, server, email)
    return page


def _fits(page, what):
    width = page.evaluate(WIDE)
    assert width <= PHONE["width"], f"{what}: the page is {width} px wide on a 390 px phone"


def test_the_menu_folds_behind_a_button_on_a_phone(browser, demo_server):
    page = _phone(browser, demo_server, "case_manager@demo.zakrila.bg")
    nav = page.locator("#main-menu")
    toggle = page.get_by_test_id("menu-toggle")
    assert toggle.is_visible()
    assert not nav.is_visible()
    assert not page.locator("#unit-switch").is_visible()
    toggle.click()
    assert nav.is_visible() and page.locator("#unit-switch").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    _fits(page, "the open menu")
    with page.expect_navigation():
        nav.get_by_role("link", name="Случаи").click()
    assert not page.locator("#main-menu").is_visible()


@pytest.mark.parametrize(
    ("email", "paths"),
    [
        (
            "case_manager@demo.zakrila.bg",
            ["/", "/cases/", "/cases/my-work/", "/people/", "first-case"],
        ),
        ("director@demo.zakrila.bg", ["/", "/cases/my-work/", "/placements/", "/training/"]),
        ("dpo@demo.zakrila.bg", ["/", "/audit/"]),
    ],
)
def test_no_page_is_wider_than_the_phone(browser, demo_server, email, paths):
    page = _phone(browser, demo_server, email)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path == "first-case":
            page.goto(f"{demo_server}/cases/")
            page.locator("table.list tbody a").first.click()
            page.wait_for_load_state()
        else:
            response = page.goto(f"{demo_server}{path}")
            assert response is not None and response.status == 200, path
        _fits(page, f"{email} {path}")
    page.screenshot(path=str(ARTIFACTS / f"phone-{email.split('@')[0]}.png"), full_page=True)


def test_my_work_becomes_stacked_rows_on_a_phone(browser, demo_server):
    page = _phone(browser, demo_server, "case_manager@demo.zakrila.bg")
    page.goto(f"{demo_server}/cases/my-work/")
    table = page.locator("table.stack").first
    assert not table.locator("thead").is_visible()
    box = table.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
