from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from zakrila.accounts.policy import require
from zakrila.core.http import MemberRequest
from zakrila.privacy.processing import records_of_processing


@login_required
def records(request: MemberRequest) -> HttpResponse:
    """The record of processing activities (GDPR Art. 30), generated from configuration."""
    organisation = request.membership.organisation
    require(request.user, "privacy.records", organisation_id=organisation.pk)
    return render(
        request,
        "privacy/records.html",
        {
            "organisation": organisation,
            "activities": records_of_processing(),
            "retention": settings.ZAKRILA_RETENTION_YEARS,
            "nav_active": "privacy",
        },
    )
