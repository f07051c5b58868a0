"""PDF printing with WeasyPrint: HTML templates in Bulgarian, DejaVu fonts for every Cyrillic
letter, A4 with page numbers (see ``core/pdf_base.html``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from zakrila.core.downloads import name_download


def render_pdf(
    template: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    from weasyprint import HTML  # imported late: Pango loads only when a PDF is made

    html = render_to_string(template, context, request=request)
    return HTML(string=html).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    return name_download(response, filename, inline=True)
