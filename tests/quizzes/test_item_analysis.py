import pytest

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from quizzes import item_analysis, services
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.QUIZ_STATISTICS_MIN_ANSWERS = 4


def staff(group_name, *codenames):
    group, _ = Group.objects.get_or_create(name=group_name)
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user = UserFactory(is_staff=True)
    user.groups.add(group)
    return user


def signed_in(client, user):
    client.force_login(user)
    return client


def make_question(letters="ABCD"):
    return QuestionFactory(stem="被统计的题目？", choices=[f"选项{x}" for x in letters], right="A")


def choice_ids(question):
    return list(question.choices.order_by("sort_order").values_list("id", flat=True))


def answer(question, picks, others=None, fillers=()):
    """One graded attempt per letter in picks; fillers are extra questions answered by others."""
    quiz = QuizFactory(questions=[question, *fillers])
    ids = choice_ids(question)
    for index, letter in enumerate(picks):
        answers = {str(question.id): [ids["ABCD".index(letter)]]}
        for filler in fillers:
            filler_ids = choice_ids(filler)
            right = others[index] if others else True
            answers[str(filler.id)] = [filler_ids[0] if right else filler_ids[1]]
        services.submit_attempt(services.start_attempt(UserFactory(), quiz), answers)
    return quiz


def item_for(question):
    return next(item for item in item_analysis.analyse() if item.question.pk == question.pk)


def test_point_biserial_matches_a_hand_computed_example():
    # mean 50, population sd sqrt(1250), right mean 75, wrong mean 25, p = 0.5:
    # (75 - 25) / 35.355 * 0.5 = 0.7071
    value = item_analysis.point_biserial([True, True, False, False], [100, 50, 50, 0])
    assert round(value, 4) == 0.7071
    assert item_analysis.point_biserial([True, True], [100, 50]) is None


def test_a_sound_question_is_not_flagged():
    question = make_question()
    answer(question, "AAAABCD")
    item = item_for(question)
    assert (item.answered, item.right, item.flags) == (7, 4, [])
    assert [o.share for o in item.options] == [57, 14, 14, 14]


def test_too_few_answers_leave_the_question_out(settings):
    question = make_question()
    answer(question, "BBB")
    assert item_analysis.analyse() == []
    settings.QUIZ_STATISTICS_MIN_ANSWERS = 3
    assert item_for(question).right == 0


def test_default_threshold_is_thirty(settings):
    del settings.QUIZ_STATISTICS_MIN_ANSWERS
    assert item_analysis.min_answers() == 30


def test_wrong_option_chosen_more_than_the_key():
    question = make_question()
    answer(question, "AABBBCD")
    item = item_for(question)
    assert item.flags == ["lure_beats_key"]
    assert item.reasons == ["答对率 29%，选 B 的人最多：请核对答案"]


def test_ninety_percent_wrong():
    question = make_question("AB")
    answer(question, "A" + "B" * 9)
    assert "mostly_wrong" in item_for(question).flags


def test_an_option_nobody_picks():
    question = make_question()
    answer(question, "AAABBC")
    item = item_for(question)
    assert item.flags == ["unpicked_option"]
    assert "D" in item.reasons[0]


def test_negative_discrimination():
    question = make_question("AB")
    fillers = [QuestionFactory(choices=["对", "错"], right="A") for _ in range(2)]
    # Those who get the question right fail the others, and the other way round.
    answer(question, "AABBBA", others=[False, False, True, True, True, True], fillers=fillers)
    item = item_for(question)
    assert item.discrimination < 0
    assert "negative_discrimination" in item.flags


def test_right_and_wrong_follow_the_key_each_attempt_drew():
    question = make_question("AB")
    answer(question, "AAAA")
    # The key is "fixed" afterwards: the attempts keep the key they drew.
    question.choices.update(is_correct=False)
    question.choices.filter(sort_order=1).update(is_correct=True)
    item = item_for(question)
    assert item.right == 4
    assert [o.keyed for o in item.options] == [True, False]


@pytest.mark.parametrize(
    ("group_name", "codenames", "status"),
    [
        ("内容编辑", ["change_question"], 200),
        ("内容审核", ["change_question"], 200),
        ("协调员", [], 302),
    ],
)
def test_who_sees_the_page(client, group_name, codenames, status):
    response = signed_in(client, staff(group_name, *codenames)).get(
        reverse("quizzes_item_analysis")
    )
    assert response.status_code == status


def test_superuser_sees_and_learner_is_refused(client):
    url = reverse("quizzes_item_analysis")
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert signed_in(client, superuser).get(url).status_code == 200
    response = signed_in(client, UserFactory()).get(url)
    assert response.status_code == 302
    assert "login" in response.url or response.url == reverse("wagtailadmin_home")


def test_page_query_count_does_not_grow_with_questions(client, django_assert_max_num_queries):
    for _ in range(5):
        answer(make_question(), "AABBBCD")
    user = staff("内容审核", "change_question")
    signed_in(client, user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("quizzes_item_analysis"))
    assert len(response.context["items"]) == 5
    assert "选 B 的人最多" in response.content.decode()


def test_dashboard_panel_lists_flagged_questions_with_links(client):
    flagged, sound = make_question(), make_question()
    answer(flagged, "AABBBCD")
    answer(sound, "AAAABCD")
    body = (
        signed_in(client, staff("内容审核", "change_question"))
        .get(reverse("wagtailadmin_home"))
        .content.decode()
    )
    assert reverse("quizzes_question_regrade", args=[flagged.pk]) in body
    assert reverse("wagtailsnippets_quizzes_question:edit", args=[flagged.pk]) in body
    assert reverse("quizzes_question_regrade", args=[sound.pk]) not in body


def test_dashboard_panel_hidden_without_permission(client):
    answer(make_question(), "AABBBCD")
    body = signed_in(client, staff("协调员")).get(reverse("wagtailadmin_home")).content.decode()
    assert "题目需复核" not in body and "Questions to review" not in body
