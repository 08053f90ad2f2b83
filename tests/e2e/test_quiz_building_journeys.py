"""Issue 23 §4 in a real browser: the demo's editor opens a quiz, sees each rule's pool and
opens 预览, which shows the quiz as a learner would without making an attempt."""

import re

import pytest
from playwright.sync_api import expect

from home import demo as home_demo
from quizzes.models import Attempt
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "fire-safety-demo"


@pytest.fixture
def quiz():
    home_demo.load()
    for number in range(4):
        QuestionFactory(
            tags=["灭火器"],
            difficulty=3 if number == 0 else 2,
            stem=f"灭火器题{number}：压力表指针在哪个区域表示正常？",
        )
    QuestionFactory(tags=["灭火器"], active=False, stem="停用的灭火器题：不应被抽到")
    return QuizFactory(title="灭火器小测验", draws=[("灭火器", 3)])


def test_editor_sees_the_pool_of_a_rule_and_previews_the_quiz(browser, live_server, quiz):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/")
    page.get_by_label("登录名或手机号").fill("editor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(f"/admin/snippets/quizzes/quiz/edit/{quiz.pk}/")
    plan = page.locator("[data-draw-plan]")
    expect(plan).to_contain_text("每次测验 3 道题")
    expect(plan).to_contain_text("灭火器：抽 3 道，题池 4 道已审核的题")
    # Choosing a difficulty recounts the rule's pool at once (one of the four is hard).
    readout = page.locator("[data-rule-pool-readout]").first
    expect(readout).to_have_text("题池：4 道已审核的题")
    page.locator("#id_draw_rules-0-difficulty").select_option("3")
    expect(readout).to_have_text("题池：1 道已审核的题")
    page.locator("#id_draw_rules-0-difficulty").select_option("")
    expect(readout).to_have_text("题池：4 道已审核的题")

    attempts = Attempt.objects.count()
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe[title]").first
    expect(preview.locator("[data-quiz-preview]")).to_contain_text("预览")
    expect(preview.locator("fieldset.quiz-question")).to_have_count(3)
    expect(preview.get_by_role("button", name="交卷")).to_be_disabled()
    expect(preview.locator("body")).not_to_contain_text("停用的灭火器题")
    assert Attempt.objects.count() == attempts
    context.close()
