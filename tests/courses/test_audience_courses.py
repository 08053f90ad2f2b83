"""Every audience of the policy's section 十一 has its course in the demo, with a requirement
for the right people and a quiz the bank can fill."""

import re

import pytest

from django.core.management import call_command

from courses.models import CoursePage, LessonPage, TrainingRequirement
from quizzes.models import Question

pytestmark = pytest.mark.django_db

# course slug → (organisation required at, roles, quiz kinds allowed)
AUDIENCES = {
    "home-fire-safety-for-older-people": ("青浦区", ["cadre"], {"truefalse"}),
    "volunteer-fire-science-speaker": ("示例‘蓝朋友’消防科普志愿服务队", ["volunteer"], None),
    "volunteer-firefighting-skills": ("示例朱家角镇志愿消防队", ["volunteer"], None),
    "pre-job-fire-safety": ("朱家角镇", ["staff"], None),
    "kindergarten-teachers-fire-safety": ("示例朱家角幼儿园", ["teacher", "staff"], None),
    "fire-safety-in-military-training": ("示例青浦区职业学校", ["student"], None),
}


def test_each_audience_has_a_live_course_a_requirement_and_a_quiz_the_bank_can_fill(client):
    call_command("load_demo")
    for slug, (organisation, roles, kinds) in AUDIENCES.items():
        course = CoursePage.objects.live().get(slug=slug)
        requirement = TrainingRequirement.objects.get(course=course)
        assert (requirement.organisation.name, requirement.roles) == (organisation, roles)
        lessons = [lesson.specific for lesson in course.get_children().live()]
        quizzes = [lesson.quiz for lesson in lessons if lesson.kind == LessonPage.Kind.QUIZ]
        assert len(quizzes) == 1 and quizzes[0] is not None, slug
        for rule in quizzes[0].draw_rules.all():
            questions = Question.objects.filter(tags=rule.tag)
            assert questions.count() >= rule.count, (slug, rule.tag.name)
            if kinds:
                assert set(questions.values_list("kind", flat=True)) <= kinds
        for lesson in lessons:
            page = client.get(lesson.url)
            assert page.status_code == 200
            assert b"data-read-aloud" in page.content


def test_the_course_for_older_people_has_short_lessons_without_citations(client):
    call_command("load_demo")
    course = CoursePage.objects.get(slug="home-fire-safety-for-older-people")
    for lesson in course.get_children().specific():
        text = str(lesson.body)
        assert len(text) < 2500, lesson.slug
        assert "依据" not in text and "《" not in text, lesson.slug
        assert not re.search(r"第[一二三四五六七八九十百零]+条", text), lesson.slug
        callouts = [block.value for block in lesson.body if block.block_type == "callout"]
        assert not any(value["citation"] for value in callouts), lesson.slug


def test_each_reading_lesson_for_older_people_opens_with_a_large_picture_described(client):
    call_command("load_demo")
    course = CoursePage.objects.get(slug="home-fire-safety-for-older-people")
    readings = [p for p in course.get_children().live().specific() if p.kind == "reading"]
    assert len(readings) == 5
    for lesson in readings:
        html = client.get(lesson.url).content.decode()
        figure = re.search(r'<figure class="block-image">\s*<img ([^>]*)>', html)
        assert figure, lesson.slug
        assert re.search(r'width="960"', figure[1]) and re.search(r'alt="[^"]{10,}"', figure[1])
