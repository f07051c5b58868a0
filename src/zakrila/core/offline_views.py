"""The pages and files of offline capture: the service worker, the web app manifest, the outbox
page, the page shown when there is no connection, and the outbox's session check."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from zakrila import __version__
from zakrila.core.offline import OFFLINE_HEADER, OUTBOX_HEADER, OWNER_HEADER, offline_page, owner_of

# What every page needs, kept by the service worker when it is installed.
PRECACHED_STATIC = (
    "zakrila/zakrila.css",
    "zakrila/zakrila.js",
    "zakrila/outbox-store.js",
    "zakrila/outbox.js",
    "django_htmx/htmx-2.min.js",
    "zakrila/icons/icon.svg",
    "zakrila/icons/icon-192.png",
    "zakrila/icons/icon-512.png",
)
THEME_COLOUR = "#7a2150"  # --brand in zakrila.css


@cache
def _static_fingerprint() -> str:
    """Changes whenever a kept file changes (its content in development, where names carry no
    hash; its hashed name in production), so that a new release replaces the old caches."""
    digest = hashlib.sha256(__version__.encode())
    for path in PRECACHED_STATIC:
        digest.update(static(path).encode())
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``: served from the site's root so that it looks after every page; never cached
    by the browser's HTTP cache, so a new release is picked up on the next visit."""
    settings_for_worker = {
        "precache": [static(path) for path in PRECACHED_STATIC],
        "store": static("zakrila/outbox-store.js"),
        "offline": reverse("core:offline"),
        "outbox": reverse("core:outbox"),
        "staticPrefix": settings.STATIC_URL,
        "offlineHeader": OFFLINE_HEADER,
        "ownerHeader": OWNER_HEADER,
        "outboxHeader": OUTBOX_HEADER,
        "session": reverse("core:outbox_session"),
        # Kept pages older than this are not shown any more, and deleted.
        "pageMaxAgeDays": 7,
    }
    source = render_to_string("core/service_worker.js")
    version = hashlib.sha256(
        (_static_fingerprint() + source + json.dumps(settings_for_worker)).encode()
    ).hexdigest()[:16]
    settings_for_worker["version"] = version
    script = f"self.ZAKRILA = {json.dumps(settings_for_worker)};\n{source}"
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: Zakrila can be added to a phone's home screen and opens like an app."""
    data = {
        "name": _("Zakrila — protection of children"),
        "short_name": _("Zakrila"),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "bg",
        "dir": "ltr",
        "start_url": reverse("core:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#f6f7f9",
        "icons": [
            {"src": static("zakrila/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("zakrila/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("zakrila/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("zakrila/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
@offline_page
def outbox(request: HttpRequest) -> HttpResponse:
    """What waits in this device's outbox. The server holds none of it: the page is filled by
    ``outbox.js`` from the browser's storage, and works without a connection."""
    return render(request, "core/outbox.html", {"nav_active": "outbox"})


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker instead of a page that was not kept for offline work.
    Kept when the worker is installed: it holds nothing of anyone."""
    return render(request, "core/offline.html")


@require_GET
@never_cache
def outbox_session(request: HttpRequest) -> JsonResponse:
    """Asked by the outbox before it sends: who is signed in here, and a CSRF token to send with.

    Answers 401 instead of the sign-in page, so that the outbox can ask the worker to sign in.
    """
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "status": "signed_out",
                "message": _(
                    "You are signed out. Sign in again: what waits in the outbox is sent after that."
                ),
                "url": resolve_url(settings.LOGIN_URL) + "?next=" + reverse("core:outbox"),
            },
            status=401,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse({"owner": owner_of(request.user), "csrf": get_token(request)})
