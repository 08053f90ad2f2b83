import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes.demo_content import QUESTIONS
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
    assert len(QUESTIONS) >= 120
    for item in QUESTIONS:
        flags = ["ABCDEFGH"[i] in item["answer"] for i in range(len(item["choices"]))]
        assert not choice_set_errors(item["kind"], flags), item["stem"]
        assert "依据" in item["explanation"], item["stem"]
