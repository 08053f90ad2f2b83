import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes.demo import bank_rows
from quizzes.models import Question, choice_set_errors
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db
ADD = reverse("wagtailsnippets_quizzes_question:add")


def question_form(kind, choices, right, stem="新题目：下列说法哪个正确？", tags="灭火器"):
    data = {
        "kind": kind,
        "stem": stem,
        "explanation": "依据：《中华人民共和国消防法》第二条",
        "tags": tags,
        "difficulty": "2",
        "active": "on",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "2",
        "choices-MAX_NUM_FORMS": "8",
    }
    for i, text in enumerate(choices):
        data[f"choices-{i}-text"] = text
        data[f"choices-{i}-ORDER"] = str(i + 1)
        data[f"choices-{i}-id"] = ""
        data[f"choices-{i}-DELETE"] = ""
        if "ABCDEFGH"[i] in right:
            data[f"choices-{i}-is_correct"] = "on"
    return data


@pytest.mark.parametrize(
    ("kind", "flags", "ok"),
    [
        ("single", [True, False, False], True),
        ("single", [True, True, False], False),
        ("single", [False, False], False),
        ("multiple", [True, True, False], True),
        ("multiple", [True, False, False], False),
        ("multiple", [True, True, True], False),
        ("truefalse", [True, False], True),
        ("truefalse", [True, False, False], False),
        ("truefalse", [False, False], False),
    ],
)
def test_choice_rules_per_type(kind, flags, ok):
    assert (not choice_set_errors(kind, flags)) is ok


def test_editor_adds_a_valid_question_with_choices_and_topics(editor_client):
    response = editor_client.post(ADD, question_form("multiple", ["甲", "乙", "丙"], "AB"))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert [c.is_correct for c in question.choices.all()] == [True, True, False]
    assert list(question.tags.names()) == ["灭火器"]
    assert question.stem_hash


@pytest.mark.parametrize(
    ("kind", "choices", "right"),
    [
        ("single", ["甲", "乙", "丙"], "AB"),
        ("multiple", ["甲", "乙", "丙"], "A"),
        ("truefalse", ["对", "错", "不知道"], "A"),
        ("single", ["甲", "乙"], ""),
    ],
)
def test_admin_form_refuses_wrong_choice_sets_with_an_error(editor_client, kind, choices, right):
    response = editor_client.post(ADD, question_form(kind, choices, right))
    assert response.status_code == 200
    assert Question.objects.count() == 0
    errors = response.context["form"].non_field_errors()
    assert errors and any(str(e) for e in errors)


def test_admin_form_refuses_a_duplicate_stem(editor_client):
    QuestionFactory(stem="重复的题目？")
    response = editor_client.post(
        ADD, question_form("single", ["甲", "乙"], "A", stem="重复的题目？")
    )
    assert response.status_code == 200
    assert Question.objects.count() == 1


def test_model_clean_refuses_an_empty_stem():
    with pytest.raises(ValidationError):
        Question(kind="single", stem="  ").full_clean()


def test_question_and_quiz_listings_open_for_editors(editor_client):
    QuestionFactory(tags=["消控室"])
    for name in (
        "wagtailsnippets_quizzes_question:list",
        "wagtailsnippets_quizzes_quiz:list",
        "wagtailsnippets_quizzes_quiz:add",
        "wagtailsnippets_quizzes_questiontag:list",
    ):
        assert editor_client.get(reverse(name)).status_code == 200


def test_demo_bank_is_large_valid_and_cites_its_basis():
    questions = [row.as_data() for row in bank_rows()]
    assert len(questions) >= 120
    for item in questions:
        flags = ["ABCDEFGH"[i] in item["answer"] for i in range(len(item["choices"]))]
        assert not choice_set_errors(item["kind"], flags), item["stem"]
        assert "依据" in item["explanation"], item["stem"]


def test_question_and_quiz_edit_pages_open(editor_client):
    from tests.quizzes.factories import QuizFactory

    question = QuestionFactory(tags=["消控室"])
    quiz = QuizFactory(questions=[question], draws=[("消控室", 3)])
    for name, pk in (
        ("wagtailsnippets_quizzes_question:edit", question.pk),
        ("wagtailsnippets_quizzes_quiz:edit", quiz.pk),
    ):
        response = editor_client.get(reverse(name, args=[pk]))
        assert response.status_code == 200
        assert question.stem in response.content.decode() or name.endswith("quiz:edit")


def test_editor_creates_a_quiz_with_fixed_questions_and_a_draw(editor_client):
    from quizzes.models import QuestionTag, Quiz

    question = QuestionFactory(tags=["灭火器"])
    # The rule draws 5 besides the fixed one: a smaller pool is refused (test_quiz_building).
    QuestionFactory.create_batch(5, tags=["灭火器"])
    tag = QuestionTag.objects.get(name="灭火器")
    data = {
        "title": "灭火器小测验",
        "slug": "extinguisher-mini",
        "intro": "",
        "pass_mark": "80",
        "time_limit_minutes": "15",
        "attempts_allowed": "2",
        "review_policy": "explanations",
        "active": "on",
        "fixed_questions-TOTAL_FORMS": "1",
        "fixed_questions-INITIAL_FORMS": "0",
        "fixed_questions-MIN_NUM_FORMS": "0",
        "fixed_questions-MAX_NUM_FORMS": "1000",
        "fixed_questions-0-question": str(question.pk),
        "fixed_questions-0-ORDER": "1",
        "fixed_questions-0-id": "",
        "fixed_questions-0-DELETE": "",
        "draw_rules-TOTAL_FORMS": "1",
        "draw_rules-INITIAL_FORMS": "0",
        "draw_rules-MIN_NUM_FORMS": "0",
        "draw_rules-MAX_NUM_FORMS": "1000",
        "draw_rules-0-tag": str(tag.pk),
        "draw_rules-0-count": "5",
        "draw_rules-0-difficulty": "",
        "draw_rules-0-ORDER": "1",
        "draw_rules-0-id": "",
        "draw_rules-0-DELETE": "",
    }
    response = editor_client.post(reverse("wagtailsnippets_quizzes_quiz:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = Quiz.objects.get(slug="extinguisher-mini")
    assert list(quiz.fixed_questions.values_list("question_id", flat=True)) == [question.pk]
    assert quiz.draw_rules.get().count == 5
    bad = dict(data, slug="pass-too-high", pass_mark="120")
    response = editor_client.post(reverse("wagtailsnippets_quizzes_quiz:add"), bad)
    assert response.status_code == 200
    assert not Quiz.objects.filter(slug="pass-too-high").exists()
