"""The one stylesheet is edited by every area; a lost brace silently swallows the rules after it."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[2] / "site/static/css/site.css"


def test_every_block_of_the_stylesheet_is_closed_where_it_should_be():
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    depth, opened_at = 0, []
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            if char == "{":
                depth += 1
                opened_at.append(number)
            elif char == "}":
                depth -= 1
                assert depth >= 0, f"line {number} closes a block that was never opened"
                opened_at.pop()
        # Only @media and @supports blocks may stay open across lines; a rule never nests.
        if depth == 2:
            raise AssertionError(f"a block opened on line {opened_at[0]} is still open")
    assert depth == 0, f"blocks opened on lines {opened_at} are never closed"


def test_a_block_class_has_one_base_rule():
    """Two areas defining the same base class: the later silently overrides the other's look."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.S)
    outside_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", text)
    bases = re.findall(r"^(\.[a-z][a-z_-]*) \{", outside_media, flags=re.M)
    repeated = sorted({name for name in bases if bases.count(name) > 1})
    assert repeated == []
