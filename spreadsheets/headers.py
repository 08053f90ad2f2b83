"""Finding the table in a sheet: which row names the columns, and which column is which field.

People's sheets start with a title ("朱家角镇2026年度消防安全培训人员名单"), a note, an empty
row, and name their columns in their own words (手机号码, 所属单位, 岗位). An import gives a
synonyms table, {field: (heading, …)}; this module finds the first row among the first ones that
names the fields it must have, and maps every column to a field, or to nothing. Headings a
person has mapped before (`remembered`, {heading: field}) count before the synonyms, so the
same sheet next month needs no second mapping.
"""

from dataclasses import dataclass, field

from . import normalise

SEARCHED_ROWS = 10


@dataclass
class Header:
    """The header row found in a sheet and what its columns mean."""

    row: int  # the sheet's row number
    labels: list  # the headings as written, by column index ("" where empty)
    columns: dict = field(default_factory=dict)  # field → column index, where it is clear
    ambiguous: dict = field(default_factory=dict)  # field → [column index, …] that all match


def lookup(synonyms):
    """{cleaned heading: field} from {field: (heading, …)}; the field's own name counts too."""
    table = {}
    for name, headings in synonyms.items():
        for heading in (name, *headings):
            table.setdefault(normalise.label(heading), name)
    return table


def match_columns(labels, synonyms, remembered=None):
    """(columns, ambiguous) for one row of headings; see Header."""
    table = lookup(synonyms)
    remembered = {normalise.label(key): value for key, value in (remembered or {}).items()}
    by_field = {}
    chosen = {}
    for index, text in enumerate(labels):
        heading = normalise.label(text)
        if not heading:
            continue
        if remembered.get(heading) in synonyms:
            chosen.setdefault(remembered[heading], []).append(index)
        elif heading in table:
            by_field.setdefault(table[heading], []).append(index)
    columns, ambiguous = {}, {}
    for name in synonyms:
        # A remembered heading settles its field; other columns named like it are then unused.
        indexes = chosen.get(name) or by_field.get(name) or []
        if len(indexes) == 1:
            columns[name] = indexes[0]
        elif indexes:
            ambiguous[name] = indexes
    return columns, ambiguous


def find_header(rows, synonyms, required, remembered=None, searched=SEARCHED_ROWS):
    """The first of the first `searched` rows whose headings name every group in `required`.

    `rows` are (row number, values) as spreadsheets.reading gives them (empty rows already
    left out); `required` is a list of groups of fields, each satisfied by any one of its
    fields, e.g. [("name",), ("phone", "number")]. Returns a Header, or None.
    """
    for number, values in rows[:searched]:
        labels = [normalise.text(value) for value in values]
        columns, ambiguous = match_columns(labels, synonyms, remembered)
        found = set(columns) | set(ambiguous)
        if all(found.intersection(group) for group in required):
            return Header(row=number, labels=labels, columns=columns, ambiguous=ambiguous)
    return None


def column_letters(index):
    """The sheet's letters of a 0-based column index: 0 → A, 27 → AB."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
