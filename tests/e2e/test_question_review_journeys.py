"""The question bank's review in a real browser: an editor writes and submits a question, a
reviewer approves it, and only then does a learner's attempt draw it."""

import re

import pytest
from playwright.sync_api import expect

from home import demo as home_demo
from quizzes.models import Question
from tests.factories import TEST_PASSWORD, UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

from .conftest import ARTIFACTS
from .test_publishing_journeys import MENU_TOGGLE, admin_sign_in, new_page, site_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TOPIC = "报警求助"
STEM = "拨打119报警后，应当派人到哪里迎候消防车？"


@pytest.fixture
def bank():
    home_demo.load()
    QuestionFactory(tags=[TOPIC], stem="已审核的报警题？")
    quiz = QuizFactory(title="报警小测验", slug="alarm-quiz", draws=[(TOPIC, 2)])
    return quiz


def write_question(page):
    page.goto("/admin/snippets/quizzes/question/add/")
    page.locator("#id_stem").fill(STEM)
    choices = ["路口", "楼顶", "地下车库"]
    page.locator("#id_choices-ADD").click()
    for position, text in enumerate(choices):
        page.locator(f"#id_choices-{position}-text").fill(text)
    page.locator("#id_choices-0-is_correct").check()
    # Wagtail's tag field types into its own box and keeps the hidden input in step.
    tag_box = page.locator("ul.tagit .tagit-new input")
    tag_box.fill(TOPIC)
    tag_box.press("Enter")
    expect(page.locator('button[name="action-publish"]')).to_have_count(0)
    page.locator(MENU_TOGGLE).first.click()
    page.locator('button[name="action-submit"]').click()
    expect(page.locator(".messages")).to_contain_text("审核")


def test_an_editors_question_is_drawn_only_after_review(browser, live_server, bank):
    editor = new_page(browser, live_server, width=1280)
    admin_sign_in(editor, "editor")
    write_question(editor)
    question = Question.objects.get(stem=STEM)
    assert not question.live and question.workflow_in_progress

    learner = UserFactory(username="review_learner", name="学员")
    page = new_page(browser, live_server)
    site_sign_in(page, learner.username, TEST_PASSWORD)
    page.goto(f"/quizzes/{bank.slug}/")
    page.get_by_role("button", name=re.compile("开始")).click()
    expect(page.locator("body")).not_to_contain_text(STEM)

    reviewer = new_page(browser, live_server, width=1280)
    admin_sign_in(reviewer, "reviewer")
    expect(reviewer.locator("body")).to_contain_text(STEM)
    reviewer.goto(f"/admin/snippets/quizzes/question/edit/{question.pk}/")
    approve = reviewer.locator(
        'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    ).first
    if not approve.is_visible():
        reviewer.locator(MENU_TOGGLE).first.click()
    approve.click()
    expect(reviewer.locator(".messages")).to_be_visible()
    reviewer.screenshot(path=str(ARTIFACTS / "question-approved-1280.png"), full_page=True)
    question.refresh_from_db()
    assert question.live

    # The learner's next attempt may draw it now (the quiz draws both questions of the topic).
    other = UserFactory(username="review_learner_2", name="学员二")
    page = new_page(browser, live_server)
    site_sign_in(page, other.username, TEST_PASSWORD)
    page.goto(f"/quizzes/{bank.slug}/")
    page.get_by_role("button", name=re.compile("开始")).click()
    expect(page.locator("body")).to_contain_text(STEM)
