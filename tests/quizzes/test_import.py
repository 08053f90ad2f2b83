from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from quizzes.importer import COLUMNS
from quizzes.models import Question
from tests.factories import UserFactory
from tests.quizzes.factories import QuestionFactory

pytestmark = pytest.mark.django_db
URL = "/admin/quizzes/import/"


def xlsx(rows, header=COLUMNS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("bank.xlsx", buffer.getvalue())


def row(
    kind="单选",
    stem="灭火器压力表指针在哪个区域表示压力正常？",
    choices=("红区", "绿区", "黄区"),
    answer="B",
    explanation="依据：示例",
    tags="灭火器、消防法规",
    level="2",
):
    choices = list(choices) + [""] * (6 - len(choices))
    return [kind, stem, *choices, answer, explanation, tags, level]


def upload(client, file):
    return client.post(URL, {"file": file})


def test_template_download_has_the_columns(admin_client):
    response = admin_client.get(URL + "?template=1")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[1]] == COLUMNS


def test_preview_lists_each_rows_problem_and_saves_nothing(admin_client):
    QuestionFactory(stem="已在题库中的题目？")
    rows = [
        row(),
        row(kind="填空", stem="题型未知的题"),
        row(stem="没有答案的题", answer=""),
        row(stem="答案字母超出选项的题", answer="E"),
        row(stem=""),
        row(stem="已在题库中的题目？"),
        row(stem="单选却有两个答案", answer="AB"),
        row(kind="多选", stem="多选只有一个对的", answer="A"),
    ]
    response = upload(admin_client, xlsx(rows))
    assert response.status_code == 200
    assert Question.objects.count() == 1
    problems = {r.number: " ".join(r.problems) for r in response.context["preview"].rows}
    expected = {
        2: "",
        3: gettext("Unknown question type “%(kind)s”: use 单选, 多选 or 判断.") % {"kind": "填空"},
        4: gettext("No right answer given."),
        5: gettext("Answer %(letters)s is not among the choices (%(choices)s).")
        % {"letters": "E", "choices": "ABC"},
        6: gettext("The question text is empty."),
        7: gettext("Duplicate: the bank already has this question."),
        8: gettext("A single-choice question needs exactly one right choice."),
        9: gettext(
            "A multiple-choice question needs at least two right choices "
            "and at least one wrong one."
        ),
    }
    for number, message in expected.items():
        assert message in problems[number], (number, problems[number])
        if message:
            assert escape(message) in response.content.decode()
    assert problems[2] == ""


def test_confirm_saves_valid_rows_in_one_go_and_reimport_adds_nothing(admin_client):
    rows = [
        row(),
        row(
            kind="多选",
            stem="单位应当保障哪些通道畅通？",
            choices=("疏散通道", "安全出口", "消防车通道", "货架间距"),
            answer="A,B、C",
        ),
        row(
            kind="判断",
            stem="任何单位和成年人都有参加有组织的灭火工作的义务。",
            choices=(),
            answer="对",
        ),
        row(stem=""),
    ]
    response = upload(admin_client, xlsx(rows))
    token = response.context["token"]
    response = admin_client.post(URL, {"token": token})
    assert response.status_code == 302
    assert Question.objects.count() == 3
    multiple = Question.objects.get(kind="multiple")
    assert [c.is_correct for c in multiple.choices.order_by("sort_order")] == [
        True,
        True,
        True,
        False,
    ]
    truefalse = Question.objects.get(kind="truefalse")
    assert [(c.text, c.is_correct) for c in truefalse.choices.order_by("sort_order")] == [
        ("正确", True),
        ("错误", False),
    ]
    assert set(multiple.tags.names()) == {"灭火器", "消防法规"}
    # Reusing an old confirm does nothing, and re-uploading shows every row as a duplicate.
    admin_client.post(URL, {"token": token})
    response = upload(admin_client, xlsx(rows))
    assert not response.context["token"]
    assert Question.objects.count() == 3


def test_stem_differing_only_in_spaces_and_punctuation_is_a_duplicate(admin_client):
    QuestionFactory(stem="消防工作贯彻的方针是什么？")
    response = upload(admin_client, xlsx([row(stem=" 消防工作贯彻的方针是什么 ? ")]))
    assert not response.context["preview"].valid_rows


def test_file_that_is_not_a_spreadsheet_gets_a_readable_error(admin_client):
    for name, content in [
        ("bank.xlsx", b"this is not a workbook"),
        ("bank.csv", b"a,b,c\n1,2,3"),
        ("empty.xlsx", b""),
    ]:
        response = upload(admin_client, SimpleUploadedFile(name, content))
        assert response.status_code == 400
        assert Question.objects.count() == 0


def test_five_thousand_bad_rows_give_a_readable_preview_and_save_nothing(admin_client):
    rows = [row(kind="未知", stem=f"第{i}题") for i in range(5000)]
    response = upload(admin_client, xlsx(rows))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview.problem_rows) == 5000 and not preview.valid_rows
    assert response.content.decode().count("<tr><td>") <= 201
    assert Question.objects.count() == 0


def test_wrong_header_is_explained(admin_client):
    response = upload(admin_client, xlsx([row()], header=["a", "b", "c"]))
    assert response.context["preview"].error
    assert Question.objects.count() == 0


def test_script_in_imported_text_is_shown_escaped(admin_client, learner, client):
    stem = '<script>alert("x")</script><b>粗体</b>题干？'
    response = upload(
        admin_client,
        xlsx([row(stem=stem, choices=("<img src=x onerror=alert(1)>", "乙"), answer="A")]),
    )
    assert "<script>alert" not in response.content.decode()
    admin_client.post(URL, {"token": response.context["token"]})
    question = Question.objects.get()
    assert question.stem == stem
    question.get_latest_revision().publish()  # as a reviewer's approval does
    from quizzes import services
    from tests.quizzes.factories import QuizFactory

    attempt = services.start_attempt(learner, QuizFactory(questions=[question]))
    client.force_login(learner)
    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_import_needs_permission(client):
    client.force_login(UserFactory(is_staff=True))
    assert upload(client, xlsx([row()])).status_code in (302, 403)
    assert Question.objects.count() == 0
