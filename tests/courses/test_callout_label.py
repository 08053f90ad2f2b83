"""A callout's kind and title read as one Chinese phrase, with a full-width colon."""

import pytest

from courses.models import LessonPage

from .conftest import make_course


@pytest.mark.django_db
def test_callout_label_uses_the_chinese_colon_and_escapes_the_title(client, course_index):
    course = make_course(course_index, lessons=0, slug="c", audience_roles=[])
    lesson = LessonPage(
        title="课",
        slug="l",
        body=[
            {
                "type": "callout",
                "value": {"kind": "law", "title": "单位<b>负责人</b>", "text": "<p>正文</p>"},
            },
            {"type": "callout", "value": {"kind": "tip", "title": "", "text": "<p>无标题</p>"}},
        ],
    )
    course.add_child(instance=lesson)
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "法规依据：<strong>单位&lt;b&gt;负责人&lt;/b&gt;</strong>" in page
    assert '<p class="callout__label">提示</p>' in page
