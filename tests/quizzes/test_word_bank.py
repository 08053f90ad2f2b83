"""Question banks in Word (.docx) or plain text (.txt), through the editors' import page."""

import io
import zipfile
from pathlib import Path

import docx
import pytest

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext

from quizzes.models import Question

pytestmark = pytest.mark.django_db
URL = "/admin/quizzes/import/"
SAMPLES = Path(settings.BASE_DIR) / "content" / "samples"


def docx_file(paragraphs, name="bank.docx"):
    """A Word document of these paragraphs; a list inside is one paragraph of soft breaks."""
    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, list):
            added = document.add_paragraph()
            for index, line in enumerate(paragraph):
                run = added.add_run(line)
                if index < len(paragraph) - 1:
                    run.add_break()
        else:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def sample(name):
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


def upload(client, file):
    return client.post(URL, {"file": file})


def problems_by_number(response):
    return {row.number: " ".join(row.problems) for row in response.context["preview"].rows}


def test_tidy_sample_imports_every_question_with_its_type_answer_and_topics(editor_client):
    response = upload(editor_client, sample("question-bank-tidy.docx"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.problem_rows, [(r.number, r.problems) for r in preview.problem_rows]
    assert len(preview.valid_rows) == 14
    assert preview.number_label == gettext("Paragraph")
    assert preview.valid_rows[0].number == 5  # the paragraph of "1. 单位的消防安全责任人…"
    assert Question.objects.count() == 0  # nothing saved before the confirmation

    response = editor_client.post(URL, {"token": response.context["token"]})
    assert response.status_code == 302
    kinds = list(Question.objects.values_list("kind", flat=True))
    assert (kinds.count("single"), kinds.count("multiple"), kinds.count("truefalse")) == (6, 4, 4)
    control_room = Question.objects.get(stem__startswith="消防控制室实行24小时值班制度")
    assert [(c.text, c.is_correct) for c in control_room.choices.order_by("sort_order")] == [
        ("1人", False),
        ("2人", True),
        ("3人", False),
        ("4人", False),
    ]
    assert "GB 25506-2010" in control_room.explanation
    assert set(control_room.tags.names()) == {"消控室"}
    assert control_room.difficulty == 1
    lanes = Question.objects.get(stem__startswith="单位应当保障下列哪些通道畅通")
    assert [c.is_correct for c in lanes.choices.order_by("sort_order")] == [True, True, True, False]
    lift = Question.objects.get(stem__startswith="发生火灾时，可以乘坐普通电梯")
    assert [(c.text, c.is_correct) for c in lift.choices.order_by("sort_order")] == [
        ("正确", False),
        ("错误", True),
    ]
    # The same file again: every question is already in the bank.
    response = upload(editor_client, sample("question-bank-tidy.docx"))
    assert not response.context["token"]
    assert Question.objects.count() == 14


def test_messy_sample_imports_its_good_questions_and_names_each_bad_one_by_paragraph(
    editor_client,
):
    response = upload(editor_client, sample("question-bank-messy.docx"))
    assert response.status_code == 200
    problems = problems_by_number(response)
    expected = {
        17: gettext("A single-choice question needs exactly one right choice."),  # 答案：CD
        20: gettext("The question text is empty."),  # "5、" and nothing after it
        23: gettext("Answer %(letters)s is not among the choices (%(choices)s).")
        % {"letters": "E", "choices": "AB"},
        27: gettext("No right answer given."),
        45: gettext(
            "A true/false question has no choices of its own (this one has %(letters)s). "
            "If it is a choice question, move it to the 单选题 or 多选题 section."
        )
        % {"letters": "A–C"},
    }
    for number, message in expected.items():
        assert message in problems[number], (number, problems[number])
        assert message in response.content.decode()
    assert {n for n, p in problems.items() if not p} == {6, 10, 15, 31, 37, 42, 43, 48}
    assert Question.objects.count() == 0

    editor_client.post(URL, {"token": response.context["token"]})
    assert Question.objects.count() == 8
    report = Question.objects.get(stem__startswith="发现火灾后")
    assert [c.text for c in report.choices.order_by("sort_order")] == [
        "立即报警",
        "先收拾贵重物品",
        "等别人报警",
        "拍照发到群里",
    ]
    assert report.choices.get(is_correct=True).text == "立即报警"
    metals = Question.objects.get(stem__startswith="钾、钠、镁")
    assert "（D）" not in metals.stem and metals.stem.endswith("（  ）")
    assert metals.choices.get(is_correct=True).text == "D类火灾"
    escape = Question.objects.get(stem__startswith="火场逃生时")
    assert escape.kind == "multiple"
    assert [c.is_correct for c in escape.choices.order_by("sort_order")] == [
        True,
        True,
        False,
        False,
        True,
    ]
    co2 = Question.objects.get(stem__startswith="使用二氧化碳灭火器")
    assert [c.is_correct for c in co2.choices.order_by("sort_order")] == [True, True, False, True]
    routes = Question.objects.get(stem__startswith="禁止占用、堵塞")
    assert "√" not in routes.stem and routes.kind == "truefalse"
    assert routes.choices.get(is_correct=True).text == "正确"
    training = Question.objects.get(stem__startswith="公众聚集场所对员工")
    assert "第三十六条第二款" in training.explanation
    assert "并非所有人员密集场所" in training.explanation
    assert not Question.objects.filter(stem__startswith="室内消火栓箱").exists()


def test_without_sections_the_type_comes_from_the_answer_and_layout_variants_are_read(
    editor_client,
):
    response = upload(
        editor_client,
        docx_file(
            [
                "消防安全测试（无分部分）",
                "（1）公众聚集场所营业期间的防火巡查，至少每隔多长时间一次？",
                "A、1小时 B、2小时 C、4小时 D、8小时 【答案】B【解析】公安部令第61号第二十五条",
                "第2题．单位应当保障哪些通道畅通？",
                ["Ａ．疏散通道", "Ｂ．安全出口", "Ｃ．消防车通道", "Ｄ．仓库货架之间的间距"],
                "正确答案：A、B、C",
                "（一）电气火灾",
                "4、电气设备着火时，应先切断电源。",
                "参考答案：√",
                "5、消防救援机构扑救火灾收取费用。（×）",
            ]
        ),
    )
    rows = response.context["preview"].rows
    assert [(r.number, r.kind_label, r.answer, r.problems) for r in rows] == [
        (2, "单选", "B", []),
        (4, "多选", "ABC", []),
        (8, "判断", "A", []),
        (10, "判断", "B", []),
    ]
    assert rows[0].explanation == "公安部令第61号第二十五条"
    assert rows[0].choices == ["1小时", "2小时", "4小时", "8小时"]
    assert rows[1].choices[3] == "仓库货架之间的间距"
    assert rows[3].stem == "消防救援机构扑救火灾收取费用。（  ）"


def test_layout_mistakes_are_row_problems_with_their_paragraph(editor_client):
    response = upload(
        editor_client,
        docx_file(
            [
                "答案：A",  # 1: an answer before any question
                "1. 题干一",  # 2
                "A. 甲",
                "C. 丙",  # 4: B is missing
                "答案：A",
                "这一段既不是解析也不是选项",  # 6
                "2. 题干二（B）",  # 7
                "A. 甲",
                "B. 乙",
                "答案：A",  # differs from the answer in the brackets
                "答案：B",  # 11: a second answer line
            ]
        ),
    )
    assert response.status_code == 200
    problems = problems_by_number(response)
    assert "第 1 段" in problems[1] and "上面没有带题号的题目" in problems[1]
    assert "第 4 段：出现选项 C，应为 B" in problems[2]
    assert "第 6 段不是题目、选项、答案或解析" in problems[2]
    assert "括号中的答案（B）与答案行（A）不一致" in problems[7]
    assert "第 11 段：同一道题有第二个答案行" in problems[7]
    assert not response.context["token"]


def test_word_automatic_numbering_is_explained(editor_client):
    document = docx.Document()
    document.add_paragraph("单位的消防安全责任人由谁担任？", style="List Number")
    document.add_paragraph("A. 单位的主要负责人")
    document.add_paragraph("B. 保安队长")
    document.add_paragraph("答案：A")
    buffer = io.BytesIO()
    document.save(buffer)
    response = upload(editor_client, SimpleUploadedFile("bank.docx", buffer.getvalue()))
    problems = problems_by_number(response)
    assert "自动编号" in problems[1]


TEXT_BANK = (
    "一、单选题\r\n"
    "1、灭火器压力表指针在绿色区域表示（  ）。\r\n"
    "A．压力正常　B．压力不足　C．压力过高\r\n"
    "答案：A\r\n"
    "\r\n"
    "二、判断题\r\n"
    "2、发生火灾时可以乘坐普通电梯逃生。\r\n"
    "答案：错\r\n"
    "3、判断题不需要选项。\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_bank_in_each_encoding_gives_the_same_rows_by_line(editor_client, encoding):
    response = upload(editor_client, SimpleUploadedFile("bank.txt", TEXT_BANK.encode(encoding)))
    preview = response.context["preview"]
    assert preview.number_label == gettext("Line")
    assert [(r.number, r.kind_label, r.answer) for r in preview.rows] == [
        (2, "单选", "A"),
        (7, "判断", "B"),
        (9, "判断", ""),
    ]
    assert preview.rows[0].stem == "灭火器压力表指针在绿色区域表示（  ）。"
    assert gettext("No right answer given.") in preview.rows[2].problems


def test_text_that_is_neither_utf8_nor_gb18030_or_is_binary_is_refused(editor_client):
    for data in [b"\x00\x01binary", b"\x81\x30\x81"]:  # NUL bytes; a cut GB18030 sequence
        response = upload(editor_client, SimpleUploadedFile("bank.txt", data))
        assert response.status_code == 400
        assert response.context["preview"].error


def test_a_file_with_no_numbered_question_is_explained(editor_client):
    response = upload(editor_client, docx_file(["消防安全知识", "没有题号的文字"]))
    assert response.status_code == 400
    assert "没有找到题目" in response.context["preview"].error


# Hostile documents ---------------------------------------------------------------------------

SMALL = {
    "file_bytes": 1024 * 1024,
    "uncompressed_bytes": 2 * 1024 * 1024,
    "xml_part_bytes": 512 * 1024,
    "zip_members": 40,
    "lines": 200,
    "line_chars": 600,
    "questions": 3,
    "field_chars": 100,
}


@pytest.fixture
def small_limits(settings):
    settings.QUESTION_DOCUMENT_LIMITS = SMALL


def rezip(data, extra=(), replace=None):
    """The .docx with extra members added, or one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if replace and item.filename == replace[0]:
                content = replace[1](content)
            target.writestr(item, content)
        for name, content in extra:
            target.writestr(name, content)
    return buffer.getvalue()


def plain_docx():
    return docx_file(["1. 题干", "A. 甲", "B. 乙", "答案：A"]).read()


def bomb():
    # 3 MB of zeros deflate to a few KB: under the file limit, over the unpacked one.
    return rezip(plain_docx(), extra=[("word/media/image1.png", b"\0" * 3 * 1024 * 1024)])


PADDING = b" " * 600_000


def huge_document_part():
    return rezip(
        plain_docx(),
        replace=(
            "word/document.xml",
            lambda xml: xml.replace(b"</w:body>", b" " * 600_000 + b"</w:body>"),
        ),
    )


def many_members():
    return rezip(plain_docx(), extra=[(f"customXml/extra{i}.xml", b"<a/>") for i in range(50)])


def entity_bomb():
    dtd = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
    return rezip(
        plain_docx(),
        replace=("word/document.xml", lambda xml: dtd + xml.split(b"?>", 1)[1]),
    )


def many_paragraphs():
    return docx_file([""] * 250).read()


def too_many_questions():
    return docx_file([f"{n}. 第{n}题\n答案：对" for n in range(1, 5)]).read()


def encrypted():
    data = bytearray(plain_docx())
    # Set the "encrypted" flag of every central directory entry.
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        data[start + 8] |= 0x1
        start += 4
    return bytes(data)


HOSTILE = {
    "unpacks to more than the limit": (bomb, "解压后将超过 2 MB"),
    "one XML part over its limit": (huge_document_part, "解压后将超过 2 MB"),
    "more zip members than the limit": (many_members, "超过 40 个部件"),
    "an entity declaration": (entity_bomb, "不是有效的 Word 文档"),
    "more paragraphs than the limit": (many_paragraphs, "超过 200 行或段"),
    "more questions than the limit": (too_many_questions, "超过 3 道题"),
    "a password": (encrypted, "设有密码"),
    "an old .doc renamed": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧的 .doc"),
    "a PDF renamed": (lambda: b"%PDF-1.4 not a word file", "不是有效的 Word 文档"),
    "a file over the size limit": (lambda: b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1), "超过 1 MB"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_docx_is_refused_with_its_limit_in_chinese_and_stores_nothing(
    editor_client, small_limits, case
):
    build, message = HOSTILE[case]
    response = upload(editor_client, SimpleUploadedFile("bank.docx", build()))
    assert response.status_code == 400
    error = response.context["preview"].error
    assert message in error, (case, error)
    assert message in response.content.decode()
    assert not response.context["token"]
    assert Question.objects.count() == 0


def test_a_line_over_the_limit_is_refused(editor_client, small_limits):
    response = upload(editor_client, SimpleUploadedFile("bank.txt", ("1. " + "长" * 700).encode()))
    assert response.status_code == 400
    assert "第 1 行超过 600 个字符" in response.context["preview"].error


def test_fields_over_their_limit_are_row_problems(editor_client, small_limits):
    response = upload(
        editor_client,
        docx_file(
            ["1. " + "题" * 101, "A. " + "选" * 501, "B. 乙", "答案：A", "解析：" + "析" * 101]
        ),
    )
    problems = problems_by_number(response)[1]
    assert "题干超过 100 个字" in problems
    assert "选项 A 超过 500 个字" in problems
    assert "解析超过 100 个字" in problems


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bank.pdf", "请上传 Excel 文件（.xlsx）、Word 文档（.docx）或文本文件（.txt）"),
        ("bank", "请上传 Excel 文件（.xlsx）、Word 文档（.docx）或文本文件（.txt）"),
        ("bank.doc", "另存为"),
        ("bank.wps", "另存为"),
    ],
)
def test_wrong_extension_is_refused_next_to_the_field(editor_client, name, message):
    response = upload(editor_client, SimpleUploadedFile(name, plain_docx()))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert Question.objects.count() == 0


@pytest.mark.parametrize("name", ["tidy", "messy"])
def test_the_import_page_offers_the_samples(editor_client, name):
    page = editor_client.get(URL).content.decode()
    assert f"?sample={name}" in page
    response = editor_client.get(URL, {"sample": name})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert content == (SAMPLES / f"question-bank-{name}.docx").read_bytes()
