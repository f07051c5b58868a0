"""Street work and groups on Chromium against the real demo server: a street contact recorded
on a phone with the network off reaches the server exactly once (and sending it again records
nothing new); a group's attendance of 15 people taken on a tablet with one tap per person who
came plus one to save; the members who stopped coming are shown to the facilitator."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "bg-BG",
}
OWNER = "() => JSON.parse(document.getElementById('zakrila-offline').textContent).owner"


@pytest.fixture
def phone(browser: Any) -> Iterator[tuple[Any, Any]]:
    context = browser.new_context(**PHONE)
    yield context, context.new_page()
    context.close()


def _query(data_dir: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{data_dir / 'demo.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute(sql, args).fetchall()


def _contacts_of(data_dir: Path, description: str) -> int:
    return _query(
        data_dir,
        """SELECT count(*) FROM programmes_outreachcontact c
           JOIN people_person p ON p.id = c.person_id WHERE p.description = ?""",
        description,
    )[0][0]


def _kept(page: Any, url: str) -> bool:
    return page.evaluate(
        """async (url) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith("zakrila-pages-")) continue;
                if (await (await caches.open(name)).match(url)) return true;
            }
            return false;
        }""",
        url,
    )


def test_a_street_contact_recorded_offline_on_a_phone_reaches_the_server_exactly_once(
    phone: Any, demo_server: str, demo_data_dir: Path
) -> None:
    context, page = phone
    sign_in(page, demo_server, "field_worker@demo.zakrila.bg")
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
                await new Promise((done) =>
                    navigator.serviceWorker.addEventListener("controllerchange", done));
            }
        }"""
    )
    # The street worker's home page: tonight's session at the station.
    card = page.get_by_test_id("card-field")
    expect(card.get_by_test_id("home-today")).to_contain_text("гара Русе")
    with page.expect_navigation():
        card.get_by_test_id("home-today").get_by_role("link").first.click()
    session_url = page.url
    with page.expect_navigation():
        page.get_by_test_id("contact-new").click()
    contact_url = page.url
    deadline = time.monotonic() + 15
    while not (_kept(page, contact_url) and _kept(page, f"{demo_server}/outbox/")):
        assert time.monotonic() < deadline, "the contact page is not kept for offline work"
        time.sleep(0.2)

    # At the station, no signal: the kept page opens and the contact waits in the outbox.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("offline-copy")).to_be_visible()
    description = f"момче, ~12 г., гара Русе, {uuid.uuid4().hex[:6]}"
    page.get_by_label("Описание").fill(description)
    page.get_by_label("Прякор").fill("Малкия")
    page.get_by_label("Възраст (около)").fill("12")
    page.get_by_test_id("contact-save").click()
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Няма връзка")
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    page.get_by_test_id("outbox-link").click()
    entries = page.get_by_test_id("outbox-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Контакт — гара Русе")
    expect(entries.first).to_contain_text("чака връзка")
    assert _contacts_of(demo_data_dir, description) == 0
    stored = page.evaluate(f"async () => ZakrilaOutbox.list(({OWNER})())")
    assert len(stored) == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outreach-outbox-phone.png"), full_page=True)

    # Back online: sent by itself, recorded once.
    context.set_offline(False)
    expect(entries).to_have_count(0)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Изпратено")
    assert _contacts_of(demo_data_dir, description) == 1

    # The same entry sent again (its answer lost): nothing new on the server.
    page.evaluate(
        """async (entry) => {
            delete entry.id;
            entry.state = "waiting";
            await ZakrilaOutbox.add(entry);
            ZakrilaOutbox.changed();
        }""",
        stored[0],
    )
    expect(entries).to_have_count(1)
    page.get_by_test_id("outbox-send").click()
    expect(entries).to_have_count(0)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("нищо ново не е записано")
    assert _contacts_of(demo_data_dir, description) == 1
    page.goto(session_url)
    expect(page.get_by_test_id("session-contacts")).to_contain_text("Малкия")


def test_fifteen_peoples_attendance_is_one_tap_each_and_who_stopped_coming_is_shown(
    page: Any, demo_server: str, demo_data_dir: Path
) -> None:
    sign_in(page, demo_server, "specialist@demo.zakrila.bg")
    page.goto(f"{demo_server}/programmes/groups/")
    with page.expect_navigation():
        page.get_by_test_id("groups").get_by_role("link").first.click()
    group_url = page.url
    stopped = page.get_by_test_id("stopped-coming")
    expect(stopped.locator("li")).to_have_count(2)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "group-page.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_test_id("group-sessions").get_by_role("link", name="отбележете").first.click()

    rows = page.get_by_test_id("attendance-row")
    assert rows.count() == 15
    absent = 2
    started = time.monotonic()
    taps = 0
    for index in range(absent, 15):
        rows.nth(index).click()
        taps += 1
    with page.expect_navigation():
        page.get_by_test_id("attendance-save").click()
    taps += 1
    elapsed = time.monotonic() - started
    assert taps == 14 and elapsed < 30, (taps, elapsed)
    assert page.url == group_url
    session_id = int(
        _query(
            demo_data_dir,
            """SELECT id FROM programmes_groupsession WHERE attendance_taken_at IS NOT NULL
               ORDER BY attendance_taken_at DESC LIMIT 1""",
        )[0][0]
    )
    counts = dict(
        _query(
            demo_data_dir,
            """SELECT status, count(*) FROM programmes_attendance
               WHERE session_id = ? AND member_id IS NOT NULL GROUP BY status""",
            session_id,
        )
    )
    assert counts == {"attended": 13, "no_show": 2}


def test_attendance_taken_offline_that_a_colleague_changed_meanwhile_is_refused_and_shown(
    browser: Any, demo_server: str, demo_data_dir: Path
) -> None:
    tablet_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="bg-BG")
    office_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="bg-BG")
    try:
        tablet = tablet_context.new_page()
        sign_in(tablet, demo_server, "specialist@demo.zakrila.bg")
        tablet.evaluate("async () => { await navigator.serviceWorker.ready; }")
        tablet.goto(f"{demo_server}/programmes/groups/")
        with tablet.expect_navigation():
            tablet.get_by_test_id("groups").get_by_role("link").first.click()
        with tablet.expect_navigation():  # last week's meeting, its attendance taken
            tablet.get_by_test_id("group-sessions").get_by_role(
                "link", name="отбелязано"
            ).first.click()
        url = tablet.url
        session_id = int(url.rstrip("/").split("/")[-2])
        tablet.reload()  # now under the service worker: kept for work without signal
        deadline = time.monotonic() + 15
        while not (_kept(tablet, url) and _kept(tablet, f"{demo_server}/outbox/")):
            assert time.monotonic() < deadline, "the attendance page is not kept"
            time.sleep(0.2)

        # The room has no signal: the facilitator corrects the list; it waits in the outbox.
        tablet_context.set_offline(True)
        tablet.reload()
        expect(tablet.get_by_test_id("offline-copy")).to_be_visible()
        tablet.get_by_test_id("attendance-row").first.click()
        tablet.get_by_test_id("attendance-save").click()
        tablet.wait_for_url(f"{demo_server}/outbox/")
        entries = tablet.get_by_test_id("outbox-entry")
        expect(entries).to_have_count(1)
        expect(entries.first).to_contain_text("чака връзка")

        # Meanwhile a colleague saves the same list in the office.
        office = office_context.new_page()
        sign_in(office, demo_server, "director@demo.zakrila.bg")
        office.goto(url)
        office.get_by_test_id("attendance-row").nth(1).click()
        with office.expect_navigation():
            office.get_by_test_id("attendance-save").click()
        saved = _query(
            demo_data_dir,
            "SELECT member_id, status FROM programmes_attendance WHERE session_id = ? "
            "ORDER BY member_id",
            session_id,
        )

        # Back online: refused as a conflict, shown; the colleague's list stands.
        tablet_context.set_offline(False)
        expect(entries.first).to_contain_text("нужна е намеса")
        message = tablet.get_by_test_id("outbox-entry-message")
        expect(message).to_contain_text("Променено на сървъра междувременно")
        expect(message).to_contain_text("director@demo.zakrila.bg")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tablet.screenshot(path=str(ARTIFACTS / "attendance-conflict-tablet.png"), full_page=True)
        assert (
            _query(
                demo_data_dir,
                "SELECT member_id, status FROM programmes_attendance WHERE session_id = ? "
                "ORDER BY member_id",
                session_id,
            )
            == saved
        )
    finally:
        tablet_context.close()
        office_context.close()


def test_an_anonymous_call_is_logged_in_under_a_minute_with_no_personal_data(
    page: Any, demo_server: str, demo_data_dir: Path
) -> None:
    sign_in(page, demo_server, "specialist@demo.zakrila.bg")
    page.goto(f"{demo_server}/programmes/line/")
    started = time.monotonic()
    with page.expect_navigation():
        page.get_by_test_id("call-new").click()
    # Everything else has a default (now, the phone, a parent, anonymous): the concern only.
    page.get_by_label("Тема").select_option(label="поведение на детето")
    with page.expect_navigation():
        page.get_by_test_id("call-save").click()
    elapsed = time.monotonic() - started
    expect(page.get_by_test_id("call-anonymous")).to_be_visible()
    number = page.locator("h1").inner_text().split()[-1]
    assert elapsed < 60, elapsed
    rows = _query(
        demo_data_dir,
        "SELECT anonymous, caller_name, caller_phone, category, subcategory "
        "FROM programmes_call WHERE number = ?",
        number,
    )
    assert rows == [(1, "", "", "parenting", "behaviour")]
