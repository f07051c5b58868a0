"""Donations and volunteers on Chromium: a distribution of more than the store has is refused
with a clear message and nothing changes; a distribution within the stock goes through; the
handover record and the donation certificate open as PDFs with correct Cyrillic."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from tests.browser.session import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("ZAKRILA_TEST_ARTIFACTS", "test-artifacts"))


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def _in_stock(page, name: str) -> float:  # type: ignore[no-untyped-def]
    row = page.get_by_test_id("stock").locator("tbody tr", has_text=name).first
    first_line = row.locator("td").nth(1).inner_text().splitlines()[0]
    return float(
        re.match(r"[\d\s]+(?:,\d+)?", first_line).group(0).replace(" ", "").replace(",", ".")
    )


def test_distribution_beyond_stock_is_refused_and_pdfs_open(page, demo_server):  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "giving_coordinator@demo.zakrila.bg")
    assert page.get_by_test_id("card-giving").is_visible()

    # The store: what is in it, nearest expiry first.
    with page.expect_navigation():
        page.get_by_role("link", name="Дарения и доброволци").first.click()
    with page.expect_navigation():
        page.get_by_test_id("stores").get_by_role("link", name="Склад ЦОП – Русе").click()
    store_url = page.url
    first = page.get_by_test_id("stock").locator("tbody tr").first
    name = first.locator("td").first.evaluate("cell => cell.firstChild.textContent.trim()")
    before = _in_stock(page, name)
    assert before > 0

    # More than there is: refused, with what there is, and nothing written.
    with page.expect_navigation():
        page.get_by_role("link", name="Раздаване", exact=True).first.click()
    page.locator("#id_store").select_option(label="Склад ЦОП – Русе")
    page.locator("#id_household").select_option(index=1)
    option = page.locator("#id_lines-0-item option", has_text=name).first.get_attribute("value")
    page.locator("#id_lines-0-item").select_option(value=option)
    page.locator("#id_lines-0-quantity").fill(str(int(before) + 5))
    with page.expect_navigation():
        page.get_by_role("button", name="Запис").click()
    error = page.get_by_test_id("form-error").inner_text()
    assert "Нищо не е предадено" in error and name in error
    assert page.locator("#id_lines-0-quantity").input_value() == str(int(before) + 5)
    page.screenshot(path=str(ARTIFACTS / "giving-refused.png"), full_page=True)
    page.goto(store_url)
    assert _in_stock(page, name) == before

    # Within the stock: handed over.
    with page.expect_navigation():
        page.get_by_role("link", name="Раздаване", exact=True).first.click()
    page.locator("#id_store").select_option(label="Склад ЦОП – Русе")
    page.locator("#id_household").select_option(index=1)
    page.locator("#id_lines-0-item").select_option(value=option)
    page.locator("#id_lines-0-quantity").fill("1")
    with page.expect_navigation():
        page.get_by_role("button", name="Запис").click()
    assert "е записано" in page.content()
    page.goto(store_url)
    assert _in_stock(page, name) == before - 1

    # The handover record of the latest donation opens as a PDF with Cyrillic.
    ledger = page.get_by_test_id("ledger")
    with page.expect_navigation():
        ledger.get_by_role("link", name=re.compile(r"^ПП-")).first.click()
    href = page.get_by_test_id("handover-pdf").get_attribute("href")
    response = page.request.get(f"{demo_server}{href}")
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert "ПРИЕМО-ПРЕДАВАТЕЛЕН ПРОТОКОЛ" in text and "Сдружение „Еквилибриум“" in text
    viewer = page.context.new_page()
    viewer.goto(f"{demo_server}{href}")  # Chromium opens it in its PDF viewer
    viewer.close()

    # The latest money donation's certificate: the tax relief, in Bulgarian.
    page.goto(f"{demo_server}/giving/")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^СД-")).first.click()
    href = page.get_by_test_id("certificate-pdf").get_attribute("href")
    response = page.request.get(f"{demo_server}{href}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(_pdf_text(response.body()).split())
    assert "СВИДЕТЕЛСТВО ЗА ДАРЕНИЕ" in text
    assert ("ЗКПО" in text and "10 на сто" in text) or ("ЗДДФЛ" in text and "5 на сто" in text)


def test_the_register_of_a_period_and_its_workbook(page, demo_server):  # type: ignore[no-untyped-def]
    """From the desk to what was handed over in the last year, on the page and in Excel, the same
    count; a period ending before it starts is said so and kept."""
    import datetime as dt

    from django.utils import timezone
    from openpyxl import load_workbook

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, demo_server, "giving_coordinator@demo.zakrila.bg")
    page.goto(f"{demo_server}/giving/")
    with page.expect_navigation():
        page.get_by_role("link", name="Дневник на даренията").click()

    today = timezone.localdate()
    page.locator("#id_kind").select_option("handed_over")
    page.locator("#id_since").fill((today - dt.timedelta(days=365)).isoformat())
    page.locator("#id_until").fill(today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Показване").click()
    rows = page.get_by_test_id("register").locator("tbody tr")
    total = page.get_by_test_id("register-total").inner_text()
    count = int(re.search(r": (\d+) запис", total).group(1))
    assert count >= rows.count() > 0
    assert (
        page.get_by_test_id("register").locator("th").nth(2).inner_text() == "Семейство или случай"
    )
    page.screenshot(path=str(ARTIFACTS / "giving-register.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_test_id("register-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) - 3 == count and lines[-1][:2] == ("Общо", count)

    page.locator("#id_since").fill(today.isoformat())
    page.locator("#id_until").fill((today - dt.timedelta(days=1)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Показване").click()
    assert "Крайната дата е преди началната." in page.content()
    assert page.locator("#id_since").input_value() == today.isoformat()
