"""Issue 23 §4: editors build a quiz from fixed questions and draw rules, see each rule's pool,
are refused a rule its pool cannot fill, and preview the quiz as a learner without an attempt."""

import re

import pytest

from django.urls import reverse

from accounts.models import User
from home import demo as home_demo
from organisations.models import Membership
from quizzes.models import Attempt, DrawRule, QuestionTag, Quiz
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

ADD = reverse("wagtailsnippets_quizzes_quiz:add")


def edit_url(quiz):
    return reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])


def preview_url(quiz):
    return reverse("wagtailsnippets_quizzes_quiz:preview_on_edit", args=[quiz.pk])


def questions(n, tag, **kwargs):
    return [QuestionFactory(tags=[tag], **kwargs) for _ in range(n)]


def tag_id(name):
    return QuestionTag.objects.get(name=name).pk


def quiz_form(fixed=(), rules=(), slug="new-quiz", **fields):
    """The editor's POST: fixed question ids, rules [(tag id, count, difficulty or "")]."""
    data = {
        "title": "新建测验",
        "slug": slug,
        "intro": "",
        "pass_mark": "60",
        "time_limit_minutes": "",
        "attempts_allowed": "0",
        "review_policy": "right_wrong",
        "active": "on",
        "fixed_questions-TOTAL_FORMS": str(len(fixed)),
        "fixed_questions-INITIAL_FORMS": "0",
        "fixed_questions-MIN_NUM_FORMS": "0",
        "fixed_questions-MAX_NUM_FORMS": "1000",
        "draw_rules-TOTAL_FORMS": str(len(rules)),
        "draw_rules-INITIAL_FORMS": "0",
        "draw_rules-MIN_NUM_FORMS": "0",
        "draw_rules-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, question_id in enumerate(fixed):
        data.update(
            {
                f"fixed_questions-{i}-question": str(question_id),
                f"fixed_questions-{i}-ORDER": str(i + 1),
                f"fixed_questions-{i}-id": "",
                f"fixed_questions-{i}-DELETE": "",
            }
        )
    for i, (tag, count, difficulty) in enumerate(rules):
        data.update(
            {
                f"draw_rules-{i}-tag": str(tag),
                f"draw_rules-{i}-count": str(count),
                f"draw_rules-{i}-difficulty": str(difficulty),
                f"draw_rules-{i}-ORDER": str(i + 1),
                f"draw_rules-{i}-id": "",
                f"draw_rules-{i}-DELETE": "",
            }
        )
    return data


def text(response):
    """The page's text without tags, spaces collapsed, for reading messages in it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def editorial(db):
    """The demo's 内容编辑 and 内容审核 groups with the editor and reviewer accounts."""
    home_demo.load()


@pytest.fixture
def editor(editorial, client):
    client.force_login(User.objects.get(username="editor"))
    return client


# --- Pool counts ---------------------------------------------------------------------------


def test_editor_sees_each_rules_pool_of_drawable_questions_in_the_quiz_editor(editor):
    questions(4, "灭火器")
    QuestionFactory(tags=["灭火器"], active=False)  # retired: never drawn, never counted
    questions(2, "疏散", difficulty=3)
    questions(5, "疏散", difficulty=1)
    quiz = QuizFactory(draws=[("灭火器", 3)])
    DrawRule.objects.create(quiz=quiz, tag_id=tag_id("疏散"), count=2, difficulty=3, sort_order=1)
    page = text(editor.get(edit_url(quiz)))
    assert "每次测验 5 道题" in page
    assert "灭火器：抽 3 道，题池 4 道已审核的题，扣除前面已选后可抽 4 道" in page
    assert "疏散 · 难：抽 2 道，题池 2 道已审核的题，扣除前面已选后可抽 2 道" in page


def test_the_pool_left_counts_fixed_questions_and_what_earlier_rules_may_take(editor):
    fixed = QuestionFactory(tags=["灭火器"])
    easy = questions(3, "灭火器", difficulty=1)
    questions(2, "灭火器", difficulty=2)
    quiz = QuizFactory(questions=[fixed])
    DrawRule.objects.create(quiz=quiz, tag_id=tag_id("灭火器"), count=3, difficulty=1, sort_order=0)
    DrawRule.objects.create(quiz=quiz, tag_id=tag_id("灭火器"), count=2, sort_order=1)
    page = text(editor.get(edit_url(quiz)))
    # Rule 2's pool is all 6; the fixed one and rule 1's three easy ones are gone: 2 are left.
    assert "灭火器 · 易：抽 3 道，题池 3 道已审核的题，扣除前面已选后可抽 3 道" in page
    assert "灭火器：抽 2 道，题池 6 道已审核的题，扣除前面已选后可抽 2 道" in page
    assert "每次测验 6 道题" in page
    assert len(easy) == 3


def test_editor_saves_a_quiz_whose_rules_their_pools_can_fill(editor):
    questions(3, "灭火器")
    data = quiz_form(rules=[(tag_id("灭火器"), 3, "")])
    response = editor.post(ADD, data)
    assert response.status_code == 302, text(response)[:2000]
    assert Quiz.objects.get(slug="new-quiz").draw_rules.get().count == 3


# --- The over-large rule --------------------------------------------------------------------


def test_a_rule_larger_than_its_pool_is_refused_with_the_pools_size(editor):
    questions(4, "灭火器")
    QuestionFactory(tags=["灭火器"], active=False)
    response = editor.post(ADD, quiz_form(rules=[(tag_id("灭火器"), 5, "")]))
    assert response.status_code == 200
    assert "本规则要抽 5 道题，但题池只有 4 道已审核的题。" in text(response)
    assert not Quiz.objects.filter(slug="new-quiz").exists()


def test_a_rule_is_refused_when_fixed_questions_and_earlier_rules_may_empty_its_pool(editor):
    pool = questions(4, "灭火器")
    questions(1, "疏散")
    rules = [(tag_id("灭火器"), 2, ""), (tag_id("灭火器"), 2, "")]
    response = editor.post(ADD, quiz_form(fixed=[pool[0].pk], rules=rules))
    assert response.status_code == 200
    page = text(response)
    # The fixed question and rule 1's two leave one of the four for rule 2.
    assert (
        "题池共 4 道已审核的题，其中最多 3 道可能已被固定题目或上面的规则选走，最多还剩 1 道"
        in page
    )
    assert not Quiz.objects.filter(slug="new-quiz").exists()


def test_a_rule_of_another_difficulty_does_not_take_from_the_pool(editor):
    questions(2, "灭火器", difficulty=1)
    questions(2, "灭火器", difficulty=3)
    rules = [(tag_id("灭火器"), 2, 1), (tag_id("灭火器"), 2, 3)]
    assert editor.post(ADD, quiz_form(rules=rules)).status_code == 302


def test_editing_a_rule_beyond_its_pool_keeps_the_saved_quiz(editor):
    questions(3, "灭火器")
    quiz = QuizFactory(slug="kept", draws=[("灭火器", 2)])
    rule = quiz.draw_rules.get()
    data = quiz_form(rules=[(rule.tag_id, 9, "")], slug="kept")
    data.update({"draw_rules-INITIAL_FORMS": "1", "draw_rules-0-id": str(rule.pk)})
    response = editor.post(edit_url(quiz), data)
    assert response.status_code == 200
    assert "本规则要抽 9 道题，但题池只有 3 道已审核的题。" in text(response)
    rule.refresh_from_db()
    assert rule.count == 2


# --- The live pool read-out ----------------------------------------------------------------

POOL = reverse("quizzes_rule_pool")


def test_each_rule_shows_its_pool_under_its_fields(editor):
    questions(3, "灭火器", difficulty=1)
    questions(2, "灭火器", difficulty=3)
    quiz = QuizFactory()
    DrawRule.objects.create(quiz=quiz, tag_id=tag_id("灭火器"), count=2, difficulty=3)
    page = text(editor.get(edit_url(quiz)))
    assert "题池：2 道已审核的题" in page
    # The empty rule a new one is made from asks for a topic first.
    assert "选择主题后显示题池大小。" in page


def test_the_pool_endpoint_counts_a_topic_and_difficulty_for_the_editors_script(editor):
    questions(3, "灭火器", difficulty=1)
    questions(2, "灭火器", difficulty=3)
    QuestionFactory(tags=["灭火器"], difficulty=1, active=False)
    response = editor.get(POOL, {"tag": tag_id("灭火器"), "difficulty": "1"})
    assert response.json() == {"pool": 3, "text": "题池：3 道已审核的题"}
    assert editor.get(POOL, {"tag": tag_id("灭火器"), "difficulty": ""}).json()["pool"] == 5


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({}, 400, "请选择主题。"),
        ({"tag": "abc"}, 400, "请选择主题。"),
        ({"tag": "1" * 40}, 400, "请选择主题。"),
        ({"tag": "１"}, 400, "请选择主题。"),
        ({"tag": "{tag}", "difficulty": "9"}, 400, "请从列表中选择难度。"),
        ({"tag": "999999"}, 404, "该主题不存在。"),
    ],
)
def test_the_pool_endpoint_answers_bad_input_with_a_message(editor, query, status, message):
    questions(1, "灭火器")
    query = {key: value.format(tag=tag_id("灭火器")) for key, value in query.items()}
    response = editor.get(POOL, query)
    assert response.status_code == status
    assert response.json()["error"] == message


# --- No questions at all --------------------------------------------------------------------


def test_a_quiz_without_questions_is_saved_with_a_warning(editor):
    response = editor.post(ADD, quiz_form(), follow=True)
    assert response.status_code == 200
    assert Quiz.objects.filter(slug="new-quiz").exists()
    warning = "此测验没有学员能抽到的题"
    assert warning in text(response)
    quiz = Quiz.objects.get(slug="new-quiz")
    assert warning in text(editor.get(edit_url(quiz)))


def test_a_quiz_of_only_retired_fixed_questions_warns_and_names_them(editor):
    retired = QuestionFactory(active=False, stem="已停用的题：下列哪项正确？")
    quiz = QuizFactory(questions=[retired])
    page = text(editor.get(edit_url(quiz)))
    assert "此测验没有学员能抽到的题" in page
    assert "学员不会抽到" in page
    assert retired.stem in page


def test_a_quiz_with_questions_has_no_warning(editor):
    question = QuestionFactory()
    response = editor.post(ADD, quiz_form(fixed=[question.pk]), follow=True)
    assert "此测验没有学员能抽到的题" not in text(response)


# --- Preview --------------------------------------------------------------------------------


def test_preview_shows_the_unsaved_quiz_as_a_learner_sees_it_and_makes_no_attempt(editor):
    fixed = QuestionFactory(stem="固定题：灭火器压力表指针应在哪个区域？", choices=["绿区", "红区"])
    drawn = questions(2, "疏散")
    retired = QuestionFactory(tags=["疏散"], active=False, stem="停用题：不应出现")
    quiz = QuizFactory(title="保存的标题")
    attempts = Attempt.objects.count()
    data = quiz_form(
        fixed=[fixed.pk], rules=[(tag_id("疏散"), 2, "")], slug=quiz.slug, title="未保存的标题"
    )
    response = editor.post(preview_url(quiz), data)
    assert response.json() == {"is_valid": True, "is_available": True}
    response = editor.get(preview_url(quiz))
    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存的标题" in page
    assert "预览" in page
    assert fixed.stem in page and "绿区" in page and "红区" in page
    assert all(question.stem in page for question in drawn)
    assert retired.stem not in page
    assert "disabled" in re.search(r'<button type="submit" class="button[^>]*>', page).group(0)
    # No answer key reaches the preview.
    assert "is_correct" not in page and "quiz-choice--right" not in page
    assert Attempt.objects.count() == attempts
    quiz.refresh_from_db()
    assert quiz.title == "保存的标题"
    assert not quiz.fixed_questions.exists()


def test_preview_of_a_rule_beyond_its_pool_is_not_available(editor):
    questions(1, "疏散")
    quiz = QuizFactory()
    data = quiz_form(rules=[(tag_id("疏散"), 3, "")], slug=quiz.slug)
    response = editor.post(preview_url(quiz), data)
    assert response.json()["is_valid"] is False


def test_preview_of_a_new_quiz_before_it_is_saved(editor):
    question = QuestionFactory(stem="新测验的题：下列哪项正确？")
    url = reverse("wagtailsnippets_quizzes_quiz:preview_on_add")
    assert editor.post(url, quiz_form(fixed=[question.pk])).json()["is_valid"] is True
    response = editor.get(url)
    assert question.stem in response.content.decode()
    assert not Quiz.objects.exists()
    assert not Attempt.objects.exists()


# --- Who may build and preview --------------------------------------------------------------


@pytest.mark.parametrize("username", ["editor", "reviewer"])
def test_editor_and_reviewer_build_and_preview_quizzes(editorial, client, username):
    question = QuestionFactory()
    quiz = QuizFactory(questions=[question])
    client.force_login(User.objects.get(username=username))
    assert client.get(ADD).status_code == 200
    assert client.get(edit_url(quiz)).status_code == 200
    data = quiz_form(fixed=[question.pk], slug=quiz.slug)
    assert client.post(preview_url(quiz), data).json()["is_valid"] is True
    assert question.stem in client.get(preview_url(quiz)).content.decode()


@pytest.fixture
def coordinator(db):
    user = UserFactory(username="coordinator")
    MembershipFactory(user=user, role=Membership.Role.COORDINATOR)
    return user


@pytest.mark.parametrize("who", ["coordinator", "learner"])
def test_coordinators_and_learners_cannot_reach_the_quiz_editor_or_preview(
    client, coordinator, learner, who
):
    question = QuestionFactory()
    quiz = QuizFactory(questions=[question])
    client.force_login(coordinator if who == "coordinator" else learner)
    data = quiz_form(fixed=[question.pk], slug=quiz.slug, title="被改的标题")
    for response in (
        client.get(ADD),
        client.get(edit_url(quiz)),
        client.get(reverse("quizzes_rule_pool"), {"tag": "1"}),
        client.post(preview_url(quiz), data),
        client.get(preview_url(quiz)),
    ):
        assert response.status_code in (302, 403)
        assert question.stem not in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.title != "被改的标题"


def test_a_staff_member_without_quiz_permission_is_refused_the_preview_and_pool(client, db):
    from django.contrib.auth.models import Permission

    question = QuestionFactory()
    quiz = QuizFactory(questions=[question])
    user = UserFactory(username="page-only", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    data = quiz_form(fixed=[question.pk], slug=quiz.slug)
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    for response in (client.post(preview_url(quiz), data), client.get(preview_url(quiz))):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")
    response = client.get(reverse("quizzes_rule_pool"), {"tag": "1"})
    assert response.status_code == 403
    assert response.json()["error"] == "你没有编辑测验的权限。"


def test_every_draw_of_an_accepted_quiz_gives_the_planned_number_of_questions():
    import random

    from quizzes.draw_plan import plan_for_quiz
    from quizzes.services import draw_questions

    # Overlapping pools: questions tagged both 灭火器 and 消火栓 can go to either rule.
    both = [QuestionFactory(tags=["灭火器", "消火栓"]) for _ in range(3)]
    questions(2, "灭火器")
    questions(2, "消火栓")
    quiz = QuizFactory(questions=[both[0]], draws=[("灭火器", 3), ("消火栓", 1)])
    plan = plan_for_quiz(quiz)
    assert [rule.short for rule in plan.rules] == [False, False]
    for seed in range(40):
        assert len(draw_questions(quiz, random.Random(seed)).question_ids) == plan.question_count


def test_a_rule_short_only_in_some_draws_is_counted_short():
    import random

    from quizzes.draw_plan import plan_for_quiz
    from quizzes.services import draw_questions

    # Rule 1 may take both shared questions, leaving rule 2 one of the three it asks for.
    [QuestionFactory(tags=["灭火器", "消火栓"]) for _ in range(2)]
    questions(3, "灭火器")
    questions(1, "消火栓")
    quiz = QuizFactory(draws=[("灭火器", 2), ("消火栓", 3)])
    rule = plan_for_quiz(quiz).rules[1]
    assert (rule.pool_size, rule.taken, rule.available, rule.short) == (3, 2, 1, True)
    sizes = {len(draw_questions(quiz, random.Random(seed)).question_ids) for seed in range(60)}
    assert min(sizes) == 3  # some learners would get 2 + 1 questions instead of 5


def test_the_quiz_editor_page_query_count_does_not_grow_with_the_bank(editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(quiz):
        with CaptureQueriesContext(connection) as context:
            assert editor.get(edit_url(quiz)).status_code == 200
        return len(context.captured_queries)

    questions(6, "灭火器")
    questions(6, "疏散")
    quiz = QuizFactory(questions=questions(2, "消火栓"), draws=[("灭火器", 5), ("疏散", 5)])
    queries(quiz)  # the first request also looks up the site, which later ones read from the cache
    small = queries(quiz)
    questions(60, "灭火器")
    questions(60, "疏散")
    assert queries(quiz) == small
    # One more rule costs its pool in the plan, its own read-out and Wagtail's topic chooser:
    # a cost per rule of the quiz, never per question of the bank.
    DrawRule.objects.create(quiz=quiz, tag_id=tag_id("消火栓"), count=1, sort_order=2)
    assert queries(quiz) <= small + 3
