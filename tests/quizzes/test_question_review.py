"""审核后发布 for the question bank: a question is drawn only once another person approved it."""

import pytest

from django.urls import reverse

from wagtail.models import Revision, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import User
from home import demo as home_demo
from quizzes import services
from quizzes.models import Question, Quiz

from .factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db

TOPIC = "待审主题"


@pytest.fixture
def editorial(db):
    """The demo's groups, workflow and editorial accounts, without the rest of the demo."""
    home_demo.load()
    return {name: User.objects.get(username=name) for name in ("editor", "reviewer", "admin")}


def question_form(stem, *, right=0, choices=("甲", "乙", "丙"), action="action-submit"):
    data = nested_form_data(
        {
            "kind": Question.Kind.SINGLE,
            "stem": stem,
            "explanation": "解析：示例。依据：《中华人民共和国消防法》第二条",
            "tags": TOPIC,
            "difficulty": 2,
            "active": "on",
            "choices": inline_formset(
                [
                    {"text": text, "is_correct": "on" if position == right else ""}
                    for position, text in enumerate(choices)
                ],
                min=2,
                max=8,
            ),
        }
    )
    data[action] = "1"
    return data


def submit_new(client, user, stem):
    client.force_login(user)
    response = client.post(
        reverse("wagtailsnippets_quizzes_question:add"), question_form(stem), follow=True
    )
    assert response.status_code == 200
    return Question.objects.get(stem=stem)


def act(client, user, question, action, **data):
    client.force_login(user)
    state = question.current_workflow_task_state
    url = reverse(
        "wagtailsnippets_quizzes_question:workflow_action",
        args=[question.pk, action, state.pk],
    )
    return client.post(url, data)


def refused(response):
    # The Wagtail admin turns a PermissionDenied into a redirect to its dashboard.
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def drawn_stems(quiz):
    drawn = services.draw_questions(quiz)
    return set(Question.objects.filter(id__in=drawn.question_ids).values_list("stem", flat=True))


def test_a_submitted_question_waits_for_review_and_is_never_drawn(client, editorial):
    question = submit_new(client, editorial["editor"], "新写的题目：灭火器压力表黄区表示什么？")
    assert not question.live
    assert question.workflow_in_progress
    assert question not in Question.objects.drawable()
    quiz = QuizFactory(draws=[(TOPIC, 5)])
    QuestionFactory(tags=[TOPIC])
    assert question.stem not in drawn_stems(quiz)


def test_a_learner_never_gets_a_draft_question_even_when_fixed_in_a_quiz(client, editorial):
    draft = submit_new(client, editorial["editor"], "固定在测验里的待审题目？")
    approved = QuestionFactory()
    quiz = QuizFactory(questions=[draft, approved])
    learner = User.objects.create_user("learner_review", password="x" * 12)
    attempt = services.start_attempt(learner, quiz)
    assert attempt.question_ids == [approved.pk]


def test_the_reviewer_approves_and_the_next_attempt_draws_it(client, editorial):
    question = submit_new(client, editorial["editor"], "审核通过后才可抽到的题目？")
    quiz = QuizFactory(draws=[(TOPIC, 5)])
    assert question.stem not in drawn_stems(quiz)

    response = act(client, editorial["reviewer"], question, "approve", comment="已核对依据")
    assert not refused(response)
    question.refresh_from_db()
    assert question.live and not question.workflow_in_progress
    assert question.live_revision_id == question.latest_revision_id
    assert question.stem in drawn_stems(quiz)
    learner = User.objects.create_user("learner_next", password="x" * 12)
    attempt = services.start_attempt(learner, quiz)
    assert attempt.question_revisions[str(question.pk)] == question.live_revision_id


def test_nobody_approves_their_own_question(client, editorial):
    reviewer = editorial["reviewer"]
    question = submit_new(client, reviewer, "审核员自己写的题目？")
    assert refused(act(client, reviewer, question, "approve"))
    question.refresh_from_db()
    assert not question.live
    assert not TaskState.objects.reviewable_by(reviewer).filter(
        workflow_state__object_id=str(question.pk)
    )
    # The superuser too: being allowed everything is not being someone else.
    admin_question = submit_new(client, editorial["admin"], "管理员自己写的题目？")
    assert refused(act(client, editorial["admin"], admin_question, "approve"))
    admin_question.refresh_from_db()
    assert not admin_question.live
    # Another member of the group may.
    assert not refused(act(client, editorial["admin"], question, "approve"))
    question.refresh_from_db()
    assert question.live


def test_an_editor_cannot_approve(client, editorial):
    question = submit_new(client, editorial["admin"], "编辑无权批准的题目？")
    assert refused(act(client, editorial["editor"], question, "approve"))
    question.refresh_from_db()
    assert not question.live


def test_the_reviewer_sends_it_back_with_a_comment(client, editorial):
    question = submit_new(client, editorial["editor"], "需要修改的题目？")
    comment = "答案依据不对，请核对"
    response = act(client, editorial["reviewer"], question, "reject", comment=comment)
    assert not refused(response)
    question.refresh_from_db()
    assert not question.live
    state = WorkflowState.objects.for_instance(question).get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.filter(workflow_state=state).get().comment == comment
    assert question.stem not in drawn_stems(QuizFactory(draws=[(TOPIC, 5)]))


def test_a_change_to_a_live_question_waits_and_draws_keep_the_approved_text(client, editorial):
    question = submit_new(client, editorial["editor"], "原来的题干？")
    act(client, editorial["reviewer"], question, "approve")
    question.refresh_from_db()
    approved_revision = question.live_revision_id

    client.force_login(editorial["editor"])
    edit = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    data = question_form("改过的题干？")
    for position, choice in enumerate(question.choices.order_by("sort_order")):
        data[f"choices-{position}-id"] = choice.pk
    data["choices-INITIAL_FORMS"] = 3
    assert client.post(edit, data).status_code == 302
    question.refresh_from_db()
    assert question.stem == "原来的题干？", "the row keeps the approved text"
    assert question.has_unpublished_changes and question.workflow_in_progress
    quiz = QuizFactory(draws=[(TOPIC, 5)])
    assert drawn_stems(quiz) == {"原来的题干？"}
    learner = User.objects.create_user("learner_old", password="x" * 12)
    assert services.start_attempt(learner, quiz).question_revisions == {
        str(question.pk): approved_revision
    }

    # The reviewer compares the two revisions before approving.
    client.force_login(editorial["reviewer"])
    latest = question.latest_revision_id
    compare = reverse(
        "wagtailsnippets_quizzes_question:revisions_compare",
        args=[question.pk, approved_revision, latest],
    )
    page = client.get(compare).content.decode()
    assert "原来的题干" in page and "改过的题干" in page
    act(client, editorial["reviewer"], question, "approve")
    question.refresh_from_db()
    assert question.stem == "改过的题干？"
    assert drawn_stems(quiz) == {"改过的题干？"}
    assert Revision.objects.filter(pk=approved_revision).exists()


def import_bank(client, user, stems):
    from .test_import import URL, row, xlsx

    client.force_login(user)
    preview = client.post(URL, {"file": xlsx([row(stem=stem, tags=TOPIC) for stem in stems])})
    return client.post(URL, {"token": preview.context["token"]}, follow=True)


def bulk_approve_url(questions):
    url = reverse("wagtail_bulk_action", args=["quizzes", "question", "approve"])
    listing = reverse("wagtailsnippets_quizzes_question:list")
    return url + f"?next={listing}&" + "&".join(f"id={q.pk}" for q in questions)


def test_an_imported_bank_arrives_as_drafts_and_is_approved_in_one_go(client, editorial):
    stems = ["导入的第一题？", "导入的第二题？", "导入的第三题？"]
    response = import_bank(client, editorial["editor"], stems)
    assert "提交审核" in response.content.decode()
    questions = list(Question.objects.filter(stem__in=stems))
    assert len(questions) == 3
    batch = questions[0].imported_in
    assert batch.imported_by == editorial["editor"] and batch.file_name == "bank.xlsx"
    assert all(q.imported_in == batch and not q.live and q.workflow_in_progress for q in questions)
    assert not drawn_stems(QuizFactory(draws=[(TOPIC, 5)]))

    # The batch's listing shows the three, and the editor cannot approve them.
    client.force_login(editorial["reviewer"])
    listing_url = reverse("wagtailsnippets_quizzes_question:list")
    listing = client.get(listing_url, {"imported_in": batch.pk})
    assert all(stem in listing.content.decode() for stem in stems)
    client.force_login(editorial["editor"])
    client.post(bulk_approve_url(questions))
    assert not Question.objects.filter(stem__in=stems, live=True).exists()

    # The reviewer reads them with their keys on one page, then approves.
    client.force_login(editorial["reviewer"])
    page = client.get(bulk_approve_url(questions)).content.decode()
    assert all(stem in page for stem in stems) and "✓ 绿区" in page
    response = client.post(bulk_approve_url(questions), follow=True)
    assert "3 道题目已批准" in response.content.decode()
    assert "已批准并发布" not in response.content.decode(), "one message, not one per question"
    assert Question.objects.filter(stem__in=stems, live=True).count() == 3
    assert drawn_stems(QuizFactory(draws=[(TOPIC, 5)])) == set(stems)


def test_a_reviewer_cannot_approve_the_bank_they_imported(client, editorial):
    stems = ["审核员自己导入的题？"]
    import_bank(client, editorial["reviewer"], stems)
    questions = list(Question.objects.filter(stem__in=stems))
    page = client.get(bulk_approve_url(questions)).content.decode()
    assert "您自己提交的" in page
    client.post(bulk_approve_url(questions))
    assert not Question.objects.filter(stem__in=stems, live=True).exists()


def test_a_reviewer_cannot_publish_past_the_review(client, editorial):
    reviewer = editorial["reviewer"]
    client.force_login(reviewer)
    form = client.get(reverse("wagtailsnippets_quizzes_question:add")).content.decode()
    assert 'name="action-publish"' not in form and 'name="action-submit"' in form
    stem = "审核员想直接发布的题目？"
    client.post(
        reverse("wagtailsnippets_quizzes_question:add"),
        question_form(stem, action="action-publish"),
    )
    question = Question.objects.get(stem=stem)
    assert not question.live, "the publish action is refused, the question stays a draft"


def test_a_reviewer_who_edits_what_waits_for_them_cannot_approve_it(client, editorial):
    question = submit_new(client, editorial["editor"], "编辑提交的题干？")
    client.force_login(editorial["reviewer"])
    edit = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    data = question_form("审核员改过的题干？", action="action-save")
    for position, choice in enumerate(question.choices.order_by("sort_order")):
        data[f"choices-{position}-id"] = choice.pk
    data["choices-INITIAL_FORMS"] = 3
    assert client.post(edit, data).status_code == 302
    # A stale form submitting again what already waits saves a draft instead of failing.
    data["action-submit"] = "1"
    assert client.post(edit, data).status_code == 302
    question.refresh_from_db()
    assert question.get_latest_revision().user == editorial["reviewer"]
    assert refused(act(client, editorial["reviewer"], question, "approve"))
    question.refresh_from_db()
    assert not question.live
    # Someone else approves the reviewer's wording.
    assert not refused(act(client, editorial["admin"], question, "approve"))
    question.refresh_from_db()
    assert question.live and question.stem == "审核员改过的题干？"


def test_approving_from_the_editor_with_changes_saves_them_for_another_reviewer(client, editorial):
    question = submit_new(client, editorial["editor"], "编辑写的题干？")
    client.force_login(editorial["reviewer"])
    edit = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    data = question_form("审核员顺手改的题干？", action="action-workflow-action")
    for position, choice in enumerate(question.choices.order_by("sort_order")):
        data[f"choices-{position}-id"] = choice.pk
    data["choices-INITIAL_FORMS"] = 3
    data["workflow-action-name"] = "approve"
    response = client.post(edit, data, follow=True)
    assert "另一位审核员" in response.content.decode()
    question.refresh_from_db()
    assert not question.live and question.workflow_in_progress
    assert not refused(act(client, editorial["admin"], question, "approve"))
    question.refresh_from_db()
    assert question.live and question.stem == "审核员顺手改的题干？"


def quiz_act(client, user, quiz, action):
    client.force_login(user)
    quiz.refresh_from_db()
    state = quiz.current_workflow_task_state
    url = reverse("wagtailsnippets_quizzes_quiz:workflow_action", args=[quiz.pk, action, state.pk])
    return client.post(url, {})


def test_a_new_quiz_opens_to_learners_only_once_approved(client, editorial):
    from .test_quiz_building import quiz_form

    question = QuestionFactory()
    client.force_login(editorial["editor"])
    data = quiz_form(fixed=[question.pk], slug="reviewed-quiz")
    data["action-submit"] = "1"
    assert client.post(reverse("wagtailsnippets_quizzes_quiz:add"), data).status_code == 302
    quiz = Quiz.objects.get(slug="reviewed-quiz")
    assert not quiz.live and quiz.workflow_in_progress
    learner = User.objects.create_user("quiz_learner", password="x" * 12)
    client.force_login(learner)
    assert client.get(reverse("quizzes:quiz", args=[quiz.slug])).status_code == 404
    assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 404

    assert refused(quiz_act(client, editorial["editor"], quiz, "approve"))
    assert not refused(quiz_act(client, editorial["reviewer"], quiz, "approve"))
    quiz.refresh_from_db()
    assert quiz.live
    client.force_login(learner)
    assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302


def test_a_changed_pass_mark_applies_only_once_approved(client, editorial):
    question = QuestionFactory()
    quiz = QuizFactory(questions=[question], pass_mark=60)
    client.force_login(editorial["editor"])
    edit = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    page = client.get(edit).content.decode()
    assert 'name="action-publish"' not in page
    from .test_quiz_building import quiz_form

    data = quiz_form(slug=quiz.slug, title=quiz.title, pass_mark="0")
    data.update(
        {
            "fixed_questions-TOTAL_FORMS": "1",
            "fixed_questions-INITIAL_FORMS": "1",
            "fixed_questions-0-id": str(quiz.fixed_questions.get().pk),
            "fixed_questions-0-question": str(question.pk),
            "fixed_questions-0-ORDER": "1",
            "action-submit": "1",
        }
    )
    assert client.post(edit, data).status_code == 302
    quiz.refresh_from_db()
    assert quiz.pass_mark == 60, "the learners' quiz keeps the approved pass mark"
    assert quiz.has_unpublished_changes and quiz.workflow_in_progress
    assert not refused(quiz_act(client, editorial["reviewer"], quiz, "approve"))
    quiz.refresh_from_db()
    assert quiz.pass_mark == 0


def test_an_editor_regrades_with_a_key_fix_only_once_it_is_approved(client, editorial):
    from quizzes.models import Choice

    mistaken = QuestionFactory(right="A")
    quiz = QuizFactory(questions=[mistaken])
    learner = User.objects.create_user("regrade_learner", password="x" * 12)
    attempt = services.start_attempt(learner, quiz)
    c_choice = mistaken.choices.get(sort_order=2)
    services.submit_attempt(attempt, {mistaken.pk: [c_choice.pk]})

    # The editor fixes the key (A → C) and submits it; the fix waits for review.
    client.force_login(editorial["editor"])
    edit = reverse("wagtailsnippets_quizzes_question:edit", args=[mistaken.pk])
    data = question_form(mistaken.stem, right=2, choices=("甲", "乙", "丙", "丁"))
    data["tags"] = ""
    for position, choice in enumerate(mistaken.choices.order_by("sort_order")):
        data[f"choices-{position}-id"] = choice.pk
    data["choices-INITIAL_FORMS"] = 4
    assert client.post(edit, data).status_code == 302
    regrade = reverse("quizzes_question_regrade", args=[mistaken.pk])
    assert "等待审核" in client.get(regrade).content.decode()
    assert client.post(regrade).status_code == 409
    attempt.refresh_from_db()
    assert not attempt.passed

    act(client, editorial["reviewer"], Question.objects.get(pk=mistaken.pk), "approve")
    assert Choice.objects.get(pk=c_choice.pk).is_correct
    client.force_login(editorial["editor"])
    assert client.post(regrade).status_code == 200
    attempt.refresh_from_db()
    assert attempt.passed


def test_a_bulk_approval_of_ids_that_are_not_numbers_is_a_404(client, editorial):
    client.force_login(editorial["reviewer"])
    url = reverse("wagtail_bulk_action", args=["quizzes", "question", "approve"]) + "?id=abc"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
