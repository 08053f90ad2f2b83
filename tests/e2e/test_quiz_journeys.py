import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt, Quiz
from tests.factories import TEST_PASSWORD, UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def timed_quiz():
    questions = [
        QuestionFactory(
            stem="灭火器压力表指针在哪个区域表示压力正常？",
            choices=["红区", "绿区", "黄区"],
            right="B",
        ),
        QuestionFactory(
            kind="multiple",
            stem="单位应当保障哪些通道畅通？",
            choices=["疏散通道", "安全出口", "消防车通道", "仓库货架间距"],
            right="ABC",
        ),
        QuestionFactory(kind="truefalse", stem="任何单位和成年人都有参加有组织的灭火工作的义务。"),
        QuestionFactory(
            stem="发现火灾应拨打哪个电话报警？", choices=["110", "119", "120", "122"], right="B"
        ),
    ]
    return QuizFactory(
        title="消控室值班操作人员轮训考试（示例）",
        slug="timed-demo",
        time_limit_minutes=20,
        pass_mark=80,
        questions=questions,
        review_policy=Quiz.Review.EXPLANATIONS,
    )


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def choose(page, question, choice):
    # The answer sheet's script saves on change: a click before it has run is never saved.
    page.wait_for_load_state()
    page.locator("fieldset.quiz-question", has_text=question).get_by_text(
        choice, exact=True
    ).click()
    expect(page.locator("[data-save-status]")).to_have_text("已保存")


def test_learner_takes_a_timed_quiz_reloads_submits_and_reviews(page, timed_quiz, screenshot):
    UserFactory(username="13800005555", name="李值班")
    sign_in(page, "13800005555")
    page.goto("/quizzes/timed-demo/")
    expect(page.get_by_role("heading", level=1)).to_have_text(timed_quiz.title)
    page.get_by_role("button", name="开始作答").click()

    timer = page.locator("[data-remaining-seconds]")
    expect(timer).to_be_visible()
    first = timer.text_content()
    assert first.startswith(("20:", "19:"))
    choose(page, "压力表", "绿区")
    choose(page, "通道畅通", "疏散通道")
    choose(page, "通道畅通", "安全出口")
    expect(page.locator("[data-answered-count]")).to_have_text("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("quiz-attempt-360")

    # Reload mid-way: the same questions, the saved answers still ticked, the clock still running.
    page.reload()
    expect(page.locator("fieldset", has_text="压力表").get_by_label("绿区")).to_be_checked()
    expect(page.locator("fieldset", has_text="通道畅通").get_by_label("疏散通道")).to_be_checked()
    expect(page.locator("fieldset", has_text="通道畅通").get_by_label("安全出口")).to_be_checked()
    expect(
        page.locator("fieldset", has_text="通道畅通").get_by_label("消防车通道")
    ).not_to_be_checked()
    choose(page, "通道畅通", "消防车通道")
    choose(page, "灭火工作的义务", "正确")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("quiz-attempt-1280")

    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("交卷前确认")
    page.get_by_role("button", name="确认交卷").click()
    expect(page.locator(".quiz-result__number")).to_have_text("75")
    expect(page.locator(".quiz-result__verdict")).to_contain_text("不合格")
    expect(page.locator(".quiz-review--right")).to_have_count(3)
    wrong = page.locator(".quiz-review--wrong")
    expect(wrong).to_have_count(1)
    expect(wrong).to_contain_text("119")
    expect(wrong).to_contain_text("未作答")
    expect(wrong.locator(".quiz-review__explanation")).to_contain_text("依据")
    screenshot("quiz-result-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("quiz-result-360")
    attempt = Attempt.objects.get()
    assert (attempt.status, attempt.correct_count) == ("graded", 3)


def test_submit_shows_a_summary_that_leads_back_to_a_blank_question(page, timed_quiz, screenshot):
    UserFactory(username="13800005556")
    sign_in(page, "13800005556")
    page.goto("/quizzes/timed-demo/")
    page.get_by_role("button", name="开始作答").click()
    choose(page, "压力表", "绿区")
    for choice in ("疏散通道", "安全出口", "消防车通道"):
        choose(page, "通道畅通", choice)
    choose(page, "灭火工作的义务", "正确")
    page.locator("fieldset", has_text="压力表").get_by_role("button", name="标记待查").click()
    expect(page.locator(".quiz-grid__item--flagged")).to_have_count(1)

    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("交卷前确认")
    expect(page.locator(".quiz-review-step__summary")).to_contain_text("3/4")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("quiz-summary-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("quiz-summary-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    assert Attempt.objects.get().status == "open"

    page.get_by_role("link", name="第 4 题").click()
    expect(page.locator(".quiz-grid__item--answered")).to_have_count(3)
    expect(page.locator(".quiz-grid__item--flagged")).to_have_count(1)
    blank = page.locator("#q-4")
    expect(blank).to_contain_text("报警")
    expect(blank).to_be_in_viewport()
    expect(page.locator("fieldset", has_text="压力表").get_by_label("绿区")).to_be_checked()
    choose(page, "报警", "119")
    expect(page.locator(".quiz-grid__item--answered")).to_have_count(4)
    page.get_by_role("button", name="交卷").click()
    expect(page.get_by_text("所有题目都已作答。")).to_be_visible()
    page.get_by_role("button", name="确认交卷").click()
    expect(page.locator(".quiz-result__number")).to_have_text("100")
    expect(page.locator(".quiz-result__verdict")).to_contain_text("合格")
    expect(page.get_by_role("button", name="再做一次")).to_be_visible()
    screenshot("quiz-finish-360")


def test_quiz_intro_on_a_phone(page, timed_quiz, screenshot):
    UserFactory(username="13800006666")
    sign_in(page, "13800006666")
    page.goto("/quizzes/timed-demo/")
    expect(page.get_by_text("限时")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("quiz-intro-360")


def test_editor_previews_an_import_and_reads_the_statistics(page, timed_quiz, screenshot, tmp_path):
    from openpyxl import Workbook

    from quizzes import services
    from quizzes.importer import COLUMNS

    learner = UserFactory(username="13800007777")
    attempt = services.start_attempt(learner, timed_quiz)
    services.submit_attempt(attempt, {})
    UserFactory(username="quiz-admin", is_superuser=True, is_staff=True)
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append(
        [
            "单选",
            "<b>新题</b>：电动自行车应在哪里充电？",
            "楼道",
            "集中充电场所",
            "",
            "",
            "",
            "",
            "B",
            "依据：示例",
            "电动自行车",
            "1",
        ]
    )
    workbook.active.append(["填空", "题型不对的题", "甲", "乙", "", "", "", "", "A", "", "", ""])
    workbook.active.append(
        ["单选", "答案超出选项的题", "甲", "乙", "", "", "", "", "D", "", "", ""]
    )
    path = tmp_path / "bank.xlsx"
    workbook.save(path)

    sign_in(page, "quiz-admin")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/quizzes/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".quiz-import-preview")).to_contain_text("可以导入 1 道题")
    expect(page.get_by_text("<b>新题</b>：电动自行车应在哪里充电？")).to_be_visible()
    screenshot("quiz-admin-import-preview-1280")
    page.get_by_role("button", name="确认导入 1 道题").click()
    expect(page.get_by_text("已导入 1 道题")).to_be_visible()

    page.goto("/admin/quizzes/statistics/")
    page.get_by_role("link", name=timed_quiz.title).click()
    expect(page.get_by_text("已评分作答 1 次")).to_be_visible()
    screenshot("quiz-admin-statistics-1280")


def test_editor_imports_a_messy_word_bank_and_sees_each_problem_with_its_paragraph(
    page, screenshot
):
    from pathlib import Path

    from quizzes.models import Question

    UserFactory(username="bank-editor", is_superuser=True, is_staff=True)
    sample = Path(__file__).resolve().parents[2] / "content/samples/question-bank-messy.docx"
    sign_in(page, "bank-editor")
    page.goto("/admin/quizzes/import/")
    page.locator("input[type=file]").set_input_files(str(sample))
    page.get_by_role("button", name="上传并预览").click()
    preview = page.locator(".quiz-import-preview")
    expect(preview).to_contain_text("可以导入 8 道题；5 道题有问题，不会导入")
    for paragraph in (17, 20, 23, 27, 45):
        expect(preview).to_contain_text(str(paragraph))
    screenshot("quiz-admin-word-import-preview-360")
    assert Question.objects.count() == 0
    page.get_by_role("button", name="确认导入 8 道题").click()
    expect(page.get_by_text("已导入 8 道题")).to_be_visible()
    assert Question.objects.count() == 8


def test_the_summary_lists_flagged_questions_to_jump_back_to(page, timed_quiz, screenshot):
    UserFactory(username="13800005557")
    sign_in(page, "13800005557")
    page.goto("/quizzes/timed-demo/")
    page.get_by_role("button", name="开始作答").click()
    page.get_by_role("button", name="交卷").click()
    # Nothing flagged: no list at all.
    expect(page.locator("[data-flagged-list]")).to_be_hidden()
    page.get_by_role("link", name="返回继续作答").click()

    choose(page, "压力表", "绿区")
    page.locator("fieldset", has_text="压力表").get_by_role("button", name="标记待查").click()
    page.locator("fieldset", has_text="报警").get_by_role("button", name="标记待查").click()
    page.get_by_role("button", name="交卷").click()
    flagged = page.locator("[data-flagged-list]")
    expect(flagged).to_be_visible()
    expect(flagged).to_contain_text("你标记了这些题")
    expect(flagged.get_by_role("link")).to_have_count(2)
    expect(flagged.get_by_role("link", name="第 1 题")).to_be_visible()
    expect(flagged.locator("li", has_text="第 4 题")).to_contain_text("未答")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("quiz-summary-flagged-360")

    flagged.get_by_role("link", name="第 1 题").click()
    expect(page.locator("#q-1")).to_contain_text("压力表")
    expect(page.locator("#q-1")).to_be_in_viewport()
    page.locator("fieldset", has_text="压力表").get_by_role("button", name="已标记").click()
    page.get_by_role("button", name="交卷").click()
    expect(page.locator("[data-flagged-list]").get_by_role("link")).to_have_count(1)
    expect(page.locator("[data-flagged-list]").get_by_role("link")).to_have_text("第 4 题")
