"""Case documents: upload and download, only through the access policy."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zakrila.accounts.policy import (
    can_read_case_confidential,
    require,
)
from zakrila.cases.forms import (
    DocumentForm,
)
from zakrila.cases.queries import (
    case_for,
    document_for,
)
from zakrila.cases.services import (
    document_downloaded,
    document_upload,
)
from zakrila.core.downloads import name_download
from zakrila.core.forms import apply_errors
from zakrila.core.http import MemberRequest
from zakrila.core.submissions import AlreadySubmitted, already_sent, submit_once
from zakrila.core.uploads import uploads_refused

PAGE_SIZE = 50

logger = logging.getLogger(__name__)


@login_required
def document_new(request: MemberRequest, pk: int) -> HttpResponse:
    case = case_for(user=request.user, pk=pk)
    require(request.user, "case.contact", organisation_id=case.organisation_id)
    form = DocumentForm(
        request.POST or None, request.FILES or None, refused_files=uploads_refused(request)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            upload = data.pop("file")
            submit_once(
                request,
                lambda: document_upload(actor=request.user, case=case, upload=upload, **data),
                then=case.get_absolute_url(),
            )
        except AlreadySubmitted as done:
            return already_sent(request, done)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The document is uploaded."))
            return redirect(case)
    return render(
        request, "cases/document_form.html", {"case": case, "form": form, "nav_active": "cases"}
    )


@login_required
def document_download(request: MemberRequest, pk: int) -> HttpResponseBase:
    document = document_for(user=request.user, pk=pk)
    if document.is_confidential and not can_read_case_confidential(request.user, document.case):
        raise PermissionDenied(
            _("This document is confidential: the case team, the director and specialists open it.")
        )
    try:
        handle = document.file.open("rb")
    except (OSError, ValueError):
        # The row is there but its file is not: typically a database restored without the
        # uploads folder. Say so plainly instead of failing with a server error.
        logger.error(
            "The file of case document %s (%s) is missing from the uploads folder.",
            document.pk,
            document.file.name or "no file name",
        )
        return render(
            request,
            "cases/document_missing.html",
            {"document": document, "case": document.case, "nav_active": "cases"},
            status=404,
        )
    document_downloaded(actor=request.user, document=document)
    response = FileResponse(handle, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return name_download(response, document.original_name)
