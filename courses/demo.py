"""Demo courses from courses/demo_content.py, district requirements and some progress."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from accounts.demo import ensure_user
from editorial.demo import default_site_root
from organisations.models import Membership, Organisation
from quizzes.models import Quiz

from . import services
from .demo_content import COURSES
from .models import (
    CampaignPage,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    TrainingRequirement,
)
from .quiz_link import carry_over_scores

LESSON_KINDS = {kind.value for kind in LessonPage.Kind}

# The quizzes demo publishes these quizzes under stable slugs (docs/quizzes.md).
COURSE_QUIZZES = {
    "unit-responsible-persons": "responsible-person-quiz",
    "control-room-operators": "control-room-operator-exam",
    "e-bike-fire-safety": "e-bike-fire-safety-quiz",
    "extinguisher-and-hydrant": "extinguisher-hydrant-quiz",
    "first-lesson-autumn-2026": "school-first-lesson-quiz",
    "grassroots-inspection-essentials": "grassroots-inspection-quiz",
}


def _paragraph(text):
    return text if text.lstrip().startswith("<") else f"<p>{escape(text)}</p>"


def lesson_body(blocks):
    """Turn the plain demo blocks into StreamField values of LessonBodyBlock."""
    body = []
    for block in blocks:
        kind, value = block["type"], block["value"]
        if kind == "heading":
            body.append({"type": "heading", "value": {"text": value, "level": "h2"}})
        elif kind == "paragraph":
            body.append({"type": "paragraph", "value": _paragraph(value)})
        elif kind == "callout":
            body.append(
                {
                    "type": "callout",
                    "value": {**value, "text": _paragraph(value["text"])},
                }
            )
        elif kind == "steps":
            steps = [{"title": s["title"], "text": s["text"], "image": None} for s in value]
            body.append({"type": "steps", "value": {"heading": "", "steps": steps}})
        elif kind == "key_points":
            body.append({"type": "key_points", "value": {"heading": "", "points": value}})
        elif kind == "faq":
            items = [{"question": i["question"], "answer": _paragraph(i["answer"])} for i in value]
            body.append({"type": "faq", "value": {"heading": "", "items": items}})
    return body


def load():
    home = default_site_root()
    if home is None:
        return
    with transaction.atomic():
        index = _course_index(home)
        courses = {spec["slug"]: _course(index, spec) for spec in COURSES}
        _requirements(courses)
    _progress(courses)
    _campaign(index, courses.get(CAMPAIGN_COURSE))
    # The quizzes demo graded its attempts before these courses existed.
    for course in courses.values():
        carry_over_scores(course)


def _course_index(home):
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(
            title="课程中心",
            slug="courses",
            intro="消防安全责任人、管理人、消控室值班操作人员轮训，实操培训与开学第一课。",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def _course(index, spec):
    course = CoursePage.objects.filter(slug=spec["slug"]).first()
    if course is not None:
        return course
    course = CoursePage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        audience_roles=spec["audience_roles"],
        estimated_minutes=spec["minutes"],
        credit_hours=spec["credit_hours"],
        validity_months=spec["validity_months"],
        has_certificate=spec["certificate"],
        search_description=spec["summary"][:150],
    )
    index.add_child(instance=course)
    course.tags.add(*spec["tags"])
    course.save_revision().publish()
    for lesson_spec in spec["lessons"]:
        kind = lesson_spec["kind"] if lesson_spec["kind"] in LESSON_KINDS else "reading"
        quiz = None
        if kind == LessonPage.Kind.QUIZ:
            quiz = Quiz.objects.filter(slug=COURSE_QUIZZES.get(spec["slug"], "")).first()
            if quiz is None:
                kind = LessonPage.Kind.READING
        lesson = LessonPage(
            title=lesson_spec["title"],
            slug=lesson_spec["slug"],
            kind=kind,
            quiz=quiz,
            body=lesson_body(lesson_spec.get("body", [])),
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


REQUIREMENTS = [
    # (course slug, organisation name, roles, due date, renewal months)
    ("unit-responsible-persons", "青浦区", ["responsible", "manager"], date(2026, 12, 31), 12),
    ("control-room-operators", "青浦区", ["operator"], date(2026, 12, 31), 12),
    ("first-lesson-autumn-2026", "青浦区", ["student", "teacher"], date(2026, 9, 30), None),
    ("e-bike-fire-safety", "朱家角镇", ["staff"], date(2027, 3, 31), None),
    ("grassroots-inspection-essentials", "青浦区", ["cadre"], date(2027, 6, 30), None),
]


def _requirements(courses):
    for slug, organisation_name, roles, due, renewal in REQUIREMENTS:
        organisation = Organisation.objects.filter(name=organisation_name).order_by("depth").first()
        if organisation is None or slug not in courses:
            continue
        TrainingRequirement.objects.get_or_create(
            course=courses[slug],
            organisation=organisation,
            defaults={"roles": roles, "due_date": due, "renewal_months": renewal},
        )


PROGRESS = [
    # (username, course slug, lessons to complete (None = all), days ago)
    ("responsible", "unit-responsible-persons", None, 345),
    ("manager", "unit-responsible-persons", 2, 6),
    ("operator", "control-room-operators", None, 400),
    ("staff", "e-bike-fire-safety", 1, 3),
    ("student", "first-lesson-autumn-2026", 2, 60),
    ("teacher", "first-lesson-autumn-2026", None, 70),
    ("volunteer", "extinguisher-and-hydrant", 2, 10),
]


def _progress(courses):
    User = get_user_model()
    now = timezone.now()
    for username, slug, lesson_count, days_ago in PROGRESS:
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


CAMPAIGN_COURSE = "first-lesson-autumn-2026"
CAMPAIGN_SLUG = "first-lesson-2026-campaign"
CAMPAIGN_START, CAMPAIGN_END = date(2026, 9, 1), date(2026, 9, 30)
# Invented students per demo class (in the order of organisations.demo.SCHOOLS' classes).
CAMPAIGN_CLASS_SIZES = [6, 8, 5, 7, 6, 4]


def _campaign(index, course):
    """2026年秋季消防安全开学第一课 for 青浦区, class join codes, and students' completions."""
    district = Organisation.objects.filter(name="青浦区", depth=1).first()
    if course is None or district is None:
        return
    campaign = CampaignPage.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        campaign = CampaignPage(
            title="2026年秋季消防安全开学第一课",
            slug=CAMPAIGN_SLUG,
            intro=(
                "9月开学第一个月，青浦区中小学同学和老师一起学习“不玩火、会报警、会逃生”。"
                "同学们用班级加入码加入自己的班级，再学习课程。"
            ),
            body=[
                {
                    "type": "paragraph",
                    "value": "<p>活动时间：2026年9月1日至9月30日。参加对象：全区中小学学生和老师。"
                    "老师在本页生成班级加入码，发给本班同学；各校参与情况在下方实时公布，"
                    "只显示人数和比例，不显示姓名。</p>",
                }
            ],
            course=course,
            starts_on=CAMPAIGN_START,
            ends_on=CAMPAIGN_END,
            target=district,
            require_training=True,
        )
        index.add_child(instance=campaign)
        campaign.save_revision().publish()
    classes = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.CLASS, path__startswith=district.path
        ).order_by("path")
    )
    for klass in classes:
        services.ensure_class_join_code(klass)
    _campaign_students(classes, course)


def _campaign_students(classes, course):
    """示例学生NN in the demo classes; most finish on a day of the window, some not yet."""
    joined = timezone.make_aware(datetime.combine(CAMPAIGN_START - timedelta(days=7), time(9)))
    lessons = list(course.get_lessons())
    number = 0
    for klass, size in zip(classes, CAMPAIGN_CLASS_SIZES, strict=False):
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
            day = CAMPAIGN_START + timedelta(days=(number * 7) % 29)
            when = timezone.make_aware(datetime.combine(day, time(16, number % 60)))
            done = lessons if number % 6 else lessons[:1]  # every sixth is still in progress
            services.start_course(user, course, now=when)
            for offset, lesson in enumerate(done):
                services.complete_lesson(user, lesson, now=when + timedelta(minutes=10 * offset))
