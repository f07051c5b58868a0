"""Request-wide plumbing: a request id for the audit trail, and no caching of private pages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from zakrila.audit.context import audit_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane one from the proxy) and an audit context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        with audit_context(request_id=request_id, ip_address=client_ip(request)):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the audit trail records it (the proxy count comes from axes)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class NoStoreMiddleware:
    """Pages may carry a child's personal data: no browser or proxy may keep a copy.

    Static files are served by WhiteNoise before this runs, so they stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class BulgarianFirstLocaleMiddleware:
    """Bulgarian unless the user chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs
    here run an English browser; the people using Zakrila work in Bulgarian.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RefusalAuditMiddleware:
    """Every refusal by the access policy (a 404 or 403 raised by a view) is in the audit trail.

    The path is recorded, never a query string: URLs carry ids only, never personal data.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if not isinstance(exception, Http404 | PermissionDenied):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from zakrila.audit.models import AuditAction
        from zakrila.audit.services import audit_record

        membership = getattr(request, "membership", None)
        match = request.resolver_match
        audit_record(
            action=AuditAction.DENIED,
            actor=user,
            organisation_id=membership.organisation_id if membership else None,
            details={
                "path": request.path,
                "route": match.view_name if match else "",
                "status": 404 if isinstance(exception, Http404) else 403,
            },
        )
        return None
