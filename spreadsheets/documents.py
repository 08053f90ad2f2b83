"""Uploaded text documents (a question bank in Word or plain text) read as numbered lines, bounded.

A .docx is a zip of XML parts, as an .xlsx is, and is as little to be trusted: a 100 KB file can
unpack to gigabytes, hold thousands of parts or declare an entity bomb. So, before python-docx
opens it: the file size, the number of zip members (from the end record, then the directory),
their declared unpacked sizes (in total and for each XML part; zipfile never unpacks more than a
member declares), encryption, any DTD in an XML part, and the number of paragraphs in the raw
document XML are checked. Only then is it parsed, and only the body's paragraphs are read.

A .txt is decoded as UTF-8 (with or without BOM) or GB18030 (Notepad and WPS on Chinese Windows),
and its lines are counted and measured as they are read. The limits are the setting
QUESTION_DOCUMENT_LIMITS, documented in the README.
"""

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from . import reading

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and every password-protected file
ZIP_SIGNATURE = b"PK\x03\x04"
# The main part is word/document.xml, or word/document2.xml as some Office versions save it.
DOCUMENT_PARTS = "word/document"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_P, W_T, W_TAB = f"{{{W_NS}}}p", f"{{{W_NS}}}t", f"{{{W_NS}}}tab"
W_BR, W_CR = f"{{{W_NS}}}br", f"{{{W_NS}}}cr"
DTD_STARTS = (b"<!DOCTYPE", b"<!ENTITY")
# How a paragraph starts in the raw XML; a prefix other than w: escapes the count, but the
# document part's unpacked size still bounds the parse.
PARAGRAPH_STARTS = (b"<w:p>", b"<w:p ", b"<w:p/>")


@dataclass(frozen=True)
class DocumentLimits:
    """What an uploaded document may hold (settings.QUESTION_DOCUMENT_LIMITS; see the README)."""

    file_bytes: int
    uncompressed_bytes: int
    xml_part_bytes: int
    zip_members: int
    lines: int
    line_chars: int
    questions: int
    field_chars: int

    @classmethod
    def from_settings(cls, name="QUESTION_DOCUMENT_LIMITS"):
        return cls(**getattr(settings, name))


@dataclass(frozen=True)
class Line:
    """One line of the document: its number (line of a .txt, paragraph of a .docx) and text."""

    number: int
    text: str
    # Word's automatic list numbering: the number shows on screen but is not in the text.
    auto_numbered: bool = False


class DocumentRefused(Exception):
    """The file is not a document we read, or is over a limit; the message says which."""


def refuse_size(limits):
    return DocumentRefused(str(reading.refuse_size(limits)))


def read_lines(extension, data, limits):
    """The document's lines, in order, empty ones included; raises DocumentRefused."""
    if len(data) > limits.file_bytes:
        raise refuse_size(limits)
    if extension == "docx":
        return _docx_lines(data, limits)
    return _text_lines(data, limits)


# .txt ------------------------------------------------------------------------------------------


def _text_lines(data, limits):
    if b"\x00" in data[:8192]:
        raise DocumentRefused(_("This file is not a plain text file (.txt)."))
    try:
        text = reading.decode_text(data)
    except UnicodeDecodeError as error:
        raise DocumentRefused(_("Save the text file as UTF-8 and upload it again.")) from error
    lines = []
    for number, line in enumerate(io.StringIO(text), start=1):
        _check_line(number, line, len(lines), limits)
        lines.append(Line(number, line.rstrip("\r\n")))
    return lines


def _check_line(number, text, count, limits):
    if count >= limits.lines:
        raise _refuse_lines(limits)
    if len(text) > limits.line_chars:
        raise DocumentRefused(
            _("Line %(line)s of the file is longer than %(chars)s characters.")
            % {"line": number, "chars": f"{limits.line_chars:,}"}
        )


def _refuse_lines(limits):
    return DocumentRefused(
        _(
            "The file has more than %(lines)s lines or paragraphs, counting empty ones. "
            "Split it into smaller files."
        )
        % {"lines": f"{limits.lines:,}"}
    )


# .docx -----------------------------------------------------------------------------------------


def _not_word():
    return DocumentRefused(_("This file is not a real Word document (.docx)."))


def _refuse_unpacked(limits):
    return DocumentRefused(
        _(
            "Unpacked, the Word file would be larger than %(megabytes)s MB, or holds more than "
            "%(members)s parts: it is not an ordinary question bank. Copy the text into a new "
            "document, or save it as plain text (.txt), and upload that."
        )
        % {"megabytes": reading.megabytes(limits.uncompressed_bytes), "members": limits.zip_members}
    )


def _docx_lines(data, limits):
    if data.startswith(CFB_SIGNATURE):
        raise DocumentRefused(
            _(
                "This file is password-protected or in the old .doc format. Remove the "
                "password, or save it as .docx in Word or WPS, and upload it again."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise _not_word()
    _check_member_count(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _not_word() from error
    with archive:
        try:
            _check_archive(archive, limits)
        except DocumentRefused:
            raise
        except Exception as error:
            raise _not_word() from error
    # Imported here: python-docx is needed only by this import.
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = list(document.element.body.iterchildren(W_P))
        numbered_styles = _numbered_styles(document)
    # python-docx, zipfile and lxml raise many kinds on a damaged file; all mean the same.
    except Exception as error:
        raise _not_word() from error
    lines = []
    for number, paragraph in enumerate(paragraphs, start=1):
        properties = paragraph.pPr
        auto_numbered = (
            properties is not None and properties.numPr is not None
        ) or paragraph.style in numbered_styles
        # A soft line break (Shift+Enter) is a line of its own, in the same paragraph.
        for part in _paragraph_text(paragraph).split("\n"):
            _check_line(number, part, len(lines), limits)
            lines.append(Line(number, part, auto_numbered))
    return lines


def _paragraph_text(paragraph):
    """The paragraph's text as Word shows it, tabs and line breaks included.

    Not python-docx's Paragraph.text: it runs an XPath query per paragraph and run, which grows
    with the document (40,000 paragraphs took 30 s). Text boxes anchored in the paragraph hold
    paragraphs of their own and are left out, as python-docx does; deleted text (w:delText) and
    field codes (w:instrText) are other tags.
    """
    pieces = []
    for element in paragraph.iter(W_T, W_TAB, W_BR, W_CR):
        if next(element.iterancestors(W_P)) is not paragraph:
            continue
        if element.tag == W_T:
            pieces.append(element.text or "")
        elif element.tag == W_TAB:
            pieces.append("\t")
        else:
            pieces.append("\n")  # a line, column or page break: the text after it is a new line
    return "".join(pieces)


def _numbered_styles(document):
    """Ids of the paragraph styles that number their paragraphs (List Number …), once per file;
    None stands for the default style. Looked up per paragraph, styles cost a search each."""
    from docx.enum.style import WD_STYLE_TYPE

    numbered = set()
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        current, depth = style, 0
        while current is not None and depth < 10:  # based on each other, possibly in a loop
            properties = current.element.pPr
            if properties is not None and properties.numPr is not None:
                numbered.add(style.style_id)
                if default is not None and style.style_id == default.style_id:
                    numbered.add(None)
                break
            current, depth = current.base_style, depth + 1
    return numbered


def _check_member_count(data, limits):
    if reading.declared_zip_members(data) > limits.zip_members:
        raise _refuse_unpacked(limits)


def _check_archive(archive, limits):
    """Refuse on the zip directory, then on the XML parts' raw bytes (each bounded by now)."""
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise _refuse_unpacked(limits)
    unpacked = 0
    xml_parts = []
    for member in members:
        if member.flag_bits & 0x1:
            raise DocumentRefused(
                _("This Word file is password-protected. Remove the password and upload it again.")
            )
        unpacked += member.file_size
        if member.filename.lower().endswith((".xml", ".rels")):
            if member.file_size > limits.xml_part_bytes:
                raise _refuse_unpacked(limits)
            xml_parts.append(member)
    if unpacked > limits.uncompressed_bytes:
        raise _refuse_unpacked(limits)
    for member in xml_parts:
        raw = archive.read(member)
        if any(needle in raw for needle in DTD_STARTS):
            raise _not_word()
        if member.filename.startswith(DOCUMENT_PARTS):
            paragraphs = sum(raw.count(start) for start in PARAGRAPH_STARTS)
            if paragraphs > limits.lines:
                raise _refuse_lines(limits)
