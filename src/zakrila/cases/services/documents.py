"""Uploading and downloading case documents: checked by content and size, recorded."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from zakrila.accounts.models import User
from zakrila.audit.models import AuditAction
from zakrila.audit.services import audit_record, create_audited
from zakrila.cases.models import Case, CaseDocument
from zakrila.core.text import without_bidi_controls
from zakrila.core.wording import file_size_text

# What may be uploaded, by the type read from the file's content, with the names it may carry.
ALLOWED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/heic": {".heic"},
    "image/webp": {".webp"},
    "application/msword": {".doc"},
    "application/vnd.ms-excel": {".xls"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "application/rtf": {".rtf"},
}


def _read_head(upload: UploadedFile, size: int = 8192) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def document_check(upload: UploadedFile) -> str:
    """The content type of an acceptable upload, or a refusal that says what to do."""
    limit = settings.ZAKRILA_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            {"file": _("The file is %(size)s; at most %(limit)s are accepted. Scan with a lower resolution or split it.")
             % {"size": file_size_text(upload.size), "limit": file_size_text(limit)}},
            code="too_large",
        )  # fmt: skip
    # Office files are ZIP archives: the whole file is read to tell a .docx from a .xlsx.
    kind = filetype.guess(upload.read() if upload.size <= limit else _read_head(upload))
    upload.seek(0)
    if kind is None or kind.mime not in ALLOWED:
        raise ValidationError(
            {"file": _("This kind of file is not accepted. Upload a PDF, a photo (JPEG, PNG) or an office document (Word, Excel, LibreOffice).")},
            code="type",
        )  # fmt: skip
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED[kind.mime]:
        raise ValidationError(
            {"file": _("The file's name (“%(suffix)s”) does not match what it contains (%(kind)s). Check that this is the right file.")
             % {"suffix": suffix or "—", "kind": kind.extension.upper()}},
            code="mismatch",
        )  # fmt: skip
    return kind.mime


@transaction.atomic
def document_upload(
    *,
    actor: User,
    case: Case,
    upload: UploadedFile,
    title: str,
    kind: str,
    is_confidential: bool,
) -> CaseDocument:
    """A document of the case (an order, a report, a photo), checked by its content."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(_("The case is closed: reopen it to record new work."), code="closed")
    # "Иван\u202egpj.exe" would be shown as "Иванexe.jpg": judge and keep the name as it is.
    upload.name = without_bidi_controls(upload.name or "")
    content_type = document_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = CaseDocument(
        organisation_id=case.organisation_id, case=case, original_name=PurePath(upload.name or "file").name[:255],
        content_type=content_type, size=upload.size or 0, sha256=digest.hexdigest(), created_by=actor,
        updated_by=actor, title=title, kind=kind, is_confidential=is_confidential,
    )  # fmt: skip
    document.file.save(upload.name or "file", upload, save=False)
    # Should the rest fail, the stored file would be orphaned: remove it.
    try:
        create_audited(
            document,
            actor=actor,
            person_id=case.person_id,
            details={"case": case.pk, "content_type": content_type, "size": document.size},
        )
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def document_downloaded(*, actor: User, document: CaseDocument) -> None:
    audit_record(
        action=AuditAction.DOWNLOAD, actor=actor, obj=document, person_id=document.case.person_id,
        details={"case": document.case_id},
    )  # fmt: skip
