"""Hostile values for the fuzz test: boundaries, wrong types, malformed text; from a seeded RNG."""

import json
import string

HUGE = "9" * 23  # past 2**63: SQLite and PostgreSQL both refuse it as an integer
BOUNDARY_IDS = ["0", str(2**63 - 1), str(2**63), HUGE]

TEXT = [
    "",
    " ",
    "-1",
    "0",
    "1",
    "1.5",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e999",
    "-1e999",
    HUGE,
    "-" + HUGE,
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    "１２",  # full-width digits: Python's int() reads them
    "٣",
    "true",
    "null",
    "[]",
    "{}",
    '{"a": 1}',
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "1900-01-01",
    "2026-13-01",
    "00:00",
    "25:61",
    "-1/",
    "/",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "\\\\evil.example",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "a\x00b",
    "\x07\x08\x1b",
    "\r\n\t",
    "\u202e",
    "😀" * 10,
    '=HYPERLINK("http://evil.example","x")',
    "x" * 5000,
    "青" * 1000,
]

JSON_SCALARS = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    2**63,
    10**30,
    float("inf"),
    float("-inf"),
    float("nan"),
    "",
    "1",
    "x" * 2000,
    "\x00",
]

RAW_BODIES = [
    b"",
    b"{",
    b"[",
    b"null",
    b"[]",
    b'"text"',
    b"1e999",
    b"\xff\xfe\xfd",
    b'{"question": }',
    b"{" * 2000,
    b"[" * 5000 + b"]" * 5000,
]

# Form bodies that are not valid UTF-8 or not valid urlencoding at all.
RAW_FORMS = [
    b"next=%FF%FE&question=%C0%AF",
    b"\xff\xfe=\xfd",
    b"a=%%%&&&==",
    b"choices=1&choices=%00&choices=" + b"9" * 30,
]


class Values:
    """Random hostile values from one seeded generator, so a run can be repeated exactly."""

    def __init__(self, rng, ids=()):
        self.rng = rng
        self.ids = [str(i) for i in ids]

    def text(self):
        roll = self.rng.random()
        if self.ids and roll < 0.2:
            return self.rng.choice(self.ids)
        if roll < 0.3:
            size = self.rng.choice([1, 8, 64, 300])
            alphabet = string.printable + "青浦区消防\x00\x1f\x7f\u2028"
            return "".join(self.rng.choice(alphabet) for _ in range(size))
        return self.rng.choice(TEXT)

    def field_value(self):
        """One field's value: usually a string, sometimes a list (the field sent several times)."""
        if self.rng.random() < 0.15:
            return [self.text() for _ in range(self.rng.randint(2, 4))]
        return self.text()

    def json_value(self, depth=0):
        roll = self.rng.random()
        if depth < 2 and roll < 0.15:
            return [self.json_value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        if depth < 2 and roll < 0.25:
            return {self.text()[:20]: self.json_value(depth + 1) for _ in range(2)}
        if self.ids and roll < 0.45:
            value = self.rng.choice(self.ids)
            return int(value) if value.isdigit() and self.rng.random() < 0.7 else value
        return self.rng.choice(JSON_SCALARS)

    def json_body(self, keys):
        """A JSON body: usually an object with the endpoint's keys, sometimes anything else."""
        roll = self.rng.random()
        if roll < 0.15:
            return self.rng.choice(RAW_BODIES)
        if roll < 0.25:
            return json.dumps(self.json_value()).encode()
        body = {key: self.json_value() for key in keys if self.rng.random() < 0.85}
        # json.dumps writes NaN and Infinity, which Python's json.loads reads back.
        return json.dumps(body).encode()
