"""Demo handbooks: every file of content/handbooks/, published under /handbooks/.

A check point names the lesson that teaches it as "course-slug/lesson-slug" (content/courses/),
since a file cannot know page ids; the loader finds the lesson page when it creates the handbook.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import CoursePage, LessonPage
from editorial import content_files
from editorial.content_files import ContentFileError
from editorial.demo import default_site_root

from .models import HandbookIndexPage, HandbookPage

LESSONS = "lessons"  # the key under which handbook_files() hands over the lesson references


def index_file():
    """检查手册's index fields from content/indexes.yaml, checked."""
    path, data = content_files.index_spec("handbooks")
    content_files.page(HandbookIndexPage, data, path=path, place=("handbooks",))
    return data


def _take_lessons(path, data, lesson_paths):
    """{(section, point): "course/lesson"} of the file, each replaced by None for the page check."""
    lessons = {}
    sections = data.get("sections")
    for s, section in enumerate(sections if isinstance(sections, list) else []):
        value = section.get("value") if isinstance(section, dict) else None
        points = value.get("checkpoints") if isinstance(value, dict) else None
        for p, point in enumerate(points if isinstance(points, list) else []):
            if not isinstance(point, dict) or point.get("lesson") in (None, ""):
                continue
            reference = point["lesson"]
            known = lesson_paths is None or reference in lesson_paths
            if not isinstance(reference, str) or reference.count("/") != 1 or not known:
                raise ContentFileError(
                    path,
                    _("No lesson “%(lesson)s” in content/courses/ (write course-slug/lesson-slug).")
                    % {"lesson": reference},
                    ("sections", s, "value", "checkpoints", p, "lesson"),
                )
            point["lesson"] = None
            lessons[(s, p)] = reference
    return lessons


def handbook_files(lesson_paths=None):
    """[(path, data)] of every handbook file, checked; a ContentFileError names the first problem.

    lesson_paths: the "course/lesson" slugs check points may name (None: not checked here).
    data[LESSONS] holds the check points' lesson references, for load().
    """
    handbooks = []
    for path in content_files.files("handbooks"):
        data = content_files.mapping(path, content_files.read(path))
        lessons = _take_lessons(path, data, lesson_paths)
        content_files.page(HandbookPage, data, path=path)
        data[LESSONS] = lessons
        handbooks.append((path, data))
    return handbooks


def _lesson_ids(references):
    """{"course/lesson": page id} of the references whose lesson exists."""
    ids = {}
    courses = {
        c.slug: c for c in CoursePage.objects.filter(slug__in={r.split("/")[0] for r in references})
    }
    for reference in references:
        course_slug, lesson_slug = reference.split("/")
        course = courses.get(course_slug)
        if course is None:
            continue
        lesson = LessonPage.objects.child_of(course).filter(slug=lesson_slug).first()
        if lesson is not None:
            ids[reference] = lesson.pk
    return ids


def load():
    """Create the index and any missing handbook; existing pages are left as editors made them."""
    home = default_site_root()
    if home is None:
        return
    with transaction.atomic():
        index = HandbookIndexPage.objects.first()
        if index is None:
            index = HandbookIndexPage(**index_file())
            home.add_child(instance=index)
            index.save_revision().publish()
        existing = set(HandbookPage.objects.values_list("slug", flat=True))
        for _path, data in handbook_files():
            lessons = data.pop(LESSONS)
            if data["slug"] in existing:
                continue
            ids = _lesson_ids(set(lessons.values()))
            for (s, p), reference in lessons.items():
                data["sections"][s]["value"]["checkpoints"][p]["lesson"] = ids.get(reference)
            handbook = HandbookPage(search_description=data["intro"][:150], **data)
            index.add_child(instance=handbook)
            handbook.save_revision().publish()
