"""A night in the Emergency Reception unit, on Chromium: admit a child at night, see the board
change, write in the diary, discharge the child to the family, see the month's figures."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def _night() -> str:
    now = dt.datetime.now()  # noqa: DTZ005  (the demo server runs in the machine's local zone)
    day = now.date() if now.hour >= 4 else now.date() - dt.timedelta(days=1)
    return f"{day:%d.%m.%Y} 02:30"


def test_a_night_admission_the_diary_the_discharge_and_the_figures(page, demo_server):
    page.goto(f"{demo_server}/accounts/login/")
    page.locator("#id_username").fill("case_manager@demo.zakrila.bg")
    page.locator("#id_password").fill("zakrila-demo-2026")
    page.locator("form button.primary").click()
    page.wait_for_url(f"{demo_server}/")

    page.goto(f"{demo_server}/cases/")
    number = (
        page.get_by_test_id("case-list")
        .get_by_role("link", name=re.compile(r"^ЦОП-"))
        .first.inner_text()
    )

    page.goto(f"{demo_server}/placements/")
    page.get_by_role("link", name="Звено „Спешен прием“").click()
    before = page.get_by_test_id("board-summary").inner_text()
    present = int(before.split()[0])
    page.get_by_test_id("beds").locator("tr", has_text="Стая").filter(
        has_text="свободно"
    ).first.get_by_role("link", name="приемане тук").click()
    page.get_by_label("Номер на случая").fill(number)
    page.get_by_label("Правно основание").select_option("administrative")
    page.get_by_label("Номер на заповедта").fill("ЗД-2026-555")
    page.get_by_label("Приет на").fill(_night())
    with page.expect_navigation():
        page.get_by_role("button", name="Приемане", exact=True).click()
    assert "е приет" in page.content()
    assert int(page.get_by_test_id("board-summary").inner_text().split()[0]) == present + 1
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

    row = page.get_by_test_id("beds").locator("tr", has_text=_night())
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    page.get_by_label("Вид").select_option("daily")
    page.get_by_label("Какво се случи").fill("Спа до сутринта; закуси и разговаря с психолога.")
    with page.expect_navigation():
        page.get_by_role("button", name="Запис", exact=True).click()
    assert "Спа до сутринта" in page.get_by_test_id("diary").inner_text()
    page.get_by_label("собственото семейство").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Изписване", exact=True).click()
    assert "е изписан" in page.content()
    assert int(page.get_by_test_id("board-summary").inner_text().split()[0]) == present

    page.get_by_role("link", name="Месечни показатели").click()
    this_month = dt.date.today().strftime("%m.%Y")  # noqa: DTZ011
    figures = page.get_by_test_id("figures").locator("tr", has_text=this_month).inner_text()
    assert "собственото семейство" in figures
    page.screenshot(path=str(ARTIFACTS / "figures.png"), full_page=True)
