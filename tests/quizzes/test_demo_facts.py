"""The demo content against shared/domain/FACTS.md: the corrected facts stay corrected.

No database: these read the content files themselves (content/), which load_demo turns into
pages, questions, handbooks and alerts; the bank as the importer reads it.
"""

import re

import pytest

from editorial.content_files import content_dir, read
from quizzes.demo import bank_rows

QUESTIONS = [row.as_data() for row in bank_rows()]

SENTENCE_END = re.compile(r"[。；！？\n]")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def chunks():
    """Every text leaf of the demo content, a question counting as one chunk."""
    for path in sorted(content_dir().rglob("*.yaml")):
        yield from strings(read(path))
    for item in QUESTIONS:
        yield "\n".join([item["stem"], *item["choices"], item["explanation"]])


def sentences():
    for chunk in chunks():
        yield from (s for s in SENTENCE_END.split(chunk) if s.strip())


def keyed(item):
    """The stem with the choices the bank marks right: what a learner is taught as true."""
    right = [c for i, c in enumerate(item["choices"]) if "ABCDEFGH"[i] in item["answer"]]
    if item["kind"] == "truefalse" and right == ["错误"]:
        return ""  # a statement keyed false teaches its negation, checked by the text tests
    return "\n".join([item["stem"], *right])


# The Shanghai fine for e-bikes inside crowded places, as the 2021 text had it: FACTS.md §5
# says the 2024 text (第四十四条第二款第（三）项) has 10,000–50,000 for serious cases.
OLD_FINE = re.compile(
    r"(二万|2万|20000|20,000)元?\s*(以上|至|到|-|–|～|~)\s*(五万|5万|50000|50,000)"
)


def test_no_content_teaches_the_old_shanghai_e_bike_fine():
    taught = [t for t in chunks() if OLD_FINE.search(t)]
    assert not taught, taught


def test_the_shanghai_fine_is_the_2024_amount_with_its_article():
    fines = [t for t in chunks() if "非机动车" in t and "情节严重" in t]
    assert fines, "the e-bike course and bank teach the Shanghai fine"
    for text in fines:
        assert re.search(r"(一万|10000)元以上(五万|50000)元以下", text), text
        assert re.search(r"(一千|1000)元以上(一万|10000)元以下", text), text
        assert "第四十四条第二款第（三）项" in text, text


def test_no_shanghai_e_bike_rule_is_left_without_its_known_article():
    # FACTS.md now gives 第二十九条 (places) and 第四十四条 (penalty).
    for text in chunks():
        if "非机动车" in text:
            assert "条号未核实" not in text and "相关条款" not in text, text


def test_plan_contents_are_cited_to_article_39_not_40():
    # FACTS.md §2: 61号令第三十九条 is what a plan covers; 第四十条 is drills.
    for text in chunks():
        assert "第四十条所述预案" not in text, text
        if "灭火行动组" in text and "第四十条" in text:
            assert "第三十九条" in text, text
    plan = [t for t in chunks() if "灭火行动组" in t and "61号" in t]
    assert plan and all("第三十九条" in t for t in plan), plan


BUTTON_STARTS_PUMP = re.compile(r"按钮.*(启泵|启动消防水泵)|(启泵|启动消防水泵).*按钮|启泵按钮")
BUTTON_CAVEAT = re.compile(r"不宜|不应|不是|不能认为|老旧")


def test_no_content_says_the_hydrant_button_starts_the_pump():
    # FACTS.md §4: under GB 50974-2014 11.0.19 the button sends the alarm; pumps start on the
    # pressure/flow switch, only some older systems from the button.
    claims = [
        s for s in sentences() if BUTTON_STARTS_PUMP.search(s) and not BUTTON_CAVEAT.search(s)
    ]
    assert not claims, claims
    assert any("11.0.19" in t for t in chunks())


# Claims FACTS.md marks 未核实, as they would read in a stem or a keyed choice.
UNVERIFIED_CLAIMS = {
    "l61-article-21": re.compile(r"(61号令?|61号》?)第二十一条"),
    "gb25201-duty-and-patrol-clauses": re.compile(r"GB 25201(-2010)?\s*(5\.2|6\.)"),
    "gb50720-6.3.1": re.compile(r"GB 50720(-2011)?\s*6\.3\.1"),
    "gb50016-fire-door-6.5.1": re.compile(r"GB 50016.{0,12}6\.5\.1"),
    "ga703-clauses": re.compile(r"GA 703(-2007)?\s*\d"),
    "order-30-articles": re.compile(r"第30号.{0,4}第.{1,4}条"),
    "record-archive-period": re.compile(
        r"(值班记录|检测记录|维修|保养|档案).{0,20}(保存|存档|保管).{0,10}\d+\s*年"
    ),
    "elderly-care-rule-frequencies": re.compile(
        r"(养老机构消防安全管理规定|民发〔2023〕37号).{0,40}(每日|每周|每月|每季度|每半年|每年|小时)"
    ),
    "key-unit-thresholds": re.compile(r"重点单位.{0,30}\d+\s*(平方米|张床|床位|人以上)"),
    "safety-day-last-monday": re.compile(r"最后一个(星期一|周一)"),
    "shanghai-e-bike-regulation": re.compile(r"上海市电动自行车安全管理条例"),
    # Cited by name only (issue 18 §2): FACTS.md has neither their articles nor clauses.
    "order-109-articles": re.compile(r"第109号.{0,24}第.{1,4}条"),
    "gb17761-clauses": re.compile(r"GB 17761(-2024)?\s*(第|\d)"),
    "qingpu-divisions-2025": re.compile(r"青浦.{0,20}(\d+|三|八|十一)个(街道|镇)"),
}


@pytest.mark.parametrize("claim", UNVERIFIED_CLAIMS)
def test_no_keyed_answer_rests_on_a_claim_marked_unverified(claim):
    pattern = UNVERIFIED_CLAIMS[claim]
    taught = [keyed(item) for item in QUESTIONS if pattern.search(keyed(item))]
    assert not taught, taught


@pytest.mark.parametrize("claim", UNVERIFIED_CLAIMS)
def test_no_explanation_cites_a_claim_marked_unverified(claim):
    pattern = UNVERIFIED_CLAIMS[claim]
    cited = [q["explanation"] for q in QUESTIONS if pattern.search(q["explanation"])]
    assert not cited, cited


def course_text(slug):
    (path,) = [p for p in content_dir().glob("courses/*.yaml") if read(p)["slug"] == slug]
    return "\n".join(strings(read(path)))


def test_the_e_bike_course_names_the_national_standard():
    assert "GB 17761-2024《电动自行车安全技术规范》" in course_text("e-bike-fire-safety")


@pytest.mark.parametrize(
    "slug",
    [
        "first-lesson-autumn-2026",
        "kindergarten-teachers-fire-safety",
        "fire-safety-in-military-training",
    ],
)
def test_school_courses_rest_on_order_109(slug):
    assert "公安部令第109号《社会消防安全教育培训规定》" in course_text(slug)


def test_the_checks_see_the_old_wrong_statements():
    """The patterns above are not vacuous: each catches the statement it was written for."""
    old = {
        "fine": "情节严重的，处二万元以上五万元以下罚款",
        "button": "按下箱内的火警报警或启泵按钮（如设有），向消控室报警并启动消防水泵",
        "button_choice": "按下消火栓按钮，发出报警信号、启动消防水泵",
    }
    assert OLD_FINE.search(old["fine"])
    for text in (old["button"], old["button_choice"]):
        assert BUTTON_STARTS_PUMP.search(text) and not BUTTON_CAVEAT.search(text)
    assert UNVERIFIED_CLAIMS["l61-article-21"].search("公安部令第61号第二十一条")
    assert UNVERIFIED_CLAIMS["order-109-articles"].search("公安部令第109号第十四条")
    assert not UNVERIFIED_CLAIMS["order-109-articles"].search(
        "公安部令第109号《社会消防安全教育培训规定》（条号未核实）"
    )
    assert UNVERIFIED_CLAIMS["gb17761-clauses"].search("GB 17761-2024 6.1")
