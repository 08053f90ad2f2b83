"""A course's lessons in order, as every lesson page lists them, kept in the cache.

Each lesson page shows where it stands among its course's lessons and links the next and the
previous one, and 我的学习 counts each course's lessons: the same for every learner, read on every
page turn of a class. A course's list is kept under its page-cache version
(editorial.page_cache.page_version), which changes when any lesson under the course is published,
unpublished, moved or deleted.
"""

from django.core.cache import cache
from django.db.models import Q

from editorial.page_cache import page_versions

# v2: the lessons carry their kind (我的学习 finds the practical ones still to do).
OUTLINE_KEY = "courses:outline:v2:{}:{}"
OUTLINE_SECONDS = 60 * 60
OUTLINE_FIELDS = ("id", "title", "url_path", "path", "slug", "depth", "live", "kind")


def course_outline(course):
    """The course's live lessons, in order, with what a link and a list need."""
    return course_outlines([course])[course.pk]


def course_outlines(courses):
    """{course id: course_outline} of these courses: two cache reads, and one query for those
    not in the cache."""
    from .models import LessonPage

    courses = list(courses)
    versions = page_versions(courses)
    keys = {
        course.pk: OUTLINE_KEY.format(course.pk, versions[course.path])
        for course in courses
        if versions[course.path] is not None
    }
    found = cache.get_many(keys.values()) if keys else {}
    outlines = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in outlines]
    if missing:
        condition = Q()
        for course in missing:
            condition |= Q(path__startswith=course.path, depth=course.depth + 1)
        by_parent = {course.path: [] for course in missing}
        lessons = LessonPage.objects.live().filter(condition).order_by("path").only(*OUTLINE_FIELDS)
        for lesson in lessons:
            by_parent[lesson.path[: -LessonPage.steplen]].append(lesson)
        fresh = {course.pk: by_parent[course.path] for course in missing}
        cache.set_many(
            {keys[pk]: lessons for pk, lessons in fresh.items() if pk in keys},
            timeout=OUTLINE_SECONDS,
        )
        outlines.update(fresh)
    return outlines
