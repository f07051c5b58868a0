"""The public verification page of a certificate: no sign-in.

It says only whether the certificate is genuine (or revoked), the holder's name, the programme
and the date — nothing else: no email, no organisation, no other trainees, no number. It is not
indexed by search engines, and each address may look up a limited number of codes in a window,
on top of codes that cannot be guessed (``codes.py``).
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record
from zakrila.core.middleware import client_ip
from zakrila.training.codes import normalise
from zakrila.training.queries import find_certificate

# Each address may look up this many codes in the window; a person checking a certificate
# needs one or two.
LOOKUPS_PER_WINDOW = 30
WINDOW_SECONDS = 10 * 60


def _too_many(request: HttpRequest) -> bool:
    key = f"training:verify:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count > LOOKUPS_PER_WINDOW


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _slow_down(request: HttpRequest) -> HttpResponse:
    response = render(request, "training/verify.html", {"state": "too_many"}, status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return _public(response)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if _too_many(request):
        return _slow_down(request)
    normalised = normalise(code)
    certificate = find_certificate(normalised) if normalised else None
    if certificate is None:
        return _public(render(request, "training/verify.html", {"state": "unknown"}, status=404))
    audit_record(
        action=AuditAction.VIEW, obj=certificate, actor_label="public verification",
        details={"what": "public verification", "revoked": certificate.is_revoked},
    )  # fmt: skip
    context = {
        "state": "revoked" if certificate.is_revoked else "genuine",
        "holder": certificate.holder_name,
        "programme": certificate.trainee.cohort.edition.programme.display_name,
        "issued_on": certificate.issued_on,
        "revoked_on": certificate.revoked_at,
    }
    return _public(render(request, "training/verify.html", context))


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """A code typed from a paper certificate: off to its page."""
    typed = request.GET.get("code", "")
    error = ""
    if typed:
        normalised = normalise(typed)
        if normalised:
            return redirect("training:verify", code=normalised)
        error = _("A code has 20 letters and digits, as printed under the QR code. Check it.")
    return _public(
        render(
            request,
            "training/verify.html",
            {"state": "lookup", "error": error, "typed": typed[:64]},
        )
    )
