"""Documents: checked by content and size, kept outside the static files, downloaded only
through the policy, never cached, each download recorded."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import PersonFactory, member
from tests.test_downloads import offered_name
from zakrila.accounts.models import Role
from zakrila.audit.models import AuditAction, AuditEvent
from zakrila.cases.models import CaseDocument
from zakrila.cases.services import case_open

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    return case_open(
        actor=case_manager,
        unit=cop,
        person=child,
        key_worker=case_manager,
        without_referral_reason="x",
    )


def _upload(client, case, name, content, **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "title": "Решение на съда",
        "kind": "court",
        "is_confidential": "on",
    }
    data.update(extra)
    return client.post(reverse("cases:document_new", args=[case.pk]), data)


@pytest.mark.parametrize(
    ("name", "content"), [("решение.pdf", PDF), ("снимка.png", PNG), ("доклад.docx", _docx())]
)
def test_pdf_images_and_office_documents_are_accepted_and_stored_privately(
    client, case, case_manager, settings, name, content
):
    client.force_login(case_manager)
    assert _upload(client, case, name, content).status_code == 302
    document = CaseDocument.objects.get()
    assert document.original_name == name
    assert document.file.path.startswith(str(settings.ZAKRILA_UPLOADS_DIR))
    assert not document.file.path.startswith(str(settings.STATIC_ROOT or "/nonexistent"))
    assert name not in document.file.name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "не се приема"),
        ("снимка.pdf", PNG, "не съответства"),
        ("празен.pdf", b"", "празен"),
    ],
)
def test_a_file_is_checked_by_its_content_not_its_name(
    client, case, case_manager, name, content, words
):
    client.force_login(case_manager)
    response = _upload(client, case, name, content)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["file"])
    assert not CaseDocument.objects.exists()


def test_a_file_too_large_is_refused_and_the_title_kept(client, case, case_manager, settings):
    settings.ZAKRILA_UPLOAD_MAX_BYTES = 1024
    client.force_login(case_manager)
    response = _upload(client, case, "голям.pdf", PDF + b"0" * 2048, title="Голям документ")
    assert "най-много" in " ".join(response.context["form"].errors["file"])
    assert 'value="Голям документ"' in response.content.decode()


def test_a_download_is_recorded_never_cached_and_only_for_those_allowed(
    client, org, case, case_manager, outsider
):
    client.force_login(case_manager)
    _upload(client, case, "решение.pdf", PDF)
    document = CaseDocument.objects.get()
    response = client.get(reverse("cases:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    assert offered_name(response["Content-Disposition"]) == "решение.pdf"
    assert (
        AuditEvent.objects.filter(action=AuditAction.DOWNLOAD, object_id=str(document.pk)).count()
        == 1
    )
    field_worker = member(org, Role.FIELD_WORKER, email="field@example.bg")
    client.force_login(field_worker)
    assert client.get(reverse("cases:document", args=[document.pk])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("cases:document", args=[document.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).count() == 1


def test_a_document_whose_file_is_missing_is_a_clear_page_not_a_server_error(
    client, case, case_manager, caplog
):
    client.force_login(case_manager)
    _upload(client, case, "решение.pdf", PDF)
    document = CaseDocument.objects.get()
    document.file.storage.delete(document.file.name)  # a restore without the uploads folder
    response = client.get(reverse("cases:document", args=[document.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Файлът на документа липсва" in page
    assert "Решение на съда" in page
    assert case.get_absolute_url() in page
    assert not AuditEvent.objects.filter(action=AuditAction.DOWNLOAD).exists()
    assert "missing from the uploads folder" in caplog.text


def test_a_document_without_a_file_name_is_the_same_clear_page(client, case, case_manager):
    client.force_login(case_manager)
    _upload(client, case, "решение.pdf", PDF)
    CaseDocument.objects.update(file="")
    document = CaseDocument.objects.get()
    response = client.get(reverse("cases:document", args=[document.pk]))
    assert response.status_code == 404
    assert "Файлът на документа липсва" in response.content.decode()
