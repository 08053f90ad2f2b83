"""The certificate as an A4 PDF with Chinese text and a QR code to its verification page."""

import io

import segno
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from django.utils import timezone
from django.utils.translation import gettext as _

# A CID font reportlab ships: Chinese renders with no font file to install.
CJK_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _date(moment):
    return timezone.localtime(moment).strftime("%Y年%m月%d日")


def _hours(value):
    return f"{value.normalize():f}" if value is not None else ""


def render_certificate_pdf(certificate, verify_url, issuer=""):
    """``issuer`` is the organiser named in the site footer setting; blank leaves the line out."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{certificate.course_title} · {certificate.holder_name}")

    pdf.setStrokeColorRGB(0.64, 0.09, 0.1)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    pdf.setFillColorRGB(0.64, 0.09, 0.1)
    pdf.setFont(CJK_FONT, 30)
    pdf.drawCentredString(width / 2, height - 45 * mm, _("Certificate of fire-safety training"))
    pdf.setFillColorRGB(0.1, 0.1, 0.1)
    pdf.setFont(CJK_FONT, 22)
    pdf.drawCentredString(width / 2, height - 75 * mm, certificate.holder_name)
    pdf.setFont(CJK_FONT, 15)
    pdf.drawCentredString(
        width / 2,
        height - 92 * mm,
        _("has completed the course «%(course)s»") % {"course": certificate.course_title},
    )
    lines = [
        _("Credit hours: %(hours)s") % {"hours": _hours(certificate.course.credit_hours)},
        _("Date of completion: %(date)s") % {"date": _date(certificate.issued_at)},
    ]
    if certificate.expires_at:
        lines.append(_("Valid until: %(date)s") % {"date": _date(certificate.expires_at)})
    lines.append(_("Verification code: %(code)s") % {"code": certificate.code})
    if issuer:
        lines.append(_("Issued by: %(issuer)s") % {"issuer": issuer})
    pdf.setFont(CJK_FONT, 12)
    y = height - 115 * mm
    for line in lines:
        pdf.drawString(40 * mm, y, line)
        y -= 9 * mm
    pdf.drawString(40 * mm, 30 * mm, _("Check this certificate at: %(url)s") % {"url": verify_url})

    qr_png = io.BytesIO()
    segno.make(verify_url, error="m").save(qr_png, kind="png", scale=6, border=2)
    qr_png.seek(0)
    size = 45 * mm
    pdf.drawImage(ImageReader(qr_png), width - 40 * mm - size, 35 * mm, size, size)
    pdf.setFont(CJK_FONT, 9)
    pdf.drawCentredString(width - 40 * mm - size / 2, 31 * mm, _("Scan to verify"))

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
