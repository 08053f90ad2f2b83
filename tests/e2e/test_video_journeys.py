"""A learner on a 360 px phone plays a lesson video, seeks, and completes it by the 90 % rule."""

import json
import shutil

import pytest
from playwright.sync_api import expect

from courses.models import LessonProgress
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory, make_video_lesson
from tests.factories import TEST_PASSWORD, UserFactory
from videos import demo as videos_demo

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("ffmpeg"), reason="needs ffmpeg to make the video"),
]


@pytest.fixture
def video_lesson(home_page):
    course = make_course(
        CourseIndexPageFactory(parent=home_page), lessons=1, slug="extinguisher-video"
    )
    # The demo's own generator: H.264/AAC mp4 with a Chinese title drawn on it, 6 s long.
    video = videos_demo.make_video(
        {"title": "灭火器演示", "heading": "手提式灭火器使用演示", "seconds": 6}
    )
    assert video.duration == pytest.approx(6, abs=0.2)
    return make_video_lesson(course, video=video, slug="watch", title="看视频：灭火器使用")


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def reported_the_end(response):
    """The player's report sent when the video ended (its span reaches the last second)."""
    if "/video/" not in response.url or response.request.method != "POST":
        return False
    return json.loads(response.request.post_data)["end"] >= 5.5


def play(video):
    # Muted, so that the browser lets a script start playing without a tap.
    video.evaluate("v => { v.muted = true; return v.play(); }")


def test_learner_plays_seeks_and_completes_a_video_lesson(page, video_lesson, screenshot):
    learner = UserFactory(username="13800005555", name="王小明")
    sign_in(page, "13800005555")
    page.goto(video_lesson.url)
    video = page.locator("video[data-lesson-video]")
    expect(video).to_be_visible()
    assert video.evaluate("v => v.getBoundingClientRect().right") <= 360
    # 流畅: the 480p copy the upload task made of the 720p file; what is watched counts the same.
    page.get_by_role("button", name="流畅").click()
    expect(page.get_by_role("button", name="流畅")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => document.querySelector('video').currentSrc.includes('480p')")
    play(video)
    page.wait_for_function("() => document.querySelector('video').currentTime >= 2")
    screenshot("video-lesson-360")

    # Skipping from 2 s to 4 s: the skipped part does not count, so the end is not enough.
    with page.expect_response(reported_the_end, timeout=20_000):
        video.evaluate("v => { v.currentTime = 4; }")
    status = page.locator("[data-video-status]")
    progress = LessonProgress.objects.get(enrolment__user=learner, lesson=video_lesson)
    assert progress.completed_at is None
    assert progress.watched_seconds() < 0.9 * video_lesson.video.duration
    expect(status).not_to_contain_text("✓")

    # Back to the part skipped, played to the end: now 90 % of the file's length is watched.
    video.evaluate("v => { v.currentTime = 2; }")
    play(video)
    expect(status).to_contain_text("✓", timeout=20_000)
    progress.refresh_from_db()
    assert progress.completed_at is not None
    assert progress.watched_seconds() >= 0.9 * video_lesson.video.duration
    screenshot("video-lesson-completed-360")
