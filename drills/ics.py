"""A session as an iCalendar file (RFC 5545), for a phone's or a desktop's calendar."""

from datetime import UTC

from django.utils import timezone

# RFC 5545 3.1: lines of at most 75 octets, continued with CRLF and one space.
LINE_OCTETS = 75


def escape(text):
    """TEXT values: backslash, semicolon, comma and newlines escaped (RFC 5545 3.3.11)."""
    text = str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        # Continuation lines start with a space, which counts towards their 75 octets.
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def session_calendar(session, url, host, now=None):
    """The text of a VCALENDAR with the session as one VEVENT."""
    now = now or timezone.now()
    course = session.lesson.get_parent()
    description = "\n".join(part for part in (course.title, session.note) if part)
    status = "CANCELLED" if session.cancelled_at else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//fire-safety-learning//drills//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-session-{session.pk}@{host}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{escape(session.lesson.title)}",
        f"DESCRIPTION:{escape(description)}",
        f"LOCATION:{escape(session.place)}",
        f"URL:{url}",
        f"STATUS:{status}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
