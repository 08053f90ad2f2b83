"""Every file under content/ loads and passes its checks; a broken one is named, with its place."""

import shutil

import pytest

from django.core.management import CommandError, call_command

from wagtail.images.models import Image

from courses.models import CoursePage
from editorial.content_files import ContentFileError
from home.management.commands.load_demo import check_content_files
from quizzes.models import Question

# Building an unsaved page looks up its default locale.
pytestmark = pytest.mark.django_db


def test_every_content_file_passes_its_checks():
    check_content_files()


@pytest.fixture
def content(tmp_path, settings):
    """A copy of content/ that a test may break; the loaders read it instead."""
    shutil.copytree(settings.BASE_DIR / "content", tmp_path / "content")
    settings.BASE_DIR = tmp_path
    return tmp_path / "content"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refusal():
    with pytest.raises(ContentFileError) as caught:
        check_content_files()
    return str(caught.value)


def test_a_wrong_block_value_is_reported_with_file_line_and_place(content):
    course = content / "courses" / "01-unit-responsible-persons.yaml"
    edit(course, "      kind: law\n", "      kind: lawful\n")
    message = refusal()
    line = course.read_text(encoding="utf-8").splitlines().index("      kind: lawful") + 1
    assert "content/courses/01-unit-responsible-persons.yaml" in message
    assert f"第{line}行" in message  # "line N" in English
    assert "lessons[0].body[2].value.kind" in message


def test_an_unknown_block_type_and_an_unknown_key_are_reported(content):
    course = content / "courses" / "02-control-room-operators.yaml"
    edit(course, "  - type: paragraph\n", "  - type: paragraf\n")
    assert "paragraf" in refusal() and "02-control-room-operators.yaml" in refusal()
    handbook = content / "handbooks" / "01-shopping-complex.yaml"
    edit(course, "  - type: paragraf\n", "  - type: paragraph\n")
    edit(handbook, "    - item: ", "    - itme: ")
    message = refusal()
    assert "content/handbooks/01-shopping-complex.yaml" in message
    assert "sections[0].value.checkpoints[0].itme" in message


def test_a_requirement_with_an_unknown_date_is_reported(content):
    course = content / "courses" / "02-control-room-operators.yaml"
    edit(course, "due_date: 2026-12-31", "due_date: 明年")
    assert "02-control-room-operators.yaml" in refusal() and "requirements[0].due_date" in refusal()


def test_a_page_file_cannot_set_the_tree_or_a_relation_by_id(content):
    handbook = content / "handbooks" / "02-elderly-care.yaml"
    edit(handbook, "slug: ", "depth: 1\nslug: ")
    assert "02-elderly-care.yaml, 第2行 (depth)" in refusal()


def test_a_yaml_syntax_error_is_reported_with_its_line(content):
    alerts = content / "alerts" / "risk-alerts.yaml"
    edit(alerts, "- slug: ", "- slug: [unclosed ")
    message = refusal()
    assert "content/alerts/risk-alerts.yaml, 第" in message and "YAML" in message


def test_a_required_field_and_a_too_long_title_are_reported(content):
    handbook = content / "handbooks" / "03-medical.yaml"
    text = handbook.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    edit(handbook, title + "\n", "")
    assert "03-medical.yaml" in refusal() and "title" in refusal()
    edit(handbook, "slug: ", f"title: {'长' * 300}\nslug: ")
    assert "03-medical.yaml, 第2行 (title)" in refusal()


def test_references_between_files_are_checked(content):
    course = content / "courses" / "03-e-bike-fire-safety.yaml"
    edit(course, "quiz: e-bike-fire-safety-quiz", "quiz: no-such-quiz")
    assert "no-such-quiz" in refusal() and "lessons[3].quiz" in refusal()
    edit(course, "quiz: no-such-quiz", "quiz: e-bike-fire-safety-quiz")
    cases = content / "alerts" / "case-warnings.yaml"
    edit(cases, "handbook: group-rental", "handbook: no-such-handbook")
    assert "case-warnings.yaml" in refusal() and "[0].handbook" in refusal()
    edit(cases, "handbook: no-such-handbook", "handbook: group-rental")
    campaign = content / "campaigns" / "01-first-lesson-2026-campaign.yaml"
    edit(campaign, "course: first-lesson-autumn-2026", "course: no-such-course")
    assert "01-first-lesson-2026-campaign.yaml, 第6行 (course)" in refusal()
    edit(campaign, "course: no-such-course", "course: first-lesson-autumn-2026")
    quizzes = content / "quizzes" / "quizzes.yaml"
    edit(quizzes, "tag: 消控室", "tag: 不存在的标签")
    assert "quizzes.yaml" in refusal() and "draws[0].tag" in refusal()
    edit(quizzes, "tag: 不存在的标签", "tag: 消控室")
    handbook = content / "handbooks" / "01-shopping-complex.yaml"
    edit(
        handbook,
        "lesson: control-room-operators/alarm-response",
        "lesson: control-room-operators/no-such-lesson",
    )
    message = refusal()
    assert "01-shopping-complex.yaml" in message and "no-such-lesson" in message
    assert "sections[2].value.checkpoints[2].lesson" in message


def test_a_bad_question_row_is_reported_with_the_file_and_row(content):
    bank = content / "quizzes" / "questions.csv"
    lines = bank.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    # Row 3 of the sheet: a single-choice question keyed to a fifth choice it does not have.
    fields = lines[2].split(",")
    fields[8] = "E"
    lines[2] = ",".join(fields)
    bank.write_text("".join(lines), encoding="utf-8-sig")
    message = refusal()
    assert "content/quizzes/questions.csv" in message
    assert "第3行" in message  # "row 3" in English
    assert "E" in message


def test_a_duplicate_question_in_the_file_is_refused_like_an_upload(content):
    bank = content / "quizzes" / "questions.csv"
    lines = bank.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    bank.write_text("".join([*lines, lines[1]]), encoding="utf-8-sig")
    assert "questions.csv" in refusal()


def test_load_demo_with_a_broken_file_stops_with_its_place_and_saves_nothing(content):
    course = content / "courses" / "06-grassroots-inspection-essentials.yaml"
    edit(course, "kind: reading", "kind: x")
    with pytest.raises(CommandError, match=r"06-grassroots-inspection-essentials\.yaml"):
        call_command("load_demo")
    assert not Question.objects.exists()
    assert not CoursePage.objects.exists()


OLDER_PEOPLE = "07-home-fire-safety-for-older-people.yaml"


@pytest.mark.parametrize(
    "name, message",
    [
        ("no-such-picture.png", "没有图片“no-such-picture.png”"),
        ("../images/heater.png", "文件名"),
        ("src/heater.svg", "文件名"),
        ("heater.svg", "PNG"),
    ],
)
def test_a_picture_that_is_not_a_content_image_is_refused_with_its_place(content, name, message):
    edit(content / "courses" / OLDER_PEOPLE, "image: heater.png", f"image: {name}")
    text = refusal()
    assert OLDER_PEOPLE in text and "lessons[0].body[0].value.image" in text
    assert message in text


def test_a_content_picture_becomes_one_wagtail_image_however_often_the_demo_loads():
    call_command("load_demo")
    call_command("load_demo")
    images = Image.objects.filter(title__in=["heater", "cooking", "smoke-alarm"])
    assert images.count() == 3
    course = CoursePage.objects.get(slug="home-fire-safety-for-older-people")
    for lesson in course.get_children().specific():
        if lesson.kind == "reading":
            (picture,) = [b.value for b in lesson.body if b.block_type == "image"]
            assert picture["image"].width == 1440 and picture["alt_text"], lesson.slug


@pytest.mark.parametrize(
    "old, new, place, message",
    [
        ("kind: town", "kind: township", "towns[3].kind", "“township”"),
        ("sector: commerce", "sector: shops", "units[0].sector", "“shops”"),
        (
            "at: 朱家角镇, name: 示例朱家角商业广场",
            "at: 朱家镇, name: 示例朱家角商业广场",
            "units[0].at",
            "朱家镇",
        ),
        (
            "name: 示例张伟, role: staff}",
            "name: 示例张伟, role: boss}",
            "members[0].role",
            "“boss”",
        ),
        ("- username: district", "- user: district", "accounts[0].user", "“user”"),
        (
            "name: 示例朱家角镇志愿消防队",
            "name: 示例志愿消防队",
            "volunteer_teams",
            "示例朱家角镇志愿消防队",
        ),
    ],
)
def test_a_wrong_organisation_entry_is_reported_with_its_place(content, old, new, place, message):
    edit(content / "organisations.yaml", old, new)
    text = refusal()
    assert "content/organisations.yaml" in text and f"({place})" in text
    assert message in text


@pytest.mark.parametrize(
    "file, old, new, place",
    [
        ("home.yaml", "kind: law", "kind: rule", "body[1].value.kind"),
        ("home.yaml", "icp_number:", "icp:", "footer.icp"),
        ("indexes.yaml", "  slug: handbooks\n", "", "handbooks.slug"),
        ("indexes.yaml", "alerts:\n  title", "alerts:\n  colour: red\n  title", "alerts.colour"),
    ],
)
def test_the_home_page_and_the_index_pages_are_checked_like_pages(content, file, old, new, place):
    edit(content / file, old, new)
    text = refusal()
    assert f"content/{file}" in text and f"({place})" in text


def test_the_home_page_and_its_footer_come_from_the_content_file(client):
    call_command("load_demo")
    page = client.get("/").content.decode()
    assert "从这里开始" in page and "《中华人民共和国消防法》第十六条" in page
    assert "青浦区消防救援局（示例）" in page


@pytest.mark.parametrize(
    "old, new, place, message",
    [
        ("{user: staff,", "{user: nobody,", "enrolments[3].user", "“nobody”"),
        ("course: e-bike-fire-safety,", "course: e-bikes,", "enrolments[3].course", "“e-bikes”"),
        ("lessons: 1, days_ago: 3}", "lessons: 9, days_ago: 3}", "enrolments[3].lessons", "1 到 4"),
        ("days_ago: 3}", "days_ago: -3}", "enrolments[3].days_ago", "0 到 3650"),
        (
            "campaign: first-lesson-2026-campaign",
            "campaign: x",
            "campaign_students.campaign",
            "“x”",
        ),
        ("[6, 8, 5, 5, 7, 6, 4]", "[6, 800]", "campaign_students.class_sizes", "0 到 60"),
    ],
)
def test_a_wrong_progress_entry_is_reported_with_its_place(content, old, new, place, message):
    edit(content / "progress.yaml", old, new)
    text = refusal()
    assert "content/progress.yaml" in text and f"({place})" in text and message in text


@pytest.mark.parametrize(
    "old, new, place, message",
    [
        ("  hours: '3.0'\n", "  hours: '30'\n", "records[0].hours", "24"),
        ("  kind: drill\n", "  kind: party\n", "records[0].kind", "party"),
        ("  status: submitted\n", "  status: done\n", "records[7].status", "done"),
        (
            "{team: 示例朱家角镇志愿消防队, phone:",
            "{team: 示例队, phone:",
            "volunteers[0].team",
            "示例队",
        ),
        ("course: extinguisher-and-hydrant", "course: x", "requirement.course", "“x”"),
        ("  place: 示例放生桥居委\n", "", "records[0].place", "place"),
        ("phone: '13812350001', name:", "name:", "volunteers[0].phone", "phone"),
        (
            "{user: 'volunteer_lead', days_ago: 60}",
            "{user: 'volunteer_lead'}",
            "trained[0].days_ago",
            "days_ago",
        ),
    ],
)
def test_a_wrong_volunteer_record_is_refused_as_the_model_refuses_it(
    content, old, new, place, message
):
    edit(content / "volunteers.yaml", old, new)
    text = refusal()
    assert "content/volunteers.yaml" in text and f"({place})" in text and message in text


@pytest.mark.parametrize(
    "old, new, place",
    [
        ("{user: operator, quiz:", "{user: nobody, quiz:", "takers[1].user"),
        ("quiz: school-first-lesson-quiz}", "quiz: no-quiz}", "takers[2].quiz"),
        ("skill: 0.45}", "skill: 45}", "sample_learners[2].skill"),
        ("  quiz: home-fire-safety-quiz", "  quiz: x", "cohort.quiz"),
    ],
)
def test_a_wrong_demo_attempt_entry_is_reported_with_its_place(content, old, new, place):
    edit(content / "quizzes" / "attempts.yaml", old, new)
    text = refusal()
    assert "content/quizzes/attempts.yaml" in text and f"({place})" in text


@pytest.mark.parametrize(
    "old, new, place, message",
    [
        ("{user: operator, attendance: late", "{user: nobody, attendance: late", "roster[1]",
         "nobody"),
        ("attendance: no_show}", "attendance: asleep}", "roster[2].attendance", "no_show"),
        ("  waiting: [volunteer", "  waiting: [town", "instructors[0]", "instructor"),
        ("open_to: town", "open_to: everyone", "sessions[1].open_to", "town"),
    ],
)  # fmt: skip
def test_a_wrong_training_session_entry_is_reported_with_its_place(
    content, old, new, place, message
):
    edit(content / "drills" / "sessions.yaml", old, new)
    text = refusal()
    assert "content/drills/sessions.yaml" in text and place in text
    assert message in text
