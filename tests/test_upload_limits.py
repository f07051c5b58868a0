"""Upload size is refused early (issue 11, item 6): on the declared Content-Length before the
body is read, and by a streaming handler that drops a file at the limit."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from tests.factories import PersonFactory
from zakrila.cases.models import CaseDocument
from zakrila.cases.services import case_open

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class UnreadableBody(io.RawIOBase):
    """A request body that must not be read: the test fails if anything tries."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


@pytest.fixture
def case(case_manager, cop, org):
    child = PersonFactory(organisation=org, unit=cop)
    return case_open(
        actor=case_manager, unit=cop, person=child, key_worker=case_manager,
        without_referral_reason="x",
    )  # fmt: skip


def test_a_declared_500_mb_body_is_refused_before_it_is_read(client, case, case_manager):
    client.force_login(case_manager)
    url = reverse("cases:document_new", args=[case.pk])
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(500 * 1024 * 1024),
        HTTP_REFERER=f"http://testserver{url}",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Файлът е по-голям от 20,0" in page
    assert f'href="http://testserver{url}"' in page  # back to the form
    assert not CaseDocument.objects.exists()


def test_a_body_just_within_the_limit_is_read(client, case, case_manager, settings):
    """The refusal is for bodies over the file limit plus the room for the form, not below."""
    settings.ZAKRILA_UPLOAD_MAX_BYTES = 4096
    client.force_login(case_manager)
    response = client.post(
        reverse("cases:document_new", args=[case.pk]),
        {"file": SimpleUploadedFile("решение.pdf", PDF), "title": "Решение", "kind": "court"},
    )
    assert response.status_code == 302
    assert CaseDocument.objects.count() == 1


class Counting(FileUploadHandler):
    """Sits after the limit handler and counts what reaches the handlers that store files."""

    received: list[int] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        Counting.received.append(0)

    def receive_data_chunk(self, raw_data, start):
        Counting.received[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def test_the_streaming_handler_drops_a_file_at_the_limit_and_the_form_says_so(
    client, case, case_manager, settings
):
    settings.ZAKRILA_UPLOAD_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_HANDLERS = [
        "zakrila.core.uploads.UploadLimitHandler",
        "tests.test_upload_limits.Counting",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything that got through would go to disk
    spool = Path(tempfile.mkdtemp())
    settings.FILE_UPLOAD_TEMP_DIR = str(spool)
    Counting.received = []
    client.force_login(case_manager)
    big = PDF + b"0" * (900 * 1024)  # under the declared-length fence (limit + 1 MB)
    response = client.post(
        reverse("cases:document_new", args=[case.pk]),
        {"file": SimpleUploadedFile("голям.pdf", big), "title": "Голям документ", "kind": "court"},
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "по-голям от 100,0" in errors
    assert "задължително" not in errors  # not "this field is required"
    assert 'value="Голям документ"' in response.content.decode()
    assert Counting.received == [] or max(Counting.received) <= 100 * 1024
    assert not list(spool.iterdir())
    assert not CaseDocument.objects.exists()
