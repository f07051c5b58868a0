"""Offline capture: the server's half of the outbox.

A street or field worker records work where there is no signal. The browser keeps what they
send in an outbox (IndexedDB, ``static/zakrila/outbox-store.js``) and sends it again when the
connection comes back; this module makes that safe and tells the outbox what happened.

- A page opts in to be kept for offline work with ``@offline_page``: its GET answer carries
  ``X-Zakrila-Offline: page`` and the service worker (``/sw.js``) keeps a copy. Other pages are
  never kept: most of them show a child's file.
- A form opts in to the outbox with ``data-outbox`` in its template. Its view must be safe to
  replay: a create (or edit) runs inside ``submit_once`` (the ``Idempotency-Key`` the outbox
  sends), and an edit compares the ``version`` it was opened at (``lock_for_edit``).
- The outbox sends with ``X-Zakrila-Outbox``; ``OfflineMiddleware`` turns whatever the view
  answered (a redirect after success, the form shown again with its errors, a refusal, the
  sign-in page) into a small JSON answer, for every view at once:
  ``{"status": "done" | "refused" | "conflict" | "signed_out" | "error", "message", "url",
  "repeated"}``.
- Entries and kept pages belong to one user: ``owner_of(user)`` is an opaque mark that the
  pages and the service worker compare, so another user of a shared tablet neither sees nor
  sends them.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from functools import lru_cache, wraps
from html.parser import HTMLParser
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

OUTBOX_HEADER = "X-Zakrila-Outbox"  # "1": sent from the outbox; "page": the form's own submit
OFFLINE_HEADER = "X-Zakrila-Offline"  # "page": the service worker may keep a copy of this page
OWNER_HEADER = "X-Zakrila-Owner"  # whose kept pages these are

V = TypeVar("V", bound=Callable[..., HttpResponse])

# Codes of the refusals a view put on its form during this request (``core.forms.apply_errors``):
# a stale version ("stale") is a conflict for the outbox, anything else a refusal.
_refusals: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "zakrila_outbox_refusals", default=None
)


def owner_of(user: Any) -> str:
    """An opaque mark of the signed-in user for their offline copy (no id in the browser)."""
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("zakrila.offline.owner", str(user.pk)).hexdigest()[:24]


def offline_page(view: V) -> V:
    """Let the service worker keep this page for work without a connection.

    Only for pages a worker fills in on the street (a form to record something), holding as
    little personal data as the work needs; never for a file, a list or a search.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200:
            response[OFFLINE_HEADER] = "page"
        return response

    return wrapper  # type: ignore[return-value]


def note_refusal(error: ValidationError) -> None:
    """Remember a service's refusal for the outbox's answer (called by ``apply_errors``)."""
    codes = _refusals.get()
    if codes is None:
        return
    if hasattr(error, "error_dict"):
        codes += [e.code or "" for errors in error.error_dict.values() for e in errors]
    else:
        codes += [e.code or "" for e in error.error_list]


class OfflineMiddleware:
    """Marks every signed-in answer with its owner, and answers the outbox in JSON.

    It sits right after the messages middleware: it sees what the sign-in, two-step and
    membership middlewares answer as well as the views, and it can take this request's
    messages before they are stored for the next page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = request.headers.get(OUTBOX_HEADER, "")
        if not mode or request.method != "POST":
            response = self.get_response(request)
            self._mark_owner(request, response)
            return response
        token = _refusals.set([])
        try:
            response = self.get_response(request)
            answer = outbox_answer(request, response, keep_messages=mode == "page")
        finally:
            _refusals.reset(token)
        self._mark_owner(request, answer)
        return answer

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        # Reached only when no middleware before this one answered (CSRF refused nothing).
        request._outbox_view_ran = True  # type: ignore[attr-defined]

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            request._outbox_refusal = str(exception)  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _mark_owner(request: HttpRequest, response: HttpResponse) -> None:
        owner = owner_of(getattr(request, "user", None))
        if owner:
            response[OWNER_HEADER] = owner


def _answer(
    status: str, message: str, *, url: str = "", code: int = 200, **extra: Any
) -> JsonResponse:
    return JsonResponse(
        {"status": status, "message": message, "url": url, **extra},
        status=code,
        json_dumps_params={"ensure_ascii": False},
    )


def outbox_answer(
    request: HttpRequest, response: HttpResponse, *, keep_messages: bool
) -> HttpResponse:
    """What the outbox needs to know of the view's answer to a replayed form."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return _answer(
            "signed_out",
            _("You are signed out. Sign in again: what waits in the outbox is sent after that."),
            url=resolve_url(settings.LOGIN_URL),
            code=401,
        )
    location = response.get("Location", "")
    if not getattr(request, "_outbox_view_ran", False):
        # A middleware answered before the view: two-step sign-in, no membership, or the CSRF
        # check (the session changed since the outbox asked for its token).
        if location:
            return _answer(
                "signed_out",
                _(
                    "Open Zakrila and finish signing in: what waits in the outbox is sent after that."
                ),
                url=location,
                code=401,
            )
        return _answer(
            "error",
            _("The server did not take it this time; it stays in the outbox and is sent again."),
            code=503,
        )
    said, warned = _this_requests_messages(request, keep=keep_messages)
    status = response.status_code
    if 300 <= status < 400 and warned:
        # Refused by a redirect with an error message, as some views do.
        return _answer("refused", " ".join(warned), code=422)
    if 300 <= status < 400:
        return _answer(
            "done",
            " ".join(said),
            url=location,
            repeated=bool(getattr(request, "_outbox_repeated", False)),
        )
    if status in (200, 400, 409, 422):
        codes = _refusals.get() or []
        conflict = "stale" in codes
        streamed = getattr(response, "streaming", False)
        body = "" if streamed else response.content.decode(response.charset or "utf-8", "replace")
        alerts = _alerts_in(body)
        message = " ".join(alerts or said) or _(
            "The server refused it: open it in its form, correct it and send it again."
        )
        return _answer(
            "conflict" if conflict else "refused", message, code=409 if conflict else 422
        )
    if status == 403:
        reason = getattr(request, "_outbox_refusal", "") or _(
            "You do not have the right to do this."
        )
        return _answer("refused", reason, code=403)
    if status == 404:
        return _answer(
            "refused",
            _("This record is not there any more or you no longer see it: discard this entry."),
            code=404,
        )
    if status >= 500:
        return _answer(
            "error",
            _("The server had a problem; it stays in the outbox and is sent again later."),
            code=503,
        )
    return _answer(
        "refused",
        _("The server refused it: open it in its form, correct it and send it again."),
        code=422,
    )


def _this_requests_messages(request: HttpRequest, *, keep: bool) -> tuple[list[str], list[str]]:
    """The messages the view added (e.g. "The contact is recorded."), and those of them that
    are errors. A background send takes them, so that they do not appear later on an
    unrelated page."""
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", None)
    if not queued:
        return [], []
    said = [str(message.message) for message in queued]
    warned = [str(message.message) for message in queued if message.level >= messages.ERROR]
    if not keep:
        queued.clear()
    return said, warned


def mark_repeated(request: HttpRequest) -> None:
    """The form was sent before: the outbox's answer says so (``submissions.already_sent``)."""
    request._outbox_repeated = True  # type: ignore[attr-defined]


class _AlertParser(HTMLParser):
    """Collects the text of ``role="alert"`` elements, each after the label of its field —
    the errors a person would see on the form shown again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.alerts: list[str] = []
        self._label: list[str] | None = None
        self._field_label = ""
        self._alert: list[str] | None = None
        self._alert_depth = 0
        self._alert_tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "div" and "field" in classes:
            self._field_label = ""
        if self._alert is not None:
            if tag == self._alert_tag:
                self._alert_depth += 1
            return
        if values.get("role") == "alert":
            self._alert, self._alert_tag, self._alert_depth = [], tag, 1
        elif tag == "label" and not self._field_label:
            self._label = []

    def handle_endtag(self, tag: str) -> None:
        if self._alert is not None and tag == self._alert_tag:
            self._alert_depth -= 1
            if self._alert_depth == 0:
                text = " ".join("".join(self._alert).split())
                if text:
                    label = self._field_label.rstrip(" *")
                    self.alerts.append(f"{label}: {text}" if label else text)
                self._alert = None
        elif tag == "label" and self._label is not None:
            self._field_label = " ".join("".join(self._label).split())
            self._label = None
        elif tag == "form":
            self._field_label = ""

    def handle_data(self, data: str) -> None:
        if self._alert is not None:
            self._alert.append(data)
        elif self._label is not None:
            self._label.append(data)


def _alerts_in(html: str) -> list[str]:
    parser = _AlertParser()
    parser.feed(html)
    parser.close()
    return parser.alerts


def strings() -> dict[str, Any]:
    """What the outbox says in the browser, in the user's language (the pages pass it to
    ``outbox.js`` as JSON; no inline script)."""
    return {
        "saved": _(
            "No connection: it is kept in the outbox on this device and sent by itself when the "
            "connection comes back."
        ),
        "sent": _("Sent: %(label)s"),
        "sentAgain": _("Already on the server, nothing new recorded: %(label)s"),
        "needsYou": _("Needs you: %(label)s — open the outbox."),
        "signIn": _("You are signed out. Sign in to send what waits in the outbox."),
        "signInLink": _("Sign in"),
        "offlineCopy": _(
            "No connection. This is the copy of this page kept on %(when)s; what you save goes "
            "to the outbox."
        ),
        "copyOnline": _("The connection is back; this is still the copy kept on this device."),
        "openAgain": _("Open the page as it is now"),
        "stateWaiting": _("waits for a connection"),
        "stateSending": _("being sent"),
        "stateNeedsYou": _("needs you"),
        "conflict": _("Changed on the server meanwhile"),
        "refused": _("Refused by the server"),
        "tooOld": _(
            "Older than 30 days: check that it is not on the server already, then send it again "
            "or discard it."
        ),
        "savedAt": _("kept at %(when)s"),
        "open": _("Open in its form"),
        "details": _("What it holds"),
        "resend": _("Send again"),
        "discard": _("Discard"),
        "confirmDiscard": _("Discard “%(label)s”? It will not be sent and cannot be brought back."),
        "filled": _(
            "Your entry from the outbox is filled in below. Check it against the record as it is "
            "now, then save."
        ),
        "yes": _("yes"),
        "no": _("no"),
        "online": _("Connected."),
        "offline": _("No connection: entries wait here."),
        # Two forms are enough for Bulgarian and English (n == 1, otherwise).
        "logoutOne": _logout_warning(1),
        "logoutMany": _logout_warning(2),
        "noPages": _("No page is kept yet: open a page for work on the street while connected."),
    }


def _logout_warning(count: int) -> str:
    return ngettext(
        "%(count)s entry in the outbox is not sent yet and will be deleted if you sign out. "
        "Sign out anyway?",
        "%(count)s entries in the outbox are not sent yet and will be deleted if you sign out. "
        "Sign out anyway?",
        count,
    )


@lru_cache(maxsize=16)
def _page_config(language: str, script_prefix: str) -> dict[str, Any]:
    """What every page tells the outbox in this language: the same for every request, so made
    once per process (each page pays only for its owner's key)."""
    from django.urls import reverse

    return {
        "session": reverse("core:outbox_session"),
        "outbox": reverse("core:outbox"),
        "login": resolve_url(settings.LOGIN_URL),
        "worker": reverse("service_worker"),
        "strings": strings(),
    }


def config(request: HttpRequest) -> dict[str, Any]:
    """The outbox's settings for this page (``{% offline_config %}`` renders them as a JSON
    data block: no inline script)."""
    from django.urls import get_script_prefix

    return {
        "owner": owner_of(getattr(request, "user", None)),
        **_page_config(get_language() or "", get_script_prefix()),
    }
