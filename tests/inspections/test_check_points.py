"""The handbook's check points as editors set them: patrol subset, severity, lesson."""

import pytest

from handbooks.models import HandbookPage
from tests.handbooks.builders import sections_stream

pytestmark = pytest.mark.django_db


def test_a_check_point_links_its_lesson_and_marks_patrol_points(place, client):
    page = client.get(place.handbook.url).content.decode()
    assert place.lesson.url in page
    assert page.count("日常巡查点") == 2


def test_check_points_stored_before_the_new_fields_read_with_defaults(place):
    old = sections_stream(
        [{"title": "旧章节", "checkpoints": [{"item": "旧要点", "requirement": "旧"}]}]
    )
    for point in old[0]["value"]["checkpoints"]:
        del point["patrol_point"], point["default_severity"], point["lesson"]
    HandbookPage.objects.filter(pk=place.handbook.pk).update(sections=old)
    point = HandbookPage.objects.get(pk=place.handbook.pk).sections[0].value["checkpoints"][0]
    assert (point["patrol_point"], point["default_severity"], point["lesson"]) == (
        False,
        "ordinary",
        None,
    )
