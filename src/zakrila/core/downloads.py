"""How every download names its file: one helper for PDFs, spreadsheets, JSON and documents.

``Content-Disposition`` carries the name twice, as RFC 6266 (§4.3, appendix D) advises: a
plain ASCII ``filename="…"`` for old clients (Bulgarian letters transliterated by the law, so
"ЦОП-2026-0042.pdf" becomes "TSOP-2026-0042.pdf"), then ``filename*=UTF-8''…`` (RFC 5987,
percent-encoded UTF-8) with the real name, which every current browser prefers. The name is
cleaned first: no folders, no control or bidirectional characters, never empty.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import quote

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from zakrila.core.text import without_bidi_controls

R = TypeVar("R", bound=HttpResponseBase)

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._()+-]+")


def download_filename(name: str, *, default: str = "file") -> str:
    """The name without folders, control characters (bidirectional ones included) and leading
    dots, at most 180 characters (its suffix kept); ``default`` when nothing is left."""
    name = without_bidi_controls(name).replace("\\", "/")
    name = PurePosixPath(name).name if "/" in name else name
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = " ".join(name.split()).lstrip(".").strip()
    if len(name) > 180:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: 180 - len(suffix)] + suffix
    return name or default


def ascii_filename(name: str) -> str:
    """A plain-ASCII stand-in for old clients: Bulgarian transliterated, accents dropped,
    anything else an underscore."""
    from zakrila.people.names import to_latin  # the law's table; imported late (core is lower)

    plain = unicodedata.normalize("NFKD", to_latin(name)).encode("ascii", "ignore").decode()
    plain = _NOT_PLAIN.sub("_", plain).strip("_")
    return plain or "file"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The ``Content-Disposition`` value for a download (``inline``: shown in the browser)."""
    name = download_filename(filename)
    plain = content_disposition_header(not inline, ascii_filename(name)) or "attachment"
    return f"{plain}; filename*=UTF-8''{quote(name, safe='')}"


def name_download(response: R, filename: str, *, inline: bool = False) -> R:
    """Name the response's file (for PDFs, spreadsheets, JSON and documents alike)."""
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_download(content: bytes, filename: str) -> HttpResponse:
    """An Excel workbook as a named download."""
    return name_download(HttpResponse(content, content_type=XLSX), filename)
