"""A night in the Emergency Reception unit, on Chromium on a 10-inch tablet: the case manager
finds a case with the search box by its number typed in Latin letters and admits the child;
the carer on duty registers a child nobody knows yet and admits her in one step; discharges ask
for confirmation; the case page offers "Admit" again; the diary and the month's figures."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.pickers import picker_value
from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))
LATIN = str.maketrans({"Ц": "c", "О": "o", "П": "p"})


def _last_night() -> dt.date:
    """The day of the night just gone (the night ends at 4 in the morning), on the server's
    clock (Sofia), not the machine's (UTC here): two hours apart around midnight."""
    now = timezone.localtime()
    return now.date() if now.hour >= 4 else now.date() - dt.timedelta(days=1)


# Before 4 in the morning the night is not over: its 02:30 may be still to come, and the bed
# chosen as free now may have been taken yesterday until the morning's discharges (the demo
# discharges at 11:00 at the latest yesterday). Then the admission is late the evening before.
_EVENING = {"02:30": "23:20", "03:00": "23:50"}


def _night(at: str = "02:30") -> str:
    if timezone.localtime().hour >= 4:
        return f"{_last_night():%d.%m.%Y} {at}"
    return f"{_last_night():%d.%m.%Y} {_EVENING[at]}"


def _minutes_ago(minutes: int) -> str:
    moment = dt.datetime.now() - dt.timedelta(minutes=minutes)  # noqa: DTZ005  (as above)
    return f"{moment:%d.%m.%Y %H:%M}"


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _present(page) -> int:
    return int(page.get_by_test_id("board-summary").inner_text().split()[0])


def _discharge_to_the_family(page, at: str | None = None) -> None:
    """From the child's page: the discharge, then the confirmation page, then the board."""
    if at is not None:
        page.get_by_label("Изписан на").fill(picker_value(at))
    page.get_by_label("собственото семейство").check()
    _submit(page, "Изписване")
    confirm = page.get_by_test_id("discharge-confirm")
    assert "собственото семейство" in confirm.inner_text()
    page.screenshot(path=str(ARTIFACTS / "discharge-confirm.png"), full_page=True)
    _submit(page, "Да, изписване")
    assert "изпис" in page.locator(".message.success").inner_text()


def test_a_night_admission_from_the_search_box_the_diary_the_discharge_and_the_figures(
    page, demo_server
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "case_manager@demo.zakrila.bg")
    page.goto(f"{demo_server}/cases/")
    number = (
        page.get_by_test_id("case-list")
        .get_by_role("link", name=re.compile(r"^ЦОП-"))
        .first.inner_text()
    )
    # "ЦОП-2026-0042" typed as "cop-2026-42": Latin letters, lower case, no zeros.
    prefix, year, serial = number.split("-")
    typed = f"{prefix.translate(LATIN).lower()}-{year}-{int(serial)}"

    page.goto(f"{demo_server}/placements/")
    page.get_by_role("link", name="Звено „Спешен прием“").click()
    present = _present(page)
    page.get_by_test_id("beds").locator("tr", has_text="Стая").filter(
        has_text="свободно"
    ).first.get_by_role("link", name="приемане тук").click()
    page.get_by_test_id("case-search").fill(typed)
    choice = page.get_by_test_id("case-choices").locator("label", has_text=number)
    choice.wait_for()
    choice.click()
    assert choice.locator("input").is_checked()
    page.get_by_label("Правно основание").select_option("administrative")
    page.get_by_label("Номер на заповедта").fill("ЗД-2026-555")
    page.get_by_label("Приет на").fill(picker_value(_night()))
    page.screenshot(path=str(ARTIFACTS / "admit-search.png"), full_page=True)
    _submit(page, "Приемане")
    assert "прие" in page.locator(".message.success").inner_text()
    assert _present(page) == present + 1
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)

    row = page.get_by_test_id("beds").locator("tr", has_text=_night())
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    page.get_by_label("Вид").select_option("daily")
    page.get_by_label("Какво се случи").fill("Спа до сутринта; закуси и разговаря с психолога.")
    _submit(page, "Запис")
    assert "Спа до сутринта" in page.get_by_test_id("diary").inner_text()
    _discharge_to_the_family(page, at=_night("03:00"))  # the family came for the child at 3
    assert _present(page) == present

    page.get_by_role("link", name="Месечни показатели").click()
    this_month = _last_night().strftime("%m.%Y")
    figures = page.get_by_test_id("figures").locator("tr", has_text=this_month).inner_text()
    assert "собственото семейство" in figures
    page.screenshot(path=str(ARTIFACTS / "figures.png"), full_page=True)


def test_the_carer_on_duty_registers_and_admits_a_new_child_then_admits_her_again_from_her_case(
    page, demo_server
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "carer@demo.zakrila.bg")
    page.goto(f"{demo_server}/placements/")
    page.get_by_role("link", name="Звено „Спешен прием“").click()
    present = _present(page)
    page.get_by_test_id("beds").locator("tr", has_text="Стая").filter(
        has_text="свободно"
    ).first.get_by_role("link", name="приемане тук").click()

    # Nobody by that name: the search says so, and the new-child path keeps the chosen bed.
    page.get_by_test_id("case-search").fill("Радослава Нощна")
    page.get_by_test_id("case-choices").get_by_text("Няма случай").wait_for()
    bed = page.locator("#id_bed").input_value()
    page.get_by_test_id("new-child").click()
    assert page.locator("#id_bed").input_value() == bed
    page.get_by_label("Име", exact=True).fill("Радослава")
    page.get_by_label("Фамилия").fill("Нощна")
    page.get_by_label("Пол").select_option("female")
    page.get_by_label("Приблизителна възраст, години").fill("9")
    page.get_by_label("Правно основание").select_option("police")
    page.get_by_label("Номер на заповедта").fill("Полиция Русе, протокол 204")
    # Brought in ten minutes ago (the bed may be the one the first test's child left at 3).
    page.get_by_label("Приет на").fill(picker_value(_minutes_ago(10)))
    page.screenshot(path=str(ARTIFACTS / "admit-new-child.png"), full_page=True)
    _submit(page, "Регистриране и приемане")
    page.screenshot(path=str(ARTIFACTS / "admitted-new-child.png"), full_page=True)
    assert "Радослава Нощна е приета" in page.locator(".message.success").inner_text()
    assert _present(page) == present + 1

    with page.expect_navigation():
        page.get_by_test_id("beds").get_by_role("link", name="Радослава Нощна").click()
    case_url = page.get_by_role("link", name=re.compile(r"^СП-")).get_attribute("href")
    _discharge_to_the_family(page, at=_minutes_ago(5))  # her aunt came for her
    assert _present(page) == present

    # The search box finds her by her name typed in Latin letters.
    page.get_by_role("link", name="Приемане на дете").click()
    page.get_by_test_id("case-search").fill("radoslava noshtna")
    page.get_by_test_id("case-choices").locator("label", has_text="Радослава Нощна").wait_for()

    # Her emergency case stays open: its page offers "Admit" again, with the case chosen.
    page.goto(f"{demo_server}{case_url}")
    page.get_by_test_id("case-admit").filter(has_text="Спешен прием").click()
    assert page.get_by_test_id("case-choices").locator("input:checked").count() == 1
    page.locator("#id_bed").select_option(bed)
    page.get_by_label("Правно основание").select_option("administrative")
    _submit(page, "Приемане")
    assert "Радослава Нощна е приета" in page.locator(".message.success").inner_text()
    assert _present(page) == present + 1
