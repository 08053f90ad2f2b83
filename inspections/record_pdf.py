"""A signed round as a printable A4 record for the unit's 消防档案.

Titled 单位防火巡查记录 or 单位防火检查记录 by the round's kind.

The same font and styles as the handbook's PDF (handbooks.pdf): reportlab's CID font, no font
file on the server. The record is the round as signed, each correction after it, and each
hazard with its state and history when the PDF is made.
"""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from handbooks.pdf import FONT, cjk_styles, paragraph

from .models import Round

GRID = colors.HexColor("#8c959f")
# The CID font has no middle dot (·): lists in the PDF are separated by Chinese commas.
HEAD = colors.HexColor("#fdecea")


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def record_title(round_):
    if round_.kind == Round.Kind.PATROL:
        return _("Unit fire patrol record")
    return _("Unit fire inspection record")


def _table(rows, widths, header=True):
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD))
    table.setStyle(TableStyle(style))
    return table


def _facts(round_, styles):
    revision = round_.handbook_revision_id or "—"
    facts = [
        (_("Unit"), round_.unit.name),
        (_("Kind"), round_.get_kind_display()),
        (
            _("Handbook"),
            _("%(title)s (version %(revision)s)")
            % {"title": round_.handbook_title, "revision": revision},
        ),
        (_("Started"), _when(round_.started_at)),
        (_("Inspector"), round_.inspector_name),
        (_("Signed at"), _when(round_.signed_at)),
        (_("Signed in the account of"), round_.signed_by.name if round_.signed_by else ""),
    ]
    rows = [
        [paragraph(label, styles["label"]), paragraph(value, styles["text"])]
        for label, value in facts
    ]
    return _table(rows, [40 * mm, 134 * mm], header=False)


def _answer_text(answer):
    if answer is None:
        return ""
    text = answer.get_result_display()
    return f"{text}\n{answer.note}" if answer.note else text


def _hazard_text(hazard):
    if hazard is None:
        return ""
    state = _("Overdue (逾期)") if hazard.is_overdue else hazard.get_state_display()
    lines = [
        f"{hazard.get_severity_display()}，{state}",
        _("Deadline %(date)s") % {"date": hazard.deadline.isoformat()},
        _("Responsible: %(name)s") % {"name": hazard.responsible.name},
    ]
    for entry in hazard.entries.all():
        if entry.kind == entry.Kind.FOUND:
            continue
        line = f"{_when(entry.at)} {entry.get_kind_display()}，{entry.actor_name}"
        if entry.data.get("note"):
            line += f"：{entry.data['note']}"
        for label, before, after in entry.changes():
            line += f"；{label} {before} → {after}"
        lines.append(line)
    return "\n".join(lines)


def _points_table(rows, styles):
    header = [
        paragraph(text, styles["label"])
        for text in (
            pgettext("record row", "No."),
            _("Check point"),
            _("Result and note"),
            _("Hazard"),
        )
    ]
    body = []
    for row in rows:
        result = _answer_text(row.signed)
        if row.corrections:
            result += "\n" + _("Corrected, see corrections")
        point = f"{row.point.item}\n{row.point.section_title}"
        if row.point.basis:
            point += "\n" + _("Basis: %(basis)s") % {"basis": row.point.basis}
        body.append(
            [
                paragraph(str(row.point.order), styles["text"]),
                paragraph(point, styles["text"]),
                paragraph(result, styles["text"]),
                paragraph(_hazard_text(row.hazard), styles["text"]),
            ]
        )
    return _table([header, *body], [12 * mm, 60 * mm, 46 * mm, 56 * mm])


def _corrections_table(rows, styles):
    header = [
        paragraph(text, styles["label"])
        for text in (
            pgettext("record row", "No."),
            _("Before"),
            _("Corrected to"),
            _("Reason, by, when"),
        )
    ]
    body = []
    for row in rows:
        for correction in row.corrections:
            body.append(
                [
                    paragraph(str(row.point.order), styles["text"]),
                    paragraph(_answer_text(correction.corrects), styles["text"]),
                    paragraph(_answer_text(correction), styles["text"]),
                    paragraph(
                        f"{correction.reason}\n"
                        f"{correction.answered_by.name if correction.answered_by else ''} "
                        f"{_when(correction.answered_at)}",
                        styles["text"],
                    ),
                ]
            )
    return _table([header, *body], [12 * mm, 50 * mm, 50 * mm, 62 * mm]) if body else None


def _signatures(round_, styles):
    signed = _("Inspector (signed on the platform): %(name)s　Time: %(time)s") % {
        "name": round_.inspector_name,
        "time": _when(round_.signed_at),
    }
    blanks = _("Fire safety manager (signature): ____________　Date: ____________")
    return KeepTogether(
        [
            Spacer(1, 8 * mm),
            paragraph(signed, styles["text"]),
            Spacer(1, 6 * mm),
            paragraph(blanks, styles["text"]),
        ]
    )


def round_record_pdf(round_, rows):
    """The signed round as A4 PDF bytes; rows are inspections.records.round_record(round_)."""
    styles = cjk_styles()
    title = record_title(round_)
    buffer = io.BytesIO()
    printed = _("Printed %(time)s") % {"time": _when(timezone.now())}

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, f"{round_.unit.name}　{title}　{printed}")
        canvas.drawRightString(192 * mm, 10 * mm, _("Page %(number)s") % {"number": document.page})
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{title}　{round_.unit.name}",
        author=_("Fire safety learning platform"),
    )
    story: list = [
        paragraph(title, styles["title"]),
        Spacer(1, 4 * mm),
        _facts(round_, styles),
        Spacer(1, 6 * mm),
        paragraph(_("Check points"), styles["section"]),
        _points_table(rows, styles),
    ]
    corrections = _corrections_table(rows, styles)
    if corrections is not None:
        story += [
            Spacer(1, 6 * mm),
            paragraph(_("Corrections"), styles["section"]),
            paragraph(
                _("Filed after sign-off; the answers as signed stay above."), styles["label"]
            ),
            Spacer(1, 2 * mm),
            corrections,
        ]
    story.append(_signatures(round_, styles))
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
