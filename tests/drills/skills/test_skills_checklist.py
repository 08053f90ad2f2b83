"""The skills checklist of a practical lesson: edited in the CMS, checked, and in the demo."""

import shutil

import pytest

from django.core.exceptions import ValidationError

from courses.blocks import SkillsChecklistBlock
from courses.demo import course_files
from drills.models import SkillSignOff
from drills.signoffs import sign_off
from editorial.content_files import ContentFileError
from tests.courses.factories import LessonPageFactory
from tests.drills.skills.conftest import skill_ids

pytestmark = pytest.mark.django_db


def test_only_a_practical_lesson_has_a_checklist(place):
    reading = LessonPageFactory(parent=place.course, slug="reading", kind="reading")
    reading.skills = [("skill", {"title": "提、拔、握、压", "standard": ""})]
    with pytest.raises(ValidationError) as caught:
        reading.full_clean()
    assert "skills" in caught.value.message_dict


def test_at_most_twenty_skills_each_title_at_most_80_characters():
    block = SkillsChecklistBlock()
    many = block.to_python([{"type": "skill", "value": {"title": f"技能{n}"}} for n in range(21)])
    with pytest.raises(ValidationError):
        block.clean(many)
    long = block.to_python([{"type": "skill", "value": {"title": "长" * 81}}])
    with pytest.raises(ValidationError):
        block.clean(long)
    fine = block.to_python([{"type": "skill", "value": {"title": "站在上风方向"}}])
    assert block.clean(fine)


def test_each_skill_keeps_its_id_when_the_list_is_reordered(place):
    ids = skill_ids(place.lesson)
    sign_off(place.instructor, place.enrolment, {ids[2]: (True, "")})
    lesson = place.lesson
    raw = list(lesson.skills.raw_data)
    lesson.skills = list(reversed(raw))
    lesson.save()
    lesson.refresh_from_db()
    assert skill_ids(lesson) == list(reversed(ids))
    assert SkillSignOff.objects.get().skill_id == skill_ids(lesson)[0]


def test_the_demo_practical_lessons_have_their_checklists():
    checklists = {
        lesson["slug"]: [skill["value"]["title"] for skill in lesson.get("skills") or []]
        for path, data in course_files()
        for lesson in data["lessons"]
        if lesson.get("kind") == "practical"
    }
    assert checklists["extinguisher-practice"] == [
        "检查压力表与保险销",
        "提、拔、握、压",
        "站在上风方向",
        "对准火焰根部由近及远左右扫射",
    ]
    assert checklists["hydrant-practice"] == [
        "按下消火栓按钮报警",
        "连接水带与枪头、阀门",
        "开阀出水、对准火焰根部",
    ]
    assert "模拟拨打119" in checklists["hands-on-session"]


@pytest.fixture
def content(tmp_path, settings):
    shutil.copytree(settings.BASE_DIR / "content", tmp_path / "content")
    settings.BASE_DIR = tmp_path
    return tmp_path / "content"


def test_a_checklist_on_another_kind_of_lesson_is_refused_in_a_content_file(content):
    course = content / "courses" / "09-volunteer-firefighting-skills.yaml"
    text = course.read_text(encoding="utf-8")
    old = "- slug: hydrant-practice\n  title: 室内消火栓出水实操\n  kind: practical\n"
    assert old in text
    course.write_text(text.replace(old, old.replace("practical", "reading")), encoding="utf-8")
    with pytest.raises(ContentFileError) as caught:
        course_files()
    assert "09-volunteer-firefighting-skills.yaml" in str(caught.value)
    assert "skills" in str(caught.value)


def test_a_title_too_long_in_a_content_file_is_refused_with_its_place(content):
    course = content / "courses" / "04-extinguisher-and-hydrant.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(
        text.replace("title: 模拟拨打119", "title: " + "长" * 81, 1), encoding="utf-8"
    )
    with pytest.raises(ContentFileError) as caught:
        course_files()
    assert "skills[7].value.title" in str(caught.value)


def test_the_lesson_page_shows_the_learner_what_will_be_checked(place, as_user):
    html = as_user(place.learner).get(place.lesson.url).content.decode()
    assert 'data-testid="lesson-skills"' in html
    assert "提、拔、握、压" in html and "按顺序完成提、拔、握、压。" in html
