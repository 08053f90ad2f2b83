"""Every live course with its cover, as 我的学习 lists and suggests them, kept in the cache.

The same for everyone, read by every 我的学习: kept under the page tree's version
(editorial.page_cache.tree_version), which any publish, unpublish, move or delete changes, and a
view restriction's change too (it purges its page, and every purge includes the tree's root).
"""

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr

from editorial.page_cache import tree_version

CATALOGUE_KEY = "courses:catalogue:{}"
CATALOGUE_SECONDS = 60 * 60


def _live_courses():
    from wagtail.models import PageViewRestriction

    from .models import CoursePage

    above_or_self = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return list(
        CoursePage.objects.live()
        .select_related("cover_image")
        .annotate(restricted=Exists(above_or_self))
        .order_by("title")
    )


def live_courses():
    """Every live course by title, each marked `restricted` when a view restriction on it or a
    page above it keeps it from the public (what PageQuerySet.public() leaves out)."""
    version = tree_version()
    if version is None:
        return _live_courses()
    key = CATALOGUE_KEY.format(version)
    courses = cache.get(key)
    if courses is None:
        courses = _live_courses()
        cache.set(key, courses, timeout=CATALOGUE_SECONDS)
    return courses
