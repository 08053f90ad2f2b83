"""Site-wide search: which pages match, in what order, and what each result shows."""

import re

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from wagtail.models import Page
from wagtail.search.query import And, Or, PlainText

from alerts.models import AlertPage, RiskAlertPage
from courses.models import CoursePage, LessonPage
from handbooks.models import HandbookPage

from .models import HomePage

# Enough for any real query on a district site; results past this are not worth paging to.
MAX_RESULTS = 200
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30

# What a reader searching for a topic wants first: the course, the handbook, the case; a quiz
# lesson only repeats a course's words in its questions.
_FIRST, _LESSONS, _INDEXES, _QUIZZES = range(4)


def _tier(page):
    if isinstance(page, (CoursePage, HandbookPage, AlertPage)):
        return _FIRST
    if isinstance(page, LessonPage):
        return _QUIZZES if page.kind == LessonPage.Kind.QUIZ else _LESSONS
    return _INDEXES


def search_pages(groups):
    """Live public pages matching every group of words, best first (a list, at most MAX_RESULTS)."""
    query = And([Or([PlainText(word) for word in group]) for group in groups])
    # An expired risk alert answers 404 to the public, so it must not be offered here.
    expired = RiskAlertPage.objects.filter(valid_to__lt=timezone.localdate()).values("pk")
    found = list(
        Page.objects.live()
        .public()
        .not_type(HomePage)
        .exclude(pk__in=expired)
        .specific()
        .search(query)[:MAX_RESULTS]
    )
    # Within a tier, pages whose title holds more of the words first; sorted() is stable, so the
    # backend's relevance order decides the rest.
    return sorted(found, key=lambda page: (_tier(page), -_title_hits(page, groups)))


def _title_hits(page, groups):
    title = page.title.lower()
    return sum(any(word in title for word in group) for group in groups)


def describe(results, groups):
    """Each result as a dict with its page, parent course (for lessons) and marked snippet."""
    parents = {page.path[: -Page.steplen] for page in results if isinstance(page, LessonPage)}
    courses = {course.path: course for course in CoursePage.objects.filter(path__in=parents)}
    words = sorted({word for group in groups for word in group}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return [
        {
            "page": page,
            "course": courses.get(page.path[: -Page.steplen])
            if isinstance(page, LessonPage)
            else None,
            "snippet": snippet(_plain_text(page), pattern),
        }
        for page in results
    ]


def _plain_text(page):
    if not hasattr(page, "search_plain_text"):
        return page.search_description or ""
    # The title is shown as the result's link; the snippet starts after it.
    return page.search_plain_text().removeprefix(page.title)


def snippet(text, pattern):
    """A stretch of the text around the first matching word, every match wrapped in <mark>."""
    text = " ".join(text.split())
    first = pattern.search(text)
    start = max(0, first.start() - SNIPPET_LEAD) if first else 0
    window = text[start : start + SNIPPET_LENGTH]
    parts, last = ["…" if start else ""], 0
    for match in pattern.finditer(window):
        parts.append(window[last : match.start()])
        parts.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    parts.append(window[last:])
    parts.append("…" if start + SNIPPET_LENGTH < len(text) else "")
    # format_html_join escapes the plain parts and keeps the <mark> ones.
    return format_html_join("", "{}", ((part,) for part in parts))
