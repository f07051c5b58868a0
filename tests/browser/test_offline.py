"""Offline capture on a phone (Chromium, 390 × 844) against the real demo server: a contact
recorded with the network switched off reaches the server exactly once; a conflicting offline
edit is refused and shown, nothing overwritten; the outbox is one user's and is cleared at
sign-out. The database of the demo server is read to count what really arrived."""

from __future__ import annotations

import os
import re
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
FIELD_WORKER = "field_worker@demo.zakrila.bg"
CASE_MANAGER = "case_manager@demo.zakrila.bg"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "bg-BG",
}
OWNER = "() => JSON.parse(document.getElementById('zakrila-offline').textContent).owner"


@pytest.fixture
def phones(browser: Any) -> Iterator[Any]:
    """Phones (browser contexts) made by the test, closed at its end."""
    made: list[Any] = []

    def phone(**options: Any) -> tuple[Any, Any]:
        context = browser.new_context(**PHONE, **options)
        made.append(context)
        return context, context.new_page()

    yield phone
    for context in made:
        context.close()


def _session_ends(context: Any) -> None:
    """The session ends (timed out on the server, say) without signing out: its cookie goes,
    the browser's CSRF cookie stays, as it does for a real worker. Clearing every cookie could
    race with the page's own requests still on their way (the outbox asking who is signed in):
    an answer arriving after the sign-in page would set the CSRF cookie back to the old secret,
    and the sign-in be refused as a forged form (the likely cause of a rare failure here)."""
    context.clear_cookies(name=re.compile(r"sessionid$"))


def _worker_ready(page: Any) -> None:
    """The service worker is installed and looks after this page."""
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
                await new Promise((done) =>
                    navigator.serviceWorker.addEventListener("controllerchange", done));
            }
        }"""
    )


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


def _wait_until_kept(page: Any, *urls: str) -> None:
    deadline = time.monotonic() + 15
    while not all(_kept(page, url) for url in urls):
        assert time.monotonic() < deadline, f"not kept for offline work: {urls}"
        time.sleep(0.2)


def _query(data_dir: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"file:{data_dir / 'demo.sqlite3'}?mode=ro", uri=True) as db:
        return db.execute(sql, args).fetchall()


def _contacts_noted(data_dir: Path, note: str) -> int:
    return _query(data_dir, "SELECT count(*) FROM cases_contact WHERE note = ?", note)[0][0]


def _open_case(data_dir: Path, *, skip: int = 0) -> tuple[int, str]:
    """An open, unrestricted case of the field worker's units (the demo's Community Support
    Centre in Ruse)."""
    rows = _query(
        data_dir,
        """SELECT c.id, c.number FROM cases_case c
           JOIN organisations_unit u ON u.id = c.unit_id
           JOIN organisations_organisation o ON o.id = c.organisation_id
           WHERE u.code = 'ЦОП' AND o.name_bg = 'Сдружение „Еквилибриум“'
             AND c.status != 'closed' AND NOT c.is_restricted
           ORDER BY c.id LIMIT 1 OFFSET ?""",
        skip,
    )
    return rows[0][0], rows[0][1]


def _record_contact(page: Any, note: str) -> None:
    page.get_by_label("Вид").select_option("outreach")
    page.get_by_role("textbox", name="Бележка").fill(note)
    page.get_by_role("button", name="Запис", exact=True).click()


def test_a_contact_recorded_offline_reaches_the_server_exactly_once(
    phones: Any, demo_server: str, demo_data_dir: Path
) -> None:
    context, page = phones()
    sign_in(page, demo_server, FIELD_WORKER)
    _worker_ready(page)
    case_id, number = _open_case(demo_data_dir)
    contact_url = f"{demo_server}/cases/{case_id}/contacts/new/"
    page.goto(contact_url)  # opened while connected: kept on the phone
    _wait_until_kept(page, contact_url, f"{demo_server}/outbox/")

    # On the street: no network. The kept page opens, and the contact goes to the outbox.
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("offline-copy")).to_be_visible()
    note = f"Момче, ~12 г., гара Русе — {uuid.uuid4().hex[:8]}"
    _record_contact(page, note)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Няма връзка")
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    page.get_by_test_id("outbox-link").click()
    entries = page.get_by_test_id("outbox-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text(f"Контакт — {number}")
    expect(entries.first).to_contain_text("чака връзка")
    assert _contacts_noted(demo_data_dir, note) == 0
    stored = page.evaluate(f"async () => ZakrilaOutbox.list(({OWNER})())")
    assert len(stored) == 1 and stored[0]["key"]
    # A page that is not kept (the case list) shows the "no connection" page, which lists the
    # kept pages and leads back to the outbox.
    page.goto(f"{demo_server}/cases/")
    expect(page.get_by_test_id("offline-page")).to_be_visible()
    expect(page.locator("[data-offline-pages]")).to_contain_text(number)
    page.get_by_role("link", name="Изходящи").click()
    expect(entries).to_have_count(1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outbox-offline-phone.png"), full_page=True)

    # Back online: the online event sends it; the server has it exactly once.
    context.set_offline(False)
    expect(entries).to_have_count(0)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Изпратено")
    expect(page.get_by_test_id("outbox-count")).to_be_hidden()
    assert _contacts_noted(demo_data_dir, note) == 1

    # The same outbox entry sent again (as if its answer had been lost): nothing new.
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
    assert _contacts_noted(demo_data_dir, note) == 1


def test_a_conflicting_offline_edit_is_refused_and_shown_nothing_overwritten(
    phones: Any, demo_server: str, demo_data_dir: Path
) -> None:
    context, page = phones()
    sign_in(page, demo_server, FIELD_WORKER)
    _worker_ready(page)
    case_id, _number = _open_case(demo_data_dir, skip=1)
    person_id = _query(demo_data_dir, "SELECT person_id FROM cases_case WHERE id = ?", case_id)[0][
        0
    ]
    edit_url = f"{demo_server}/people/{person_id}/edit/"
    page.goto(edit_url)
    _wait_until_kept(page, f"{demo_server}/outbox/")
    assert not _kept(page, edit_url)  # a person's whole record is never kept

    # Offline, the field worker writes down the family's new address.
    context.set_offline(True)
    address = f"гр. Русе, ул. „Гарова“ {uuid.uuid4().hex[:4]}"
    page.get_by_label("Адрес").fill(address)
    page.get_by_role("button", name="Запис", exact=True).click()
    page.wait_for_url(f"{demo_server}/outbox/")  # an edit waits where the worker can see it
    entries = page.get_by_test_id("outbox-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("чака връзка")

    # Meanwhile, in the office, the case manager changes the same record.
    _office_context, office = phones()
    sign_in(office, demo_server, CASE_MANAGER)
    office.goto(edit_url)
    phone_number = "0888 " + uuid.uuid4().hex[:6]
    office.get_by_label("Телефон").fill(phone_number)
    with office.expect_navigation():
        office.get_by_role("button", name="Запис", exact=True).click()
    expect(office.locator(".messages")).to_contain_text("Промените са записани")

    # Back online: refused as a conflict, shown to the worker; nothing of theirs applied.
    context.set_offline(False)
    expect(entries.first).to_contain_text("нужна е намеса")
    message = page.get_by_test_id("outbox-entry-message")
    expect(message).to_contain_text("Променено на сървъра междувременно")
    expect(message).to_contain_text("case_manager@demo.zakrila.bg")  # who changed it
    expect(message).to_contain_text("телефон")  # and what
    expect(page.get_by_test_id("outbox-link")).to_have_class("outbox-link needs-you")
    page.screenshot(path=str(ARTIFACTS / "outbox-conflict-phone.png"), full_page=True)
    saved = _query(
        demo_data_dir, "SELECT address, phone FROM people_person WHERE id = ?", person_id
    )
    assert saved == [(saved[0][0], phone_number)] and saved[0][0] != address

    # The worker resolves it: their change over the record as it is now, then saved.
    entries.first.get_by_role("link", name="Отваряне във формуляра").click()
    expect(page.get_by_label("Адрес")).to_have_value(address)
    expect(page.get_by_label("Телефон")).to_have_value(phone_number)  # the colleague's stays
    with page.expect_navigation():
        page.get_by_role("button", name="Запис", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Промените са записани")
    saved = _query(
        demo_data_dir, "SELECT address, phone FROM people_person WHERE id = ?", person_id
    )
    assert saved == [(address, phone_number)]
    expect(page.get_by_test_id("outbox-count")).to_be_hidden()


def test_the_outbox_is_one_users_and_is_cleared_at_sign_out(
    phones: Any, demo_server: str, demo_data_dir: Path
) -> None:
    context, page = phones()
    sign_in(page, demo_server, FIELD_WORKER)
    _worker_ready(page)
    case_id, _number = _open_case(demo_data_dir, skip=2)
    contact_url = f"{demo_server}/cases/{case_id}/contacts/new/"
    page.goto(contact_url)
    _wait_until_kept(page, contact_url)
    context.set_offline(True)
    note = f"Среща в квартала — {uuid.uuid4().hex[:8]}"
    _record_contact(page, note)
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")

    # The tablet is left signed out without signing out (the session ended); back online, the
    # entry waits and the worker is asked to sign in.
    _session_ends(context)
    context.set_offline(False)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Излезли сте")
    assert _contacts_noted(demo_data_dir, note) == 0

    # Another worker signs in on the same tablet: they neither see nor send it, and the first
    # worker's kept page is gone.
    sign_in(page, demo_server, CASE_MANAGER)
    page.goto(f"{demo_server}/outbox/")
    expect(page.get_by_test_id("outbox-empty")).to_be_visible()
    expect(page.get_by_test_id("outbox-count")).to_be_hidden()
    page.get_by_test_id("outbox-send").click()
    assert not _kept(page, contact_url)
    assert _contacts_noted(demo_data_dir, note) == 0

    # The first worker signs in again: it is sent.
    _session_ends(context)
    sign_in(page, demo_server, FIELD_WORKER)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Изпратено")
    assert _contacts_noted(demo_data_dir, note) == 1

    # An entry waits (refused by the server: it needs the worker) when they sign out: they are
    # warned, and signing out clears the outbox and the kept pages.
    page.goto(contact_url)
    _wait_until_kept(page, contact_url)
    page.get_by_label("Продължителност (минути)").fill("2000")
    context.set_offline(True)
    _record_contact(page, "твърде дълго")
    context.set_offline(False)
    page.goto(f"{demo_server}/outbox/")
    expect(page.get_by_test_id("outbox-entry")).to_contain_text("нужна е намеса")
    warnings: list[str] = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.get_by_test_id("menu-toggle").click()  # on a phone the account menu is behind "Menu"
    page.locator("details.user-menu summary").click()
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    page.wait_for_url(f"{demo_server}/accounts/login/")
    assert warnings and "1 запис" in warnings[0]
    sign_in(page, demo_server, FIELD_WORKER)
    assert page.evaluate(f"async () => (await ZakrilaOutbox.list(({OWNER})())).length") == 0
    assert not _kept(page, contact_url)


def test_a_contact_whose_sending_fails_on_the_network_waits_in_the_outbox(
    phones: Any, demo_server: str, demo_data_dir: Path
) -> None:
    """A weak signal: the phone thinks it is online, the request never arrives."""
    # Without the service worker: a request that passes through it is not seen by Playwright's
    # routing, so once the worker controlled the page (sooner or later, by the machine's pace)
    # the "lost" request reached the server. The outbox itself does not need the worker.
    context, page = phones(service_workers="block")
    sign_in(page, demo_server, FIELD_WORKER)
    case_id, _number = _open_case(demo_data_dir, skip=3)
    page.goto(f"{demo_server}/cases/{case_id}/contacts/new/")

    def lost(route: Any) -> None:
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    context.route("**/contacts/new/", lost)
    note = f"Разговор пред училището — {uuid.uuid4().hex[:8]}"
    _record_contact(page, note)
    expect(page.get_by_test_id("outbox-toasts")).to_contain_text("Няма връзка")
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    assert _contacts_noted(demo_data_dir, note) == 0
    context.unroute("**/contacts/new/", lost)
    page.get_by_test_id("outbox-link").click()
    page.get_by_test_id("outbox-send").click()
    expect(page.get_by_test_id("outbox-entry")).to_have_count(0)
    assert _contacts_noted(demo_data_dir, note) == 1
