"""Upload size, refused early: a 500 MB upload must not be read, spooled to disk and only then
refused (issue 11, item 6).

Three fences, from the outside in:

1. the proxy's body limit (``client_max_body_size``, docs/operations.md) refuses at the door;
2. ``UploadSizeMiddleware`` refuses a request whose declared ``Content-Length`` is over the
   upload limit plus 1 MB for the rest of the form (``request_limit()``) *before anything
   reads the body*, with a Bulgarian page (413);
3. ``UploadLimitHandler``, first in ``FILE_UPLOAD_HANDLERS``, counts each file's bytes as they
   stream in and drops the file at ``ZAKRILA_UPLOAD_MAX_BYTES``, so nothing past the limit
   reaches memory or the temporary folder; the form then says the file is too large and keeps
   what else was typed (``UploadLimitFormMixin``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

_REFUSED = "_zakrila_uploads_refused"
FORM_ROOM = 1024 * 1024  # the fields around the file, and the multipart boundaries


def request_limit() -> int:
    """The largest request body accepted: one file at the limit and the form around it."""
    return int(settings.ZAKRILA_UPLOAD_MAX_BYTES) + FORM_ROOM


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large_message() -> str:
    limit = filesizeformat(settings.ZAKRILA_UPLOAD_MAX_BYTES)
    return _(
        "The file is larger than %(limit)s, the most accepted. Scan with a lower resolution or "
        "split it."
    ) % {"limit": limit}


class UploadSizeMiddleware:
    """Refuses a request whose declared body is over the limit without reading the body.

    It must answer in ``__call__`` (before any ``process_view``, where the CSRF check reads the
    form); it sits after the membership middleware so that the page has the usual layout.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) > request_limit():
            back = request.headers.get("Referer", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = ""
            return render(
                request,
                "core/413.html",
                {"message": too_large_message(), "back": back},
                status=413,
            )
        return self.get_response(request)


class UploadLimitHandler(FileUploadHandler):
    """Stops each uploaded file at ``ZAKRILA_UPLOAD_MAX_BYTES`` as it streams in: the handlers
    after it (memory, temporary file) never receive the bytes past the limit. The rest of the
    form is still read; the refused field is remembered on the request."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.ZAKRILA_UPLOAD_MAX_BYTES:
            if self.request is not None:
                refused: set[str] = getattr(self.request, _REFUSED, set())
                refused.add(self.field_name)
                setattr(self.request, _REFUSED, refused)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def uploads_refused(request: HttpRequest) -> frozenset[str]:
    """The file fields whose upload was stopped at the limit (read after ``request.FILES``)."""
    if request.method == "POST":
        request.FILES  # noqa: B018 — parsing the body is what fills the set
    return frozenset(getattr(request, _REFUSED, ()))


class UploadLimitFormMixin(forms.BaseForm):
    """A form with file fields: a file stopped at the limit is an error on its field in plain
    Bulgarian ("larger than 20 MB"), not "this field is required", and the rest is kept."""

    def __init__(self, *args: Any, refused_files: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refused_files = [name for name in refused_files if name in self.fields]
        for name in self.refused_files:
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.refused_files:
            self.add_error(name, too_large_message())
        return data
