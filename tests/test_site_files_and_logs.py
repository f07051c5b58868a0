"""What browsers ask for at the site's root, and how refusals appear in the log."""

from __future__ import annotations

import logging

from django.urls import reverse

from tests.factories import member
from zakrila.accounts.models import Role


def test_favicon_ico_is_served_from_the_site_root(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_a_403_is_logged_as_one_line_with_its_reason(client, org, caplog):
    client.force_login(member(org, Role.CASE_MANAGER))

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("audit:search")).status_code == 403

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    line = logging.Formatter().format(record)
    assert "\n" not in line
    assert line.startswith("Forbidden (Permission denied): /audit/")


def test_a_server_error_keeps_its_traceback():
    from zakrila.core.logs import ClientErrorsOnOneLine

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Server error: %s", ("/",), sys.exc_info()
        )
    record.status_code = 500
    assert ClientErrorsOnOneLine().filter(record)
    assert record.exc_info is not None
