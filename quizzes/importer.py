"""Reading a question-bank spreadsheet (题库导入): every row checked, nothing saved here."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from spreadsheets import reading

from .models import LETTERS, Difficulty, Question, choice_set_errors, normalise_stem, stem_hash

# The columns of the template, as banks circulate them; the header row names them.
COLUMNS = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "标签",
    "难度",
]
CHOICE_COLUMNS = [c for c in COLUMNS if c.startswith("选项")]
KINDS = {
    "单选": Question.Kind.SINGLE,
    "单选题": Question.Kind.SINGLE,
    "single": Question.Kind.SINGLE,
    "多选": Question.Kind.MULTIPLE,
    "多选题": Question.Kind.MULTIPLE,
    "multiple": Question.Kind.MULTIPLE,
    "判断": Question.Kind.TRUE_FALSE,
    "判断题": Question.Kind.TRUE_FALSE,
    "truefalse": Question.Kind.TRUE_FALSE,
}
TRUE_FALSE_ANSWERS = {"对": "A", "正确": "A", "√": "A", "错": "B", "错误": "B", "×": "B"}
DIFFICULTIES = {"1": 1, "2": 2, "3": 3, "易": 1, "简单": 1, "中": 2, "中等": 2, "难": 3, "困难": 3}
EXAMPLE_ROWS = [
    [
        "单选",
        "消防工作贯彻的方针是什么？",
        "安全第一、综合治理",
        "预防为主、防消结合",
        "以消为主、防消并重",
        "",
        "",
        "",
        "B",
        "消防法第二条规定，消防工作贯彻预防为主、防消结合的方针。依据：《中华人民共和国消防法》第二条",
        "消防法规",
        "1",
    ],
    [
        "多选",
        "（示例）单位应当保障哪些通道畅通？",
        "疏散通道",
        "安全出口",
        "消防车通道",
        "仓库内部货架间距",
        "",
        "",
        "ABC",
        "消防法第十六条规定单位应当保障疏散通道、安全出口、消防车通道畅通。依据：《中华人民共和国消防法》第十六条",
        "单位责任、消防法规",
        "2",
    ],
    [
        "判断",
        "（示例）任何单位和成年人都有参加有组织的灭火工作的义务。",
        "正确",
        "错误",
        "",
        "",
        "",
        "",
        "对",
        "依据：《中华人民共和国消防法》第五条",
        "消防法规",
        "1",
    ],
]


@dataclass
class ImportRow:
    number: int
    stem: str = ""
    kind: str = ""
    kind_label: str = ""
    choices: list = field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    tags: list = field(default_factory=list)
    difficulty: int = Difficulty.MEDIUM
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def as_data(self):
        """What the confirm step needs, in a form the session can keep."""
        return {
            "stem": self.stem,
            "kind": self.kind,
            "choices": self.choices,
            "answer": self.answer,
            "explanation": self.explanation,
            "tags": self.tags,
            "difficulty": self.difficulty,
        }


@dataclass
class ImportPreview:
    rows: list = field(default_factory=list)
    error: str = ""
    # What a row's number counts: a sheet's rows, a text file's lines, a Word file's paragraphs.
    number_label: str = ""

    @property
    def valid_rows(self):
        return [r for r in self.rows if r.ok]

    @property
    def problem_rows(self):
        return [r for r in self.rows if not r.ok]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split_tags(value):
    return [t.strip() for t in re.split(r"[,，、;；/\s]+", value) if t.strip()][:10]


def limits():
    """The limits a question sheet is read within (settings.QUESTION_IMPORT_LIMITS)."""
    return reading.Limits.from_settings("QUESTION_IMPORT_LIMITS")


def read_workbook(uploaded):
    """Parse an uploaded .xlsx into checked rows; a file that is not one gives a readable error."""
    bounds = limits()
    if uploaded.size > bounds.file_bytes:
        return ImportPreview(error=str(reading.refuse_size(bounds)))
    return read_sheet(uploaded.name, uploaded.read())


def read_sheet(filename, data, *, csv_allowed=False, existing=None):
    """Checked rows of a sheet in the template; the demo's bank (a .csv) is read here too.

    `existing` is the stem hashes counted as already in the bank (default: the bank's own).
    """
    try:
        rows = reading.read_rows(filename, data, limits(), csv_allowed=csv_allowed)
    except reading.SheetRefused as error:
        return ImportPreview(error=str(error))
    if not rows:
        return ImportPreview(error=_("The file has no question rows."))
    (_header_number, header_values), raw = rows[0], rows[1:]
    header = [_text(v) for v in header_values]
    missing = [c for c in ("题型", "题干", "答案") if c not in header]
    if missing:
        return ImportPreview(
            error=_("The first row must name the template's columns; missing: %(columns)s.")
            % {"columns": "、".join(missing)}
        )
    position = {name: header.index(name) for name in COLUMNS if name in header}
    preview = ImportPreview()
    check_row = RowChecker(existing)
    for number, values in raw:

        def cell(name, values=values):
            index = position.get(name)
            return _text(values[index]) if index is not None and index < len(values) else ""

        if not any(_text(v) for v in values):
            continue
        preview.rows.append(check_row(number, cell))
    if not preview.rows:
        preview.error = _("The file has no question rows.")
    return preview


class RowChecker:
    """Checks one question after another, as the template's columns: `cell(column)` gives the
    text of a column. Shared by the sheet and the Word/text bank, so both find the same faults,
    duplicates of the bank and of earlier questions of the same file included."""

    def __init__(self, existing=None):
        # `existing`: the stem hashes counted as already in the bank (default: the bank's own).
        if existing is None:
            existing = set(Question.objects.values_list("stem_hash", flat=True))
        self.existing = existing
        self.seen = {}

    def __call__(self, number, cell):
        return _check_row(number, cell, self.existing, self.seen)


def _check_row(number, cell, existing, seen):
    row = ImportRow(number=number)
    row.stem = cell("题干")
    row.kind_label = cell("题型")
    row.kind = KINDS.get(row.kind_label.lower().replace(" ", ""), "")
    row.explanation = cell("解析")
    row.tags = _split_tags(cell("标签"))
    row.choices = [cell(c) for c in CHOICE_COLUMNS]
    while row.choices and not row.choices[-1]:
        row.choices.pop()
    if row.kind == Question.Kind.TRUE_FALSE and not row.choices:
        row.choices = ["正确", "错误"]
    answer = cell("答案").upper()
    if row.kind == Question.Kind.TRUE_FALSE:
        answer = TRUE_FALSE_ANSWERS.get(answer, answer)
    row.answer = "".join(sorted(set(re.sub(r"[\s,，、;；]+", "", answer))))
    level = cell("难度")
    if level:
        if level in DIFFICULTIES:
            row.difficulty = DIFFICULTIES[level]
        else:
            row.problems.append(_("Difficulty must be 1, 2 or 3."))

    if not normalise_stem(row.stem):
        row.problems.append(_("The question text is empty."))
    if not row.kind:
        row.problems.append(
            _("Unknown question type “%(kind)s”: use 单选, 多选 or 判断.")
            % {"kind": row.kind_label}
        )
    if "" in row.choices:
        row.problems.append(_("A choice is empty between filled ones."))
    if not row.answer:
        row.problems.append(_("No right answer given."))
    else:
        letters = LETTERS[: len(row.choices)]
        outside = [letter for letter in row.answer if letter not in letters]
        if outside:
            row.problems.append(
                _("Answer %(letters)s is not among the choices (%(choices)s).")
                % {"letters": "".join(outside), "choices": letters or "—"}
            )
        elif row.kind:
            row.problems.extend(
                str(e) for e in choice_set_errors(row.kind, [c in row.answer for c in letters])
            )
    if normalise_stem(row.stem):
        digest = stem_hash(row.stem)
        if digest in existing:
            row.problems.append(_("Duplicate: the bank already has this question."))
        elif digest in seen:
            row.problems.append(_("Duplicate of row %(row)s of this file.") % {"row": seen[digest]})
        else:
            seen[digest] = number
    return row


def template_sheets():
    """The template to fill in, for spreadsheets.writing: the header, three examples, notes."""
    from spreadsheets.writing import Layout

    notes = [
        "题型：单选、多选或判断。",
        "答案：选项字母，如 B；多选题写全部正确选项，如 ACD；判断题写 对/错 或 A/B。",
        "判断题可不填选项，默认“正确”“错误”。",
        "标签：题目所属主题，多个用顿号或逗号分隔，如 灭火器、消防法规。",
        "难度：1 易，2 中，3 难；不填为 2。",
        "解析：写明依据（法律条款或标准编号）。",
        "已在题库中的题目（题干相同）不会重复导入。",
    ]
    widths = [10, 50]  # the stem (column B) is the long one
    return [
        ("题库", [COLUMNS, *EXAMPLE_ROWS], Layout(widths=widths, bold_rows=frozenset({0}))),
        ("说明", [[line] for line in notes]),
    ]
