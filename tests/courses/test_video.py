import json
from datetime import timedelta

import pytest
import time_machine

from django.utils import timezone

from courses.models import LessonProgress
from tests.courses.factories import make_video_lesson


@pytest.fixture
def video_lesson(course):
    return make_video_lesson(course, duration=100, slug="video")


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
        report(client, video_lesson, 0, 0)  # the player's report when playing starts
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
@pytest.mark.parametrize("body", ["not json", '{"start": "a"}', "{}", "[]", "[" * 100_000])
def test_malformed_reports_are_refused(client, video_lesson, responsible, body):
    client.force_login(responsible)
    response = client.post(
        f"/learn/lessons/{video_lesson.pk}/video/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert not LessonProgress.objects.exists()


@pytest.fixture
def long_video(course):
    return make_video_lesson(course, duration=600, slug="long")


@pytest.mark.django_db
def test_made_up_spans_cannot_finish_a_600_second_video_in_12_seconds(
    client, long_video, responsible
):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        report(client, long_video, 0, 0)
        # 40 reports of 15 s each, 0.3 s apart: 600 s "played" in 12 s.
        for number in range(40):
            traveller.move_to(start + timedelta(seconds=0.3 * (number + 1)))
            data = report(client, long_video, 15 * number, 15 * (number + 1)).json()
    assert data["watched"] <= 12.5
    assert data["completed"] is False


@pytest.mark.django_db
def test_playing_at_double_speed_is_credited_at_real_time(client, long_video, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        report(client, long_video, 0, 0)
        # The whole video "played" in 300 s: reports every 5 s, each claiming 10 s.
        for number in range(60):
            traveller.move_to(start + timedelta(seconds=5 * (number + 1)))
            data = report(client, long_video, 10 * number, 10 * (number + 1)).json()
    assert data["watched"] <= 300
    assert data["completed"] is False


@pytest.mark.django_db
def test_finishing_needs_ninety_percent_of_the_length_in_real_time(client, long_video, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        report(client, long_video, 0, 0)
        for number in range(108):
            traveller.move_to(start + timedelta(seconds=5 * (number + 1)))
            data = report(client, long_video, 5 * number, 5 * (number + 1)).json()
            if number == 106:
                assert data["completed"] is False  # 535 s of real time: not yet 540
    assert data["completed"] is True
    assert data["watched"] == 540


@pytest.mark.django_db
def test_time_away_is_credited_only_up_to_the_cap(client, long_video, responsible):
    client.force_login(responsible)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        report(client, long_video, 0, 0)
        traveller.move_to(start + timedelta(days=1))  # the tab left open overnight
        data = report(client, long_video, 0, 600).json()
    assert data["watched"] == 60
    assert data["completed"] is False


@pytest.mark.django_db
def test_the_migration_credits_what_was_watched_before(client, long_video, responsible):
    import importlib

    from django.apps import apps

    client.force_login(responsible)
    report(client, long_video, 0, 0)
    LessonProgress.objects.update(video_watched=[[0, 100], [200, 250]], video_credit_seconds=0)
    migration = importlib.import_module("courses.migrations.0005_watch_credit")
    migration.credit_what_was_watched(apps, None)
    assert LessonProgress.objects.get().video_credit_seconds == 150
