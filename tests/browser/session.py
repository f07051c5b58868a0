"""Signing in to the demo server, as most browser tests begin."""

from __future__ import annotations

from typing import Any

PASSWORD = "zakrila-demo-2026"  # every demo login's


def sign_in(page: Any, server: str, email: str) -> None:
    """Sign ``email`` in on the login page and wait for the home page; if it does not come,
    say what the page showed instead."""
    page.goto(f"{server}/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button.primary").click()
    try:
        page.wait_for_url(f"{server}/")
    except Exception as error:  # what the page said instead, for whoever reads the failure
        said = page.locator("body").inner_text()[:500]
        raise AssertionError(f"{email} was not signed in: {page.url}\n{said}") from error
