"""The programmes that prevent abandonment, in Bulgarian on a tablet (#10's "Must show"): a
maternity signal at night to its outcome, counted on the programme page; a pregnancy registered
at 10 weeks with its next contacts, and overdue contacts on the field worker's home; an
early-intervention child's chart of each domain; a child moved out of an institution in March
with follow-ups in June, September and March, the 12-month answer counted."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.browser.pickers import picker_value
from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def _today() -> dt.date:
    return dt.datetime.now().date()  # noqa: DTZ005  (the demo server runs in the machine's zone)


def _d(day: dt.date) -> str:
    return f"{day:%d.%m.%Y}"


def _field(page, label: str):
    """A form field by its whole label, whether or not it is marked required (" *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _submit(page, name: str = "Запис") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _programme_page(page, server: str, name: str) -> None:
    page.goto(f"{server}/organisations/programmes/")
    page.get_by_role("link", name=name).first.click()
    page.get_by_test_id("programme-work").click()


def test_a_maternity_signal_at_night_to_the_mother_going_home_is_counted(page, demo_server):
    server = demo_server
    sign_in(page, server, "case_manager@demo.zakrila.bg")
    _programme_page(page, server, "Превенция на ниво родилен дом")
    year = _today().year
    before = int(page.get_by_test_id(f"home-{year}").inner_text())
    page.get_by_role("link", name="Нов сигнал").click()
    night = _today() if dt.datetime.now().hour >= 3 else _today() - dt.timedelta(days=1)  # noqa: DTZ005
    page.get_by_label("Болница").fill("УМБАЛ „Канев“ – Русе")
    page.get_by_label("Отделение").fill("Неонатология")
    page.get_by_label("Сигналът е получен на").fill(picker_value(f"{_d(night)} 02:40"))
    page.get_by_label("Кой се обади").fill("дежурна акушерка")
    page.get_by_label("Майка: собствено име").fill("Силвия")
    page.get_by_label("Майка: фамилия").fill("Костадинова")
    page.get_by_label("Новородено: пол").select_option("female")
    page.get_by_label("няма документи за самоличност").check()
    page.get_by_label("самотна и млада майка").check()
    _submit(page)
    assert "Сигналът е регистриран" in page.content()
    signal = page.get_by_test_id("maternity-signal")
    assert "02:40" in signal.inner_text() and "Силвия Костадинова" in signal.inner_text()
    # The work: the first visit at the ward.
    page.get_by_test_id("enrolment-visits").get_by_role("link", name="Отбележи").first.click()
    _field(page, "Вид").select_option("ward")
    page.get_by_label("посещение в отделението").check()
    page.get_by_label("документи").check()
    _submit(page)
    assert "Посещението е отбелязано" in page.content()
    # The outcome, with its date.
    page.get_by_role("link", name="Приключване на участието").click()
    page.get_by_label("Как приключва участието?").select_option("completed")
    _field(page, "Изход").select_option("home_with_mother")
    page.get_by_label("Дата на резултата").fill(picker_value(_d(_today())))
    _submit(page)
    assert "изписано с майката" in page.get_by_test_id("enrolment-outcome").inner_text()
    page.get_by_role("link", name="Програмата").click()
    after = int(page.get_by_test_id(f"home-{year}").inner_text())
    assert after == before + 1
    page.screenshot(path=str(ARTIFACTS / "programme-maternity.png"), full_page=True)


def test_a_pregnancy_at_ten_weeks_shows_its_contacts_and_overdue_ones_reach_home(page, demo_server):  # fmt: skip
    server = demo_server
    sign_in(page, server, "field_worker@demo.zakrila.bg")
    assert page.get_by_test_id("home-overdue-visits").is_visible()
    page.get_by_test_id("home-overdue-visits").get_by_role("link").click()
    overdue = page.get_by_test_id("overdue-visits")
    assert "просрочено" in overdue.inner_text()
    _programme_page(page, server, "Семейно планиране и работа на терен")
    page.get_by_role("link", name="Регистриране на бременност").click()
    last_period = _today() - dt.timedelta(weeks=10)
    page.get_by_label("Жена: собствено име").fill("Деница")
    page.get_by_label("Жена: фамилия").fill("Янкова")
    page.get_by_label("Последна менструация").fill(picker_value(_d(last_period)))
    # A field worker does not see health notes: no risk flags on her form.
    assert page.get_by_text("Рискове").count() == 0
    _submit(page)
    assert page.get_by_test_id("pregnancy-weeks").inner_text().startswith("10")
    contacts = page.get_by_test_id("next-contacts").inner_text()
    for weeks in (12, 20, 26, 30, 34, 36, 38, 40):
        assert _d(last_period + dt.timedelta(weeks=weeks)) in contacts
    page.screenshot(path=str(ARTIFACTS / "programme-pregnancy.png"), full_page=True)


def test_an_early_intervention_child_with_three_screenings_has_a_chart_per_domain(page, demo_server):  # fmt: skip
    server = demo_server
    sign_in(page, server, "specialist@demo.zakrila.bg")
    _programme_page(page, server, "Ранна интервенция")
    page.get_by_test_id("enrolled").get_by_role("link").first.click()
    enrolment_url = page.url
    while page.locator("[data-testid=screenings] tbody tr").count() < 3:
        page.get_by_role("link", name="Нов скрининг").click()
        page.get_by_label("Двигателно развитие").fill("4")
        page.get_by_label("Реч и език").fill("3")
        page.get_by_label("Познавателно развитие").fill("4")
        page.get_by_label("Социално-емоционално развитие").fill("5")
        page.get_by_label("Самообслужване").fill("3")
        _submit(page)
        assert page.url == enrolment_url
    charts = page.get_by_test_id("domain-charts")
    for domain in ("motor", "cognitive", "speech", "social_emotional", "self_care"):
        assert charts.locator(f"svg[data-domain={domain}] circle").count() >= 3
    assert charts.locator("polyline").count() == 5
    page.screenshot(path=str(ARTIFACTS / "programme-early-intervention.png"), full_page=True)


def test_a_child_moved_to_a_family_in_march_is_followed_up_and_counted(page, demo_server):
    server = demo_server
    sign_in(page, server, "case_manager@demo.zakrila.bg")
    _programme_page(page, server, "Деинституционализация")
    counted = page.get_by_test_id("twelve-months").inner_text()
    in_family = int(re.search(r"семейство: (\d+);", counted).group(1))
    page.get_by_role("link", name="Извеждане на дете от институция").click()
    page.get_by_label("Дете: собствено име").fill("Калоян")
    page.get_by_label("Дете: фамилия").fill("Симеонов")
    _field(page, "Институция").fill("ДМСГД – Русе")
    _submit(page)
    # Moved to a foster family in March of last year: June, September and March are behind us.
    march = dt.date(_today().year - 1, 3, 12)
    page.get_by_role("link", name="Детето е изведено от институцията").click()
    page.get_by_label("Изведено от институцията на").fill(picker_value(_d(march)))
    _field(page, "Изведено в").select_option("foster_family")
    _submit(page)
    visits = page.get_by_test_id("enrolment-visits").inner_text()
    for due in (dt.date(march.year, 6, 12), dt.date(march.year, 9, 12), dt.date(march.year + 1, 3, 12)):  # fmt: skip
        assert _d(due) in visits
    # The 12-month follow-up: is the child still living in a family?
    row = page.get_by_test_id("enrolment-visits").locator(
        "tr", has_text="Проследяване на 12 месеца"
    )
    row.get_by_role("link", name="Отбележи").click()
    page.get_by_role("radio", name="да", exact=True).check()
    page.get_by_label("Къде живее детето сега?").select_option("foster_family")
    _submit(page)
    page.get_by_role("link", name="Програмата").click()
    counted = page.get_by_test_id("twelve-months").inner_text()
    assert int(re.search(r"семейство: (\d+);", counted).group(1)) == in_family + 1
    page.screenshot(path=str(ARTIFACTS / "programme-di.png"), full_page=True)
