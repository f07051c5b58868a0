"""Every download names its file the standard way (RFC 6266 with RFC 5987's ``filename*``), so a
Cyrillic case number survives, through one helper (``zakrila.core.downloads``)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.http import HttpResponse

from zakrila.core.downloads import content_disposition, download_filename, name_download

SRC = Path(__file__).resolve().parent.parent / "src" / "zakrila"


# RFC 6266: disposition type, the quoted ASCII name, then the RFC 5987 ext-value (attr-chars
# and %-escapes only), which a client prefers when it understands it.
HEADER = re.compile(
    r"""^(attachment|inline); filename="((?:[^"\\]|\\.)*)"; """
    r"""filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$"""
)


def offered_name(header: str) -> str:
    """The file name a client that follows RFC 6266 reads from the header."""
    match = HEADER.match(header)
    assert match, header
    return unquote(match.group(3), encoding="utf-8", errors="strict")


def test_a_cyrillic_case_number_survives_with_an_ascii_stand_in_for_old_clients():
    header = content_disposition("ЦОП-2026-0042-ипп-1.pdf")
    assert header == (
        'attachment; filename="TSOP-2026-0042-ipp-1.pdf"; '
        "filename*=UTF-8''%D0%A6%D0%9E%D0%9F-2026-0042-%D0%B8%D0%BF%D0%BF-1.pdf"
    )
    assert offered_name(header) == "ЦОП-2026-0042-ипп-1.pdf"
    assert header.isascii()


def test_a_pdf_shown_in_the_browser_is_inline_with_the_same_name():
    header = content_disposition("ЕКС-2026-007-bg.pdf", inline=True)
    assert header.startswith('inline; filename="EKS-2026-007-bg.pdf"; filename*=UTF-8')
    assert offered_name(header) == "ЕКС-2026-007-bg.pdf"


@pytest.mark.parametrize(
    ("name", "offered"),
    [
        ("Иван\u202egpj.exe\u202c", "Иванgpj.exe"),  # shown as "Иванexe.jpg" otherwise
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\мама\\решение.pdf", "решение.pdf"),
        ('доклад "окончателен";\r\nX-Evil: 1.pdf', 'доклад "окончателен";X-Evil: 1.pdf'),
        ("\x00\u2066\u2069", "file"),
        (".htaccess", "htaccess"),
        ("", "file"),
    ],
)
def test_the_name_offered_has_no_folders_control_or_bidi_characters(name, offered):
    assert download_filename(name) == offered
    header = content_disposition(name)
    assert offered_name(header) == offered
    response = name_download(HttpResponse(b""), name)  # a header Django accepts: no CR/LF
    assert response["Content-Disposition"] == header
    plain = re.search(r'filename="((?:[^"\\]|\\.)*)"', header)
    assert plain and plain.group(1).isascii()


def test_a_very_long_name_keeps_its_suffix():
    name = download_filename("д" * 500 + ".docx")
    assert len(name) == 180
    assert name.endswith(".docx")


def test_no_view_names_a_download_by_hand():
    """Only ``core/downloads.py`` writes the header: every other download goes through it."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "downloads.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(
            r"""["']Content-Disposition["']|as_attachment\s*=|filename\s*=\s*[^)]*FileResponse""",
            text,
        ):
            offenders.append(str(path.relative_to(SRC)))
        for call in re.finditer(r"FileResponse\((.*?)\)\n", text, re.S):
            if "filename" in call.group(1) or "as_attachment" in call.group(1):
                offenders.append(str(path.relative_to(SRC)))
    assert not offenders, f"Name downloads with zakrila.core.downloads.name_download: {offenders}"
