"""Documents of a case: the referral letter, a court decision, a school report, a scan.

Files are kept outside the static files (``<data dir>/uploads``), checked by their content and
size on upload, and served only through the access policy, never cached, each download in the
audit trail.
"""

from __future__ import annotations

import os
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from zakrila.core.models import TenantModel
from zakrila.core.text import clean_bidi_fields


class PrivateStorage(FileSystemStorage):
    """Files in ``ZAKRILA_UPLOADS_DIR``, read from the settings at each use (tests and
    deployments may change it). It has no URL: files are reachable only through the views."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.ZAKRILA_UPLOADS_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def document_path(instance: Any, filename: str) -> str:
    """A random name inside the organisation's folder: the original name is kept in the row."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"org-{instance.organisation_id}/{uuid.uuid4().hex}{suffix}"


class DocumentKind(models.TextChoices):
    REFERRAL = "referral", _("referral letter")
    COURT = "court", _("court decision or order")
    ASSESSMENT = "assessment", _("assessment or report")
    PLAN = "plan", _("plan or contract")
    MEDICAL = "medical", _("medical document")
    SCHOOL = "school", _("school document")
    CONSENT = "consent", _("signed consent")
    OTHER = "other", _("other")


class CaseDocument(TenantModel):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="documents", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=12, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=document_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    is_confidential = models.BooleanField(
        _("confidential"),
        default=True,
        help_text=_("Only the case team, the director and specialists open it."),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        clean_bidi_fields(self, ("title", "original_name"))
        super().clean()
