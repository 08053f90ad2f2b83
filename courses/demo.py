"""Demo courses from content/courses/*.yaml, district requirements and some progress.

Each course file holds the course page's fields, its requirements and its lessons (each lesson's
fields, the body as StreamField JSON, and for a quiz lesson the slug of its quiz in
content/quizzes/quizzes.yaml; a practical lesson its skills checklist). Every file is checked
before anything is saved.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demo import ensure_user
from editorial import content_files
from editorial.content_files import ContentFileError
from editorial.demo import default_site_root
from organisations.models import Membership, Organisation
from quizzes.models import Quiz
from videos import demo as videos_demo
from videos.models import Video

from . import services
from .models import (
    CampaignPage,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    TrainingRequirement,
)
from .quiz_link import carry_over_scores

COURSE_KEYS = ("tags", "requirements", "lessons")
LESSON_KEYS = ("quiz",)
REQUIREMENT_KEYS = {"organisation", "roles", "due_date", "renewal_months"}


def course_files(quiz_slugs=None):
    """[(path, data)] of every course file, checked; `quiz_slugs`: the quizzes lessons may name.

    Raises ContentFileError (file, line, place) on the first problem.
    """
    courses = []
    for path in content_files.files("courses"):
        data = content_files.mapping(path, content_files.read(path))
        content_files.page(CoursePage, data, path=path, extra=COURSE_KEYS)
        lessons = data.get("lessons")
        if not isinstance(lessons, list) or not lessons:
            raise ContentFileError(path, _("A course needs a list of lessons."), ("lessons",))
        demo_videos = videos_demo.video_titles()
        for index, lesson in enumerate(lessons):
            place = ("lessons", index)
            _name_videos(lesson, demo_videos, path, place)
            content_files.page(LessonPage, lesson, path=path, place=place, extra=LESSON_KEYS)
            is_quiz = lesson.get("kind") == LessonPage.Kind.QUIZ
            if is_quiz and not lesson.get("quiz"):
                raise ContentFileError(
                    path, _("A quiz lesson names its quiz (“quiz”)."), (*place, "kind")
                )
            if lesson.get("quiz") and not is_quiz:
                raise ContentFileError(
                    path, _("Only a lesson of kind “quiz” names a quiz."), (*place, "quiz")
                )
            if lesson.get("skills") and lesson.get("kind") != LessonPage.Kind.PRACTICAL:
                raise ContentFileError(
                    path,
                    _("Only a lesson of kind “practical” has a skills checklist (“skills”)."),
                    (*place, "skills"),
                )
            if is_quiz and quiz_slugs is not None and lesson["quiz"] not in quiz_slugs:
                raise ContentFileError(
                    path,
                    _("No quiz “%(slug)s” in content/quizzes/quizzes.yaml.")
                    % {"slug": lesson["quiz"]},
                    (*place, "quiz"),
                )
        for index, requirement in enumerate(data.get("requirements") or []):
            place = ("requirements", index)
            content_files.mapping(path, requirement, place)
            if set(requirement) - REQUIREMENT_KEYS or not {"organisation", "roles"} <= set(
                requirement
            ):
                raise ContentFileError(
                    path,
                    _("A requirement has the keys %(keys)s.")
                    % {"keys": ", ".join(sorted(REQUIREMENT_KEYS))},
                    place,
                )
            try:
                TrainingRequirement(
                    roles=requirement["roles"],
                    due_date=requirement.get("due_date"),
                    renewal_months=requirement.get("renewal_months"),
                ).clean_fields(exclude=["course", "organisation"])
            except ValidationError as error:
                name, messages = next(iter(error.message_dict.items()))
                raise ContentFileError(path, " ".join(messages), (*place, name)) from error
        courses.append((path, data))
    return courses


def _name_videos(lesson, demo_videos, path, place):
    """Video blocks name a demo video of content/videos.yaml by title: its id, or no block.

    A video that was not made (no ffmpeg) leaves its block out; _course then makes the lesson
    a reading one, as for a missing quiz.
    """
    body = lesson.get("body")
    if not isinstance(body, list):
        return
    kept = []
    for index, item in enumerate(body):
        value = item.get("value") if isinstance(item, dict) else None
        title = value.get("video") if isinstance(value, dict) else None
        if item.get("type") == "video" and isinstance(title, str):
            if title not in demo_videos:
                raise ContentFileError(
                    path,
                    _("No video “%(title)s” in content/videos.yaml.") % {"title": title},
                    (*place, "body", index, "value", "video"),
                )
            video = Video.objects.filter(title=title).first()
            if video is None:
                continue
            item = {**item, "value": {**value, "video": video.pk}}
        kept.append(item)
    lesson["body"] = kept


def load():
    home = default_site_root()
    if home is None:
        return
    specs = [data for _path, data in course_files()]
    with transaction.atomic():
        index = _course_index(home)
        courses = {spec["slug"]: _course(index, spec) for spec in specs}
        _requirements(courses, specs)
    _progress(courses)
    _campaigns(index, courses)
    # The quizzes demo graded its attempts before these courses existed.
    for course in courses.values():
        carry_over_scores(course)


def index_file():
    """课程中心's fields from content/indexes.yaml, checked."""
    path, data = content_files.index_spec("courses")
    content_files.page(CourseIndexPage, data, path=path, place=("courses",))
    return data


def _course_index(home):
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(**index_file())
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def _course(index, spec):
    course = CoursePage.objects.filter(slug=spec["slug"]).first()
    if course is not None:
        return course
    fields = {k: v for k, v in spec.items() if k not in COURSE_KEYS}
    course = CoursePage(search_description=spec["summary"][:150], **fields)
    index.add_child(instance=course)
    course.tags.add(*spec.get("tags", []))
    course.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        fields = {k: v for k, v in lesson_spec.items() if k not in LESSON_KEYS}
        quiz = None
        if fields.get("kind") == LessonPage.Kind.QUIZ:
            quiz = Quiz.objects.filter(slug=lesson_spec["quiz"]).first()
            if quiz is None:  # removed by an editor since: the lesson is read, not taken
                fields["kind"] = LessonPage.Kind.READING
        lesson = LessonPage(quiz=quiz, **fields)
        if lesson.kind == LessonPage.Kind.VIDEO and lesson.video is None:
            lesson.kind = LessonPage.Kind.READING  # its demo video was not made (no ffmpeg)
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def _requirements(courses, specs):
    for spec in specs:
        for requirement in spec.get("requirements") or []:
            organisation = (
                Organisation.objects.filter(name=requirement["organisation"])
                .order_by("depth")
                .first()
            )
            if organisation is None or spec["slug"] not in courses:
                continue
            TrainingRequirement.objects.get_or_create(
                course=courses[spec["slug"]],
                organisation=organisation,
                defaults={
                    "roles": requirement["roles"],
                    "due_date": requirement.get("due_date"),
                    "renewal_months": requirement.get("renewal_months"),
                },
            )


def progress_file(courses=None, usernames=None, campaign_slugs=None):
    """content/progress.yaml, checked; what it may name: `courses` ({slug: number of lessons}),
    `usernames` (the demo accounts), `campaign_slugs`."""
    path = content_files.content_dir() / "progress.yaml"
    data = content_files.mapping(path, content_files.read(path))
    for index, entry in enumerate(data.get("enrolments") or []):
        place = ("enrolments", index)
        content_files.mapping(path, entry, place)
        unknown = sorted(set(entry) - {"user", "course", "lessons", "days_ago"})
        if unknown:
            raise ContentFileError(
                path, _("Unknown key “%(key)s”.") % {"key": unknown[0]}, (*place, unknown[0])
            )
        if usernames is not None and entry.get("user") not in usernames:
            raise ContentFileError(
                path,
                _("No demo account “%(name)s” in content/organisations.yaml.")
                % {"name": entry.get("user")},
                (*place, "user"),
            )
        if courses is not None and entry.get("course") not in courses:
            raise ContentFileError(
                path,
                _("No course “%(slug)s” in content/courses/.") % {"slug": entry.get("course")},
                (*place, "course"),
            )
        for key, low, high in (
            ("lessons", 1, courses[entry["course"]] if courses else 1000),
            ("days_ago", 0, 3650),
        ):
            value = entry.get(key)
            if (value is not None or key == "days_ago") and (
                not isinstance(value, int) or not low <= value <= high
            ):
                raise ContentFileError(
                    path,
                    _("“%(key)s” must be a whole number from %(low)s to %(high)s.")
                    % {"key": key, "low": low, "high": high},
                    (*place, key),
                )
    students = content_files.mapping(path, data.get("campaign_students"), ("campaign_students",))
    if campaign_slugs is not None and students.get("campaign") not in campaign_slugs:
        raise ContentFileError(
            path,
            _("No campaign “%(slug)s” in content/campaigns/.") % {"slug": students.get("campaign")},
            ("campaign_students", "campaign"),
        )
    sizes = students.get("class_sizes")
    if not isinstance(sizes, list) or not all(isinstance(n, int) and 0 <= n <= 60 for n in sizes):
        raise ContentFileError(
            path,
            _("“%(key)s” must be a list of whole numbers from 0 to 60.") % {"key": "class_sizes"},
            ("campaign_students", "class_sizes"),
        )
    return data


def _progress(courses):
    User = get_user_model()
    now = timezone.now()
    for entry in progress_file()["enrolments"]:
        username, slug, days_ago = entry["user"], entry["course"], entry["days_ago"]
        lesson_count = entry.get("lessons")
        user = User.objects.filter(username=username).first()
        course = courses.get(slug)
        if (
            user is None
            or course is None
            or Enrolment.objects.filter(user=user, course=course).exists()
        ):
            continue
        when = now - timedelta(days=days_ago)
        services.start_course(user, course, now=when)
        lessons = list(course.get_lessons())
        for offset, lesson in enumerate(lessons[:lesson_count] if lesson_count else lessons):
            services.complete_lesson(user, lesson, now=when + timedelta(minutes=20 * offset))


CAMPAIGN_KEYS = ("course", "target")


def campaign_files(course_slugs=None):
    """[(path, data)] of content/campaigns/*.yaml, checked; `course_slugs`: what they may name."""
    campaigns = []
    for path in content_files.files("campaigns"):
        data = content_files.mapping(path, content_files.read(path))
        content_files.page(CampaignPage, data, path=path, extra=CAMPAIGN_KEYS)
        for key in CAMPAIGN_KEYS:
            if not data.get(key):
                raise ContentFileError(path, _("“%(key)s” is required.") % {"key": key}, (key,))
        if course_slugs is not None and data["course"] not in course_slugs:
            raise ContentFileError(
                path,
                _("No course “%(slug)s” in content/courses/.") % {"slug": data["course"]},
                ("course",),
            )
        campaigns.append((path, data))
    return campaigns


def _campaigns(index, courses):
    for _path, data in campaign_files():
        _campaign(index, courses.get(data["course"]), data)


def _campaign(index, course, data):
    """The campaign for its target, class join codes, and for one campaign students' progress."""
    target = Organisation.objects.filter(name=data["target"]).order_by("depth").first()
    if course is None or target is None:
        return
    campaign = CampaignPage.objects.filter(slug=data["slug"]).first()
    if campaign is None:
        fields = {k: v for k, v in data.items() if k not in CAMPAIGN_KEYS}
        campaign = CampaignPage(course=course, target=target, **fields)
        index.add_child(instance=campaign)
        campaign.save_revision().publish()
    classes = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.CLASS, path__startswith=target.path
        ).order_by("path")
    )
    for klass in classes:
        services.ensure_class_join_code(klass)
    students = progress_file()["campaign_students"]
    if campaign.slug == students["campaign"]:
        _campaign_students(classes, course, campaign.starts_on, students["class_sizes"])


def _campaign_students(classes, course, starts_on, class_sizes):
    """示例学生NN in the demo classes; most finish on a day of the window, some not yet."""
    joined = timezone.make_aware(datetime.combine(starts_on - timedelta(days=7), time(9)))
    lessons = list(course.get_lessons())
    number = 0
    for klass, size in zip(classes, class_sizes, strict=False):
        for seat in range(1, size + 1):
            number += 1
            user = ensure_user(f"demo-pupil-{number:02d}", f"示例学生{number:02d}")
            Membership.objects.current().get_or_create(
                user=user,
                organisation=klass,
                role=Membership.Role.STUDENT,
                defaults={"number": f"{20 + seat:02d}", "started_at": joined},
            )
            if Enrolment.objects.filter(user=user, course=course).exists():
                continue
            if number % 5 == 0:
                continue  # not started
            day = starts_on + timedelta(days=(number * 7) % 29)
            when = timezone.make_aware(datetime.combine(day, time(16, number % 60)))
            done = lessons if number % 6 else lessons[:1]  # every sixth is still in progress
            services.start_course(user, course, now=when)
            for offset, lesson in enumerate(done):
                services.complete_lesson(user, lesson, now=when + timedelta(minutes=10 * offset))
