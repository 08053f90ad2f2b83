"""The printable PDF of a handbook, in Chinese, with no font files to ship.

reportlab's built-in CID font STSong-Light is rendered by every PDF reader from its own
Chinese fonts, so the file stays small and needs nothing installed on the server.
"""

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from django.utils.translation import gettext as _

FONT = "STSong-Light"


@cache
def cjk_styles():
    """Paragraph styles in the Chinese font, shared with the other PDFs of flowing text."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = {"fontName": FONT, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=20, leading=28, alignment=TA_CENTER, **base),
        "meta": ParagraphStyle(
            "meta", fontSize=10, leading=15, alignment=TA_CENTER, textColor=colors.grey, **base
        ),
        "intro": ParagraphStyle("intro", fontSize=11, leading=18, **base),
        "section": ParagraphStyle(
            "section", fontSize=15, leading=22, spaceBefore=4, spaceAfter=8, **base
        ),
        "item": ParagraphStyle(
            "item", fontSize=12, leading=18, textColor=colors.HexColor("#7a0f12"), **base
        ),
        "label": ParagraphStyle(
            "label", fontSize=9.5, leading=15, textColor=colors.HexColor("#4a5159"), **base
        ),
        "text": ParagraphStyle("text", fontSize=10.5, leading=16, **base),
    }


def paragraph(text, style):
    """Plain text as a paragraph (escaped, line breaks kept)."""
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _checkpoint_table(number, checkpoint, styles):
    rows = [
        [paragraph(f"{number}. {checkpoint['item']}", styles["item"]), ""],
    ]
    for label, key in (
        (_("Requirement"), "requirement"),
        (_("How to check"), "method"),
        (_("Basis"), "basis"),
        (_("Common hazards"), "hazards"),
    ):
        if checkpoint.get(key):
            rows.append(
                [paragraph(label, styles["label"]), paragraph(checkpoint[key], styles["text"])]
            )
    rows.append(
        [
            paragraph(_("Inspection result"), styles["label"]),
            paragraph(_("□ Meets　□ Does not meet　□ Not applicable"), styles["text"]),
        ]
    )
    table = Table(rows, colWidths=[26 * mm, 148 * mm])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#8c959f")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#fdecea")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, 5 * mm)])


def handbook_pdf(page):
    """The handbook as A4 PDF bytes: a title page part, then one page or more per section."""
    styles = cjk_styles()
    buffer = io.BytesIO()

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, page.title)
        canvas.drawRightString(192 * mm, 10 * mm, _("Page %(number)s") % {"number": document.page})
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=page.title,
        author=_("Fire safety learning platform"),
    )
    story = [
        paragraph(page.title, styles["title"]),
        paragraph(_("Place type: %(place)s") % {"place": page.place_type}, styles["meta"]),
        Spacer(1, 6 * mm),
    ]
    if page.intro:
        story += [paragraph(page.intro, styles["intro"]), Spacer(1, 6 * mm)]
    number = 0
    for index, section in enumerate(page.sections):
        if index:
            story.append(PageBreak())
        story.append(paragraph(section.value["title"], styles["section"]))
        for checkpoint in section.value["checkpoints"]:
            number += 1
            story.append(_checkpoint_table(number, checkpoint, styles))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
