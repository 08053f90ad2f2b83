"""A Redis restart in the middle of a quiz: the learner stays signed in and keeps every answer.

The live server of these tests runs with a Redis of its own (benchmarks.servers.PrivateRedis,
a free port, nothing on disk) as cache and session store, as production does with REDIS_URL;
the test stops it, as a crash would, and starts it again empty.
"""

import pytest
import redis
from playwright.sync_api import expect

from benchmarks.servers import PrivateRedis
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

from .test_quiz_journeys import choose, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_redis():
    try:
        server = PrivateRedis()
    except RuntimeError as missing:
        pytest.skip(str(missing))
    with server:
        yield server


@pytest.fixture
def redis_live_server(settings, private_redis):
    """A live server whose cache and sessions are the production ones, on the private Redis."""
    from pytest_django.live_server_helper import LiveServer

    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.DisposableRedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "e2e-faults",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Its own server: the shared live server loaded its session middleware with the old engine.
    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def redis_page(browser, redis_live_server):
    context = browser.new_context(
        base_url=redis_live_server.url, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def quiz():
    def single(stem, wrong, right):
        return QuestionFactory(stem=stem, choices=[wrong, right], right="B")

    questions = [
        single("灭火器压力表指针在哪个区域表示压力正常？", "红区", "绿区"),
        single("发现火灾应拨打哪个电话报警？", "110", "119"),
        QuestionFactory(kind="truefalse", stem="任何单位和成年人都有参加有组织的灭火工作的义务。"),
        single("电动自行车应在哪里充电？", "楼道", "集中充电场所"),
    ]
    return QuizFactory(title="开学第一课测验（示例）", slug="redis-restart", questions=questions)


def _session_keys(server):
    return redis.Redis.from_url(server.url).keys("*sessions.cached_db*")


def test_a_redis_restart_mid_quiz_keeps_the_learner_signed_in_with_every_answer(
    redis_page, private_redis, quiz, screenshot
):
    page = redis_page
    UserFactory(username="13800008888", name="王学生")
    sign_in(page, "13800008888")
    page.goto("/quizzes/redis-restart/")
    page.get_by_role("button", name="开始作答").click()
    choose(page, "压力表", "绿区")
    choose(page, "报警", "119")
    assert _session_keys(private_redis), "the session should be read through Redis"

    private_redis.stop()
    # Redis down: the answer is still saved and a reload still finds the learner signed in.
    choose(page, "灭火工作的义务", "正确")
    page.reload()
    expect(page.locator("fieldset", has_text="报警").get_by_label("119")).to_be_checked()

    private_redis.start()
    assert not _session_keys(private_redis), "Redis came back empty (it keeps nothing on disk)"
    page.reload()
    expect(page.locator("[data-answered-count]")).to_have_text("3")
    expect(page.locator("fieldset", has_text="压力表").get_by_label("绿区")).to_be_checked()
    expect(page.locator("fieldset", has_text="报警").get_by_label("119")).to_be_checked()
    expect(page.locator("fieldset", has_text="灭火工作的义务").get_by_label("正确")).to_be_checked()
    choose(page, "充电", "集中充电场所")
    screenshot("quiz-after-redis-restart-360")
    page.get_by_role("button", name="交卷").click()
    page.get_by_role("button", name="确认交卷").click()

    expect(page.locator(".quiz-result__number")).to_have_text("100")
    attempt = Attempt.objects.get()
    assert (attempt.status, attempt.correct_count, attempt.user.username) == (
        "graded",
        4,
        "13800008888",
    )
    assert _session_keys(private_redis), "the session is cached again, read from the database"
