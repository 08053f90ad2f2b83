"""The printable A4 poster for a join code: organisation, role, the code in large type, a QR code.

Chinese text uses reportlab's built-in CID font STSong-Light, which every PDF reader renders
without a font file on the server.
"""

import io

import segno
from reportlab.lib.colors import HexColor, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from django.utils.translation import gettext as _

FONT = "STSong-Light"
RED = HexColor("#a4161a")


def _register_font():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _centred_lines(pdf, text, font_size, y, max_width):
    """Draw text centred, wrapped by character (Chinese has no spaces to wrap at)."""
    lines, line = [], ""
    for char in text:
        if pdfmetrics.stringWidth(line + char, FONT, font_size) > max_width:
            lines.append(line)
            line = char
        else:
            line += char
    if line:
        lines.append(line)
    pdf.setFont(FONT, font_size)
    for text_line in lines:
        pdf.drawCentredString(A4[0] / 2, y, text_line)
        y -= font_size * 1.3
    return y


def _draw_qr(pdf, url, x, y, size):
    qr = segno.make(url, error="m")
    modules = qr.matrix
    border = 2
    count = len(modules) + 2 * border
    cell = size / count
    pdf.setFillColor(black)
    # Dark runs of a row are drawn as one rectangle, a hair taller than a module, so printers
    # and screen rasterisers leave no white seams between modules.
    for row_index, row in enumerate(modules):
        col_index = 0
        while col_index < len(row):
            if not row[col_index]:
                col_index += 1
                continue
            run_start = col_index
            while col_index < len(row) and row[col_index]:
                col_index += 1
            pdf.rect(
                x + (run_start + border) * cell,
                y + size - (row_index + border + 1) * cell - cell * 0.02,
                (col_index - run_start) * cell,
                cell * 1.04,
                stroke=0,
                fill=1,
            )


def join_code_poster_pdf(join_code, join_url):
    """The poster as PDF bytes."""
    _register_font()
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{join_code.organisation.name} {join_code.code}")
    margin = 20 * mm
    text_width = width - 2 * margin

    pdf.setFillColor(RED)
    pdf.rect(0, height - 32 * mm, width, 32 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(FONT, 26)
    pdf.drawCentredString(width / 2, height - 20 * mm, _("Fire safety learning platform"))

    pdf.setFillColor(black)
    y = height - 52 * mm
    y = _centred_lines(pdf, join_code.organisation.full_name(), 22, y, text_width)
    y -= 2 * mm
    pdf.setFillColor(HexColor("#444444"))
    y = _centred_lines(
        pdf,
        _("Join as: %(role)s") % {"role": join_code.get_role_display()},
        16,
        y,
        text_width,
    )

    qr_size = 90 * mm
    qr_top = y - 6 * mm
    _draw_qr(pdf, join_url, (width - qr_size) / 2, qr_top - qr_size, qr_size)
    y = qr_top - qr_size - 8 * mm

    pdf.setFillColor(black)
    y = _centred_lines(pdf, _("Scan the code with your phone, or open"), 14, y, text_width)
    y = _centred_lines(pdf, join_url.rsplit("/", 2)[0] + "/", 14, y, text_width)
    y = _centred_lines(pdf, _("and enter this join code:"), 14, y, text_width)
    y -= 8 * mm
    pdf.setFillColor(RED)
    pdf.setFont(FONT, 44)
    spaced = " ".join(join_code.code)
    pdf.drawCentredString(width / 2, y - 10 * mm, spaced)
    y -= 24 * mm

    pdf.setFillColor(HexColor("#444444"))
    if join_code.expires_at:
        expiry = join_code.expires_at.astimezone().strftime("%Y-%m-%d")
        y = _centred_lines(pdf, _("Valid until %(date)s") % {"date": expiry}, 12, y, text_width)
    pdf.setFont(FONT, 10)
    pdf.drawCentredString(
        width / 2, 15 * mm, _("In a fire, call 119 at once. Report fire hazards on 96119.")
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def join_code_qr_svg(join_url):
    """The QR code alone as inline SVG, for the coordinator's page."""
    return segno.make(join_url, error="m").svg_inline(scale=4, border=2)
