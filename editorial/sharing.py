"""Sharing a page: a QR code for posters, and the text a chat app shows in a link card."""

import io

import segno

from django.http import HttpResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator


def qr_code_response(request, page):
    """An SVG QR code of the page's public address, for printing on a poster."""
    qr = segno.make(request.build_absolute_uri(page.url), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=2, title=page.title)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="qr-{page.pk}.svg"'
    return response


def share_description(page, fallback=""):
    """The page's search description, or a short plain-text excerpt of its own text."""
    text = page.search_description or strip_tags(str(fallback or ""))
    return Truncator(" ".join(text.split())).chars(120)
