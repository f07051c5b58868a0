"""Issuing, printing, exporting and revoking certificates."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from zakrila.accounts.policy import has_capability, require
from zakrila.audit.services import audit_view
from zakrila.core.downloads import name_download
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.pdf import pdf_response, render_pdf
from zakrila.people.names import to_latin
from zakrila.training.documents import open_badge, qr_data_uri
from zakrila.training.forms import RevokeForm
from zakrila.training.queries import (
    certificate_for,
    certificate_modules,
    cohort_for,
    hours_of,
    trainee_for,
)
from zakrila.training.services import (
    certificate_issue,
    certificate_printed,
    certificate_revoke,
    certificates_issue_for_cohort,
)

NAV = "training"


@login_required
@require_POST
def certificates_issue(request: MemberRequest, pk: int) -> HttpResponse:
    """Certificates for everyone in the cohort who completed and holds none yet."""
    cohort = cohort_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=cohort.organisation_id)
    try:
        issued = certificates_issue_for_cohort(actor=request.user, cohort=cohort)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s certificate is issued.",
                "%(count)s certificates are issued.",
                len(issued),
            )
            % {"count": len(issued)},
        )
    return redirect("training:completion", pk=cohort.pk)


@login_required
@require_POST
def certificate_issue_view(request: MemberRequest, pk: int) -> HttpResponse:
    trainee = trainee_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=trainee.organisation_id)
    try:
        certificate = certificate_issue(actor=request.user, trainee=trainee)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(trainee)
    messages.success(
        request, _("Certificate %(number)s is issued.") % {"number": certificate.number}
    )
    return redirect(certificate)


@login_required
def certificate_detail(request: MemberRequest, pk: int) -> HttpResponse:
    certificate = certificate_for(user=request.user, pk=pk)
    audit_view(actor=request.user, obj=certificate)
    modules = certificate_modules(certificate)
    return render(
        request,
        "training/certificate_detail.html",
        {
            "certificate": certificate,
            "trainee": certificate.trainee,
            "cohort": certificate.trainee.cohort,
            "modules": modules,
            "total_hours": hours_of(modules),
            "verify_url": request.build_absolute_uri(certificate.verification_url()),
            "can_manage": has_capability(
                request.user, "training.manage", certificate.organisation_id
            ),
            "nav_active": NAV,
        },
    )


def _language(request: MemberRequest) -> str:
    return "en" if request.GET.get("lang") == "en" else "bg"


@login_required
def certificate_pdf(request: MemberRequest, pk: int) -> HttpResponse:
    """The certificate as an A4 PDF, in Bulgarian or (``?lang=en``) in English."""
    certificate = certificate_for(user=request.user, pk=pk)
    language = _language(request)
    certificate_printed(actor=request.user, certificate=certificate, language=language, what="pdf")
    verify_url = request.build_absolute_uri(certificate.verification_url())
    modules = certificate_modules(certificate)
    with translation.override(language):
        pdf = render_pdf(
            "training/certificate_pdf.html",
            {
                "certificate": certificate,
                "holder": certificate.holder_name
                if language == "bg"
                else to_latin(certificate.holder_name),
                "programme": certificate.trainee.cohort.edition.programme,
                "cohort": certificate.trainee.cohort,
                "organisation": certificate.organisation,
                "modules": modules,
                "total_hours": hours_of(modules),
                "verify_url": verify_url,
                "qr": qr_data_uri(verify_url),
                "language": language,
            },
        )
    return pdf_response(pdf, f"{certificate.number}-{language}.pdf")


@login_required
def certificate_badge(request: MemberRequest, pk: int) -> HttpResponse:
    """The certificate as an unsigned Open Badges 3.0 credential (JSON-LD)."""
    certificate = certificate_for(user=request.user, pk=pk)
    certificate_printed(
        actor=request.user, certificate=certificate, language="bg", what="open_badge"
    )
    document = open_badge(
        certificate,
        modules=certificate_modules(certificate),
        verify_url=request.build_absolute_uri(certificate.verification_url()),
        issuer_url=request.build_absolute_uri(reverse("training:verify_lookup")),
    )
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/ld+json"
    )
    return name_download(response, f"{certificate.number}.json")


@login_required
def certificate_revoke_view(request: MemberRequest, pk: int) -> HttpResponse:
    certificate = certificate_for(user=request.user, pk=pk)
    require(request.user, "training.manage", organisation_id=certificate.organisation_id)
    form = RevokeForm(request.POST or None, initial={"version": certificate.version})
    if request.method == "POST" and form.is_valid():
        try:
            certificate_revoke(
                actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s is revoked; its public page says so.")
                % {"number": certificate.number},
            )
            return redirect(certificate)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Revoke certificate %(number)s") % {"number": certificate.number},
            "context_object": certificate,
            "submit": _("Revoke"),
            "nav_active": NAV,
        },
    )
