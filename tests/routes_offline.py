"""Offline capture's routes in the route harness (tests/test_routes.py)."""

from __future__ import annotations

from tests.routes import Route

ROUTES: dict[str, Route] = {
    # The outbox page: every signed-in role; the server holds nothing of it (the entries are in
    # the browser), so there is no record and nothing to refuse.
    "core:outbox": Route(None),
}

NOT_WALKED: dict[str, str] = {
    "service_worker": "the service worker script, open to everyone and holding no personal "
    "data (it must load on the sign-in page too); tests/test_offline.py",
    "manifest": "the web app manifest, open to everyone, no personal data; tests/test_offline.py",
    "core:offline": "the page the service worker shows without a connection, kept for everyone "
    "and holding nobody's data; tests/test_offline.py",
    "core:outbox_session": "answers 401 JSON instead of the sign-in page, so that the outbox can "
    "ask the worker to sign in; tests/test_offline.py",
}
