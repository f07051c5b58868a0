"""The training centre on Chromium: a cohort's attendance over eight modules, taken in seconds
(the taps are counted), then the completion rule, certificates issued, and the public
verification page — genuine, and after revocation, revoked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))
ABSENT = 2  # the trainees who do not come to today's last module


def test_attendance_completion_certificates_and_the_public_page(browser, page, demo_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "trainer@demo.zakrila.bg")

    # The trainer's day starts with today's session of module 8, its attendance still to take.
    card = page.get_by_test_id("card-trainer")
    assert "ЕКсперт – Русе, 2-ри випуск" in card.inner_text()
    assert card.get_by_test_id("attendance-to-take").is_visible()
    page.screenshot(path=str(ARTIFACTS / "training-home.png"), full_page=True)
    with page.expect_navigation():
        card.get_by_test_id("sessions-today").get_by_role("link").first.click()

    # Attendance in seconds: everyone is listed; one tap per person present, then save.
    rows = page.get_by_test_id("attendance-row")
    everyone = rows.count()
    assert everyone == 35
    taps = 0
    for index in range(ABSENT, everyone):
        rows.nth(index).click()
        taps += 1
    counter = page.locator("[data-attendance-count]")
    assert counter.inner_text() == str(everyone - ABSENT)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "training-attendance.png"))
    with page.expect_navigation():
        page.get_by_test_id("attendance-save").click()
    taps += 1
    assert taps == everyone - ABSENT + 1  # one tap per person present and one to save
    assert f"{everyone - ABSENT} от {everyone} присъстват" in page.content()

    # The cohort's eight modules all had their attendance taken.
    sessions = page.get_by_test_id("sessions")
    assert sessions.locator("tbody tr").count() == 8
    assert "присъствието предстои" not in sessions.inner_text()

    # The completion rule: at least 80 % of every module; the two absent today miss module 8.
    with page.expect_navigation():
        page.get_by_role("link", name="Завършване и сертификати").click()
    summary = page.get_by_test_id("completion-summary").inner_text()
    assert "поне този дял от часовете на всеки модул: 80 %" in summary
    grid = page.get_by_test_id("completion")
    assert grid.locator("thead th").count() == 1 + 8 + 1
    not_completed = grid.locator("tr", has_text="не е завършено")
    assert not_completed.count() >= ABSENT
    assert "модул 8: липсват 6,4 ч." in grid.inner_text()
    completed = int(re.search(r"(\d+) от 35 завършили", summary).group(1))
    assert 0 < completed <= everyone - ABSENT
    page.screenshot(path=str(ARTIFACTS / "training-completion.png"), full_page=True)

    # Certificates for everyone who completed.
    with page.expect_navigation():
        page.get_by_test_id("issue-certificates").click()
    assert f"Издадени са {completed} сертификата" in page.content()
    row = grid.locator("tr", has_text="завършено").filter(has_text="ЕКС-").first
    holder = row.locator("td").first.inner_text().strip()
    with page.expect_navigation():
        row.get_by_role("link", name=re.compile(r"^ЕКС-")).click()
    verify_url = page.get_by_test_id("verification-link").get_attribute("href")
    page.screenshot(path=str(ARTIFACTS / "training-certificate.png"), full_page=True)

    # The public page, as anyone with the QR code sees it: no sign-in.
    public = browser.new_context(locale="bg-BG").new_page()
    response = public.goto(f"{demo_server}{verify_url}")
    assert response.status == 200 and "noindex" in response.headers["x-robots-tag"]
    verdict = public.get_by_test_id("verify")
    assert verdict.get_attribute("data-state") == "genuine"
    assert "Сертификатът е истински" in verdict.inner_text()
    assert public.get_by_test_id("verify-holder").inner_text() == holder
    assert public.get_by_test_id("verify-programme").inner_text() == "ЕКсперт"
    assert "@" not in verdict.inner_text()
    public.screenshot(path=str(ARTIFACTS / "training-verify-genuine.png"), full_page=True)

    # Revoked by the trainer, with a reason; the public page then says so.
    with page.expect_navigation():
        page.get_by_test_id("revoke").click()
    page.get_by_label("Защо се анулира сертификатът?").fill("Издаден по грешка при въвеждането.")
    with page.expect_navigation():
        page.get_by_role("button", name="Анулиране").click()
    assert page.get_by_test_id("certificate-revoked").is_visible()
    public.reload()
    verdict = public.get_by_test_id("verify")
    assert verdict.get_attribute("data-state") == "revoked"
    assert "Сертификатът е анулиран" in verdict.inner_text()
    assert "Издаден по грешка" not in public.content()
    public.screenshot(path=str(ARTIFACTS / "training-verify-revoked.png"), full_page=True)
    public.context.close()
