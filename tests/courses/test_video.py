import json
from datetime import timedelta

import pytest
import time_machine

from django.utils import timezone

from courses.models import LessonProgress
from tests.courses.factories import LessonPageFactory


@pytest.fixture
def video_lesson(course):
    return LessonPageFactory(parent=course, slug="video", kind="video", video_duration_seconds=100)


def report(client, lesson, start, end):
    return client.post(
        f"/learn/lessons/{lesson.pk}/video/",
        json.dumps({"start": start, "end": end, "position": end}),
        content_type="application/json",
    )


@pytest.mark.django_db
def test_watching_in_real_time_completes_at_ninety_percent(client, video_lesson, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for second in range(0, 90, 5):
            traveller.move_to(start + timedelta(seconds=second + 5))
            data = report(client, video_lesson, second, second + 5).json()
    assert data["watched"] == 90
    assert data["completed"] is True


@pytest.mark.django_db
def test_skipping_ahead_adds_nothing(client, video_lesson, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        report(client, video_lesson, 0, 5)
        traveller.move_to(start + timedelta(seconds=10))
        data = report(client, video_lesson, 5, 100).json()  # claims 95 s in 10 s
    assert data["watched"] <= 5 + 10 + 3
    assert data["completed"] is False


@pytest.mark.django_db
def test_replaying_the_same_part_counts_once(client, video_lesson, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for round_number in range(1, 6):
            traveller.move_to(start + timedelta(seconds=10 * round_number))
            data = report(client, video_lesson, 0, 10).json()
    assert data["watched"] == 10


@pytest.mark.django_db
def test_position_survives_a_reload(client, video_lesson, responsible):
    client.force_login(responsible)
    report(client, video_lesson, 0, 4.5)
    assert LessonProgress.objects.get(lesson=video_lesson).video_position == 4.5
    assert 'data-position="4.500000"' in client.get(video_lesson.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["not json", '{"start": "a"}', "{}", "[]"])
def test_malformed_reports_are_refused(client, video_lesson, responsible, body):
    client.force_login(responsible)
    response = client.post(
        f"/learn/lessons/{video_lesson.pk}/video/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not LessonProgress.objects.exists()
