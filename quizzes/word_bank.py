"""Reading a question bank kept in Word (.docx) or plain text (.txt), in the usual 题库 layout.

Question by question, the text becomes what a row of the template holds (题型, 题干, 选项A–F,
答案, 解析, 标签, 难度) and goes through the same checks as a sheet's rows
(importer.RowChecker); nothing is saved here. The layout read, line by line:

    一、单选题（每题1分）          a section sets the type of the questions below it
    1. 消防工作贯彻的方针是什么？   1.  1、  1．  (1)  （1）  第1题
    A. …   B. …                  A.  A、  A．  A:  A）, one per line or several on one line
    答案：B                      【答案】B, 正确答案：ABD; 判断: 对/错, √/×, 正确/错误
    解析：…                      【解析】…, continued on the lines below
    标签：灭火器、消防法规         optional, as the template's columns; 难度：1/2/3 or 易/中/难

Without a section the type is inferred from the answer: 对/错 → 判断, one letter → 单选,
several → 多选. An answer written in the stem's brackets (发现火灾应立即拨打（B）) counts when
there is no answer line; the brackets are emptied either way, so learners never see the answer.
Lines before the first question (the document's title, notes) are skipped; any other line that
is not understood is a problem of its question, never dropped silently.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from spreadsheets import documents

from .importer import CHOICE_COLUMNS, ImportPreview, ImportRow, RowChecker
from .models import LETTERS, Choice

NUMERALS = "一二三四五六七八九十"
FULL_WIDTH_DIGITS = "０-９"
# 一、单选题（每题1分，共20题）, （二）多选题, 第三部分 判断题: any "…题" after a section number.
HEADING_NUMBER = (
    rf"(?:[{NUMERALS}]+\s*[、.．]|[(（]\s*[{NUMERALS}]+\s*[)）]"
    rf"|第[{NUMERALS}]+(?:部分|章|节)\s*[:：、]?)"
)
SECTION_NUMBERED = re.compile(
    rf"^{HEADING_NUMBER}\s*(\S{{1,10}}?题)\s*(?:[(（][^)）]*[)）])?\s*[:：]?\s*$"
)
# A numbered heading that names no type of question: 二、消防法规, （一）灭火器.
SUBHEADING = re.compile(rf"^{HEADING_NUMBER}\s*\S.{{0,30}}$")
# Without a section number only the known names count: "消防知识竞赛题" is a title.
SECTION_PLAIN = re.compile(
    r"^(单项选择题|单选题|多项选择题|多选题|判断题|是非题)\s*(?:[(（][^)）]*[)）])?\s*[:：]?\s*$"
)
SECTION_KINDS = {
    "单选题": "单选",
    "单项选择题": "单选",
    "多选题": "多选",
    "多项选择题": "多选",
    "判断题": "判断",
    "是非题": "判断",
    "判断正误题": "判断",
}
# Sections that do not say how many answers: the type comes from the answer, as without one.
INFERRED_SECTIONS = {"选择题", "不定项选择题"}
STEM = re.compile(
    rf"^(?:第\s*)?[0-9{FULL_WIDTH_DIGITS}]{{1,5}}\s*(?:题\s*)?[.．、:：](?![0-9{FULL_WIDTH_DIGITS}])"
    r"\s*(.*)$"
)
STEM_BRACKETED = re.compile(rf"^[(（]\s*[0-9{FULL_WIDTH_DIGITS}]{{1,5}}\s*[)）]\s*(.*)$")
# An option's letter: not glued to a Latin letter or digit before it (CO2, GB50016), and
# followed by its separator; on one line the letters must follow each other (A, B, C …).
OPTION_MARK = re.compile(r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])([A-HＡ-Ｈ])\s*[.．、:：)）]")
ANSWER_WORDS = "正确答案|参考答案|标准答案|答案"
EXPLANATION_WORDS = "答案解析|试题解析|解析"
TAG_WORDS = "标签|知识点|主题"
DIFFICULTY_WORDS = "难度"


def _marker(words):
    """`words：text`, `words text` or `【words】text` at the start of a line."""
    return re.compile(
        rf"^(?:[【\[]\s*(?:{words})\s*[】\]]\s*[:：]?|(?:{words})\s*(?:[:：]|\s))\s*(.*)$"
    )


MARKERS = [
    # Longest first: 答案解析 is an explanation, not an answer.
    ("explanation", _marker(EXPLANATION_WORDS)),
    ("answer", _marker(ANSWER_WORDS)),
    ("tags", _marker(TAG_WORDS)),
    ("difficulty", _marker(DIFFICULTY_WORDS)),
]
# Where an answer or explanation starts in the middle of a line ("D. … 答案：D 解析：…"):
# bracketed anywhere, bare only after a space.
MID_LINE_MARK = re.compile(
    rf"[【\[]\s*(?:{EXPLANATION_WORDS}|{ANSWER_WORDS})\s*[】\]]"
    rf"|(?<=\s)(?:{EXPLANATION_WORDS}|{ANSWER_WORDS})\s*[:：]"
)
INLINE_ANSWER = re.compile(r"[(（]\s*([A-HＡ-Ｈ]{1,8}|[√×✓✔✗✘]|对|错|正确|错误)\s*[)）]")
BLANK = "（  ）"
TRUE_FALSE_WORDS = {
    "对": "对",
    "正确": "对",
    "√": "对",
    "✓": "对",
    "✔": "对",
    "错": "错",
    "错误": "错",
    "×": "错",
    "✗": "错",
    "✘": "错",
    "X": "错",
}
TRUE_FALSE_CHOICES = (["正确", "错误"], ["对", "错"])


@dataclass
class Draft:
    """One question as read so far, with the line it starts on."""

    number: int
    place: str  # "第 3 行" or "第 3 段", for the messages
    section: str
    numbered: bool = True
    stem: list = field(default_factory=list)
    options: list = field(default_factory=list)
    answer: str | None = None
    explanation: list = field(default_factory=list)
    tags: str = ""
    difficulty: str = ""
    last: str = "stem"
    problems: list = field(default_factory=list)


def read_bank(uploaded):
    """Parse an uploaded .docx or .txt bank into checked rows; a refused file gives its reason."""
    limits = documents.DocumentLimits.from_settings()
    extension = uploaded.name.rsplit(".", 1)[-1].lower()
    if extension == "docx":
        label, where = _("Paragraph"), lambda n: _("paragraph %(number)s") % {"number": n}
    else:
        label, where = _("Line"), lambda n: _("line %(number)s") % {"number": n}
    if uploaded.size > limits.file_bytes:
        return ImportPreview(error=str(documents.refuse_size(limits)))
    try:
        lines = documents.read_lines(extension, uploaded.read(), limits)
        drafts = parse(lines, limits, where)
    except documents.DocumentRefused as error:
        return ImportPreview(error=str(error))
    if not drafts:
        return ImportPreview(
            error=_(
                "No questions were found. Number each question (1. or 1、), put each choice "
                "after its letter (A. or A、) and the answer after 答案：, as in the samples."
            )
        )
    check = RowChecker()
    return ImportPreview(rows=[_finish(d, check, limits) for d in drafts], number_label=label)


def parse(lines, limits, where):
    """The drafts of the document's questions, in order; raises DocumentRefused if too many."""
    drafts = []
    section = ""

    def start(number, text, numbered=True):
        if len(drafts) >= limits.questions:
            raise documents.DocumentRefused(
                _("The file has more than %(count)s questions. Split it into smaller files.")
                % {"count": f"{limits.questions:,}"}
            )
        drafts.append(Draft(number=number, place=where(number), section=section, numbered=numbered))
        if text:
            drafts[-1].stem.append(text)

    for line in lines:
        for text in _segments(line.text.strip()):
            heading = SECTION_NUMBERED.match(text) or SECTION_PLAIN.match(text)
            if heading:
                section = heading.group(1)
                continue
            in_explanation = drafts and drafts[-1].last == "explanation"
            if SUBHEADING.match(text) and not in_explanation:
                continue  # （一）消防法规: a topic heading inside a section, not a question's text
            stem = STEM.match(text) or STEM_BRACKETED.match(text)
            if stem:
                start(line.number, stem.group(1).strip())
                continue
            kind, value = _classify(text)
            if kind == "text" and line.auto_numbered:
                start(line.number, text)
                drafts[-1].problems.append(
                    _(
                        "%(where)s is numbered by Word's automatic numbering, which is not part "
                        "of the text: type the question numbers, or save the document as plain "
                        "text (.txt) and upload that."
                    )
                    % {"where": where(line.number)}
                )
                continue
            if not drafts:
                if kind == "text":
                    continue  # the document's title and notes, above the first question
                start(line.number, "", numbered=False)
            _add(drafts[-1], where(line.number), kind, value)
    return drafts


def _segments(text):
    """A line cut where an answer or explanation starts in its middle."""
    if not text:
        return []
    cuts = [m.start() for m in MID_LINE_MARK.finditer(text) if m.start() > 0]
    bounds = [0, *cuts, len(text)]
    pieces = (text[a:b].strip() for a, b in itertools.pairwise(bounds))
    return [piece for piece in pieces if piece]


def _classify(text):
    for kind, pattern in MARKERS:
        match = pattern.match(text)
        if match:
            return kind, match.group(1).strip()
    options = _options_in(text)
    if options:
        return "options", options
    return "text", text


def _options_in(text):
    """[(letter, text)] when the line starts with an option's letter, else None."""
    marks = []
    for match in OPTION_MARK.finditer(text):
        letter = unicodedata.normalize("NFKC", match.group(1))
        if not marks:
            if match.start() != 0:
                return None
            marks.append((letter, match.start(), match.end()))
        elif letter in LETTERS and LETTERS.index(letter) == LETTERS.index(marks[-1][0]) + 1:
            marks.append((letter, match.start(), match.end()))
    if not marks:
        return None
    ends = [start for _letter, start, _end in marks[1:]] + [len(text)]
    return [
        (letter, text[end:stop].strip())
        for (letter, _start, end), stop in zip(marks, ends, strict=True)
    ]


def _add(draft, place, kind, value):
    after_answer = draft.answer is not None or draft.explanation
    if kind == "options":
        if after_answer:
            draft.problems.append(
                _("%(where)s: a choice after the answer; choices come before 答案：.")
                % {"where": place}
            )
            return
        for letter, text in value:
            expected = LETTERS[len(draft.options)] if len(draft.options) < len(LETTERS) else "—"
            if letter != expected:
                draft.problems.append(
                    _("%(where)s: choice %(letter)s where %(expected)s was expected.")
                    % {"where": place, "letter": letter, "expected": expected}
                )
            draft.options.append(text)
        draft.last = "option"
    elif kind == "answer":
        if draft.answer is not None:
            draft.problems.append(
                _("%(where)s: a second answer line for the same question.") % {"where": place}
            )
        else:
            draft.answer = value
        draft.last = "answer"
    elif kind == "explanation":
        draft.explanation.append(value)
        draft.last = "explanation"
    elif kind in ("tags", "difficulty"):
        setattr(draft, kind, value)
        draft.last = kind
    elif draft.last == "explanation":
        draft.explanation.append(value)
    elif draft.last == "stem":
        draft.stem.append(value)
    elif draft.last == "option":
        # A choice too long for one line, wrapped by hand.
        draft.options[-1] += value
    else:
        draft.problems.append(
            _(
                "%(where)s is not a question, choice, answer or explanation: “%(text)s”. "
                "Put an explanation after 解析：."
            )
            % {"where": place, "text": value[:40]}
        )


def _normalise_answer(text):
    text = unicodedata.normalize("NFKC", text or "").upper()
    text = re.sub(r"[\s,，、;；.。]+", "", text)
    return TRUE_FALSE_WORDS.get(text, text)


def _kind_label(draft, answer):
    if draft.section in SECTION_KINDS:
        return SECTION_KINDS[draft.section]
    if draft.section and draft.section not in INFERRED_SECTIONS:
        return draft.section  # 填空题, 简答题 …: refused by the checks, with its name
    if answer in ("对", "错"):
        return "判断"
    letters = {c for c in answer if c in LETTERS}
    if len(letters) > 1:
        return "多选"
    return "单选" if letters or draft.options else "判断"


def _finish(draft, check, limits):
    """The draft as a checked row: the template's checks plus the layout's own."""
    if not draft.numbered:
        row = ImportRow(number=draft.number)
        row.problems.append(
            _(
                "%(where)s: a choice or answer with no numbered question above it; "
                "number the question (1. or 1、)."
            )
            % {"where": draft.place}
        )
        return row
    problems = list(draft.problems)
    stem = "\n".join(draft.stem).strip()
    answer = _normalise_answer(draft.answer)
    inline = INLINE_ANSWER.findall(stem)
    if len(inline) == 1:
        stem = INLINE_ANSWER.sub(BLANK, stem)
        written = _normalise_answer(inline[0])
        if not answer:
            answer = written
        elif written != answer:
            problems.append(
                _(
                    "The answer in the question's brackets (%(inline)s) differs from "
                    "答案 (%(answer)s)."
                )
                % {"inline": written, "answer": answer}
            )
    kind_label = _kind_label(draft, answer)
    options = [o.strip() for o in draft.options]
    if kind_label == "判断" and options:
        if options in TRUE_FALSE_CHOICES:
            options = []  # the same two choices the import fills in
        else:
            problems.append(
                _(
                    "A true/false question has no choices of its own (this one has %(letters)s). "
                    "If it is a choice question, move it to the 单选题 or 多选题 section."
                )
                % {"letters": LETTERS[0] + "–" + LETTERS[min(len(options), len(LETTERS)) - 1]}
            )
            options = []
    if len(options) > len(CHOICE_COLUMNS):
        problems.append(
            _("A question has at most %(count)s choices.") % {"count": len(CHOICE_COLUMNS)}
        )
        options = options[: len(CHOICE_COLUMNS)]
    problems.extend(_length_problems(stem, options, draft.explanation, limits))
    values = {
        "题型": kind_label,
        "题干": stem,
        "答案": answer,
        "解析": "\n".join(draft.explanation).strip(),
        "标签": draft.tags,
        "难度": unicodedata.normalize("NFKC", draft.difficulty).strip(),
    }
    values.update(zip(CHOICE_COLUMNS, options, strict=False))
    row = check(draft.number, lambda name: values.get(name, ""))
    row.problems.extend(problems)
    return row


def _length_problems(stem, options, explanation, limits):
    problems = []
    if len(stem) > limits.field_chars:
        problems.append(
            _("The question text is longer than %(chars)s characters.")
            % {"chars": f"{limits.field_chars:,}"}
        )
    if sum(len(line) for line in explanation) > limits.field_chars:
        problems.append(
            _("The explanation is longer than %(chars)s characters.")
            % {"chars": f"{limits.field_chars:,}"}
        )
    longest = Choice._meta.get_field("text").max_length
    for letter, text in zip(LETTERS, options, strict=False):
        if len(text) > longest:
            problems.append(
                _("Choice %(letter)s is longer than %(chars)s characters.")
                % {"letter": letter, "chars": longest}
            )
    return problems
