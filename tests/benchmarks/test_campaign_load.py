"""benchmarks.campaign_load in pieces, and once for real at a tiny size (the figures of 2,000
pupils are in the README).

The arrival schedule, the per-step table and the database checks run in the normal suite; the
checks are shown to catch a doubled attempt, a lost submit and a completion missing from the
board. One test (own_servers) runs the command itself: the machine's PostgreSQL, a redis-server
and gunicorn of its own, locust with 6 pupils in classes of 3.
"""

import json
import shutil
import subprocess
import sys
import uuid
from datetime import timedelta
from ipaddress import ip_address

import pytest

from django.utils import timezone

from benchmarks import campaign_load
from benchmarks.campaign_checks import board_totals, check_database
from benchmarks.campaign_steps import (
    JOIN,
    STEPS,
    arrival_span,
    class_address,
    classes_needed,
    released,
)
from benchmarks.servers import REPO, PostgresServer
from courses.models import CampaignPage, Enrolment
from idempotency.models import IdempotencyKey
from organisations.models import Membership
from quizzes import services as quizzes
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory
from tests.quizzes.factories import QuestionFactory, QuizFactory

# ---- when the classes arrive -------------------------------------------------------------------


def test_a_whole_class_arrives_at_once_then_the_next_an_interval_later():
    assert released(0, 100, 30, 12) == 30
    assert released(11.9, 100, 30, 12) == 30
    assert released(12, 100, 30, 12) == 60
    assert released(36, 100, 30, 12) == 100  # the last class is the 10 left
    assert released(-1, 100, 30, 12) == 0
    assert classes_needed(2000, 30) == 67
    assert arrival_span(2000, 30, 12) == 66 * 12


def test_each_class_comes_from_its_own_loopback_address():
    addresses = [class_address(number) for number in range(2000)]
    assert len(set(addresses)) == 2000
    assert all(ip_address(a).is_loopback and a != "127.0.0.1" for a in addresses)


# ---- the table -----------------------------------------------------------------------------------

STATS_CSV = """\
Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%
GET,lesson,120,0,41,60.5,12,1310.2,20000,2.0,0.0,41,50,60,70,300,900,1200,1300,1310,1310,1310
POST,join: register (password hash),30,1,2400,2500,300,4800.7,0,0.5,0.0,2400,3000,3500,3800,\
4400,4600,4800,4800,4800,4800,4800
POST,submit,30,0,60,70,30,2100,0,0.5,0.0,60,70,80,90,100,1100,2000,2100,2100,2100,2100
,Aggregated,180,1,50,400,12,4800,9000,3.0,0.0,50,60,70,80,400,2400,4000,4600,4800,4800,4800
"""


def test_locusts_statistics_become_a_table_with_the_join_apart(tmp_path):
    path = tmp_path / "locust_stats.csv"
    path.write_text(STATS_CSV)
    steps = campaign_load.read_stats(path)
    assert set(steps) == {"lesson", JOIN, "submit"}
    assert steps[JOIN] == {
        "requests": 30,
        "failures": 1,
        "50%": 2400,
        "95%": 4600,
        "99%": 4800,
        "max": 4801,
    }
    assert campaign_load.table(steps, STEPS) == [
        "| step | requests | failures | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| join: register (password hash) | 30 | 1 | 2,400 | 4,600 | 4,800 | 4,801 |",
        "| *every other step* | | | | | | |",
        "| lesson | 120 | 0 | 41 | 900 | 1,300 | 1,310 |",
        "| submit | 30 | 0 | 60 | 1,100 | 2,100 | 2,100 |",
    ]
    # The join's p95 is bound by hashing by design: only the other steps are held to the goal.
    assert campaign_load.slow_steps(steps, 1000) == {"submit": 1100}


# ---- the database checks -----------------------------------------------------------------------


@pytest.fixture
def campaign(home_page):
    district = OrganisationFactory(name="青浦区", kind="district")
    school = OrganisationFactory(
        name="示例小学", kind="school", sector="education", parent=district
    )
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page), slug="first")
    LessonPageFactory(parent=course, title="第1课", slug="lesson-1")
    today = timezone.localdate()
    page = CampaignPage(
        title="开学第一课",
        slug="first-campaign",
        course=course,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=29),
        target=district,
    )
    course.get_parent().add_child(instance=page)
    page.save_revision().publish()
    return CampaignPage.objects.get(pk=page.pk), school


@pytest.fixture
def quiz(db):
    return QuizFactory(questions=[QuestionFactory(right="A"), QuestionFactory(right="B")])


def pupil_who_passed(campaign, klass, quiz, number):
    """A pupil as the load test leaves one: joined, quiz graded once, course completed."""
    user = UserFactory(username=f"c{klass.pk}-{number}", name=f"压测学生{number}")
    MembershipFactory(user=user, organisation=klass, role=Membership.Role.STUDENT)
    attempt = quizzes.start_attempt(user, quiz)
    for question_id, right in attempt.answer_key.items():
        quizzes.save_answer(attempt, question_id, right)
    attempt, _graded = quizzes.submit_attempt(attempt)
    IdempotencyKey.objects.create(
        user=user, key=uuid.uuid4(), purpose="quizzes.submit", fingerprint="-"
    )
    now = timezone.now()
    Enrolment.objects.create(
        user=user, course=campaign.course, started_at=now, last_activity_at=now, completed_at=now
    )
    record = {"seat": number, "class": klass.pk, "joined": True, "username": user.username}
    return user, attempt, record | {"attempt": str(attempt.pk), "submitted": True, "score": 100}


@pytest.fixture
def morning(campaign, quiz):
    page, school = campaign
    before = board_totals(page)
    klass = OrganisationFactory(name="压测班", kind="class", sector="education", parent=school)
    pupils = [pupil_who_passed(page, klass, quiz, number) for number in (1, 2, 3)]
    return page, before, pupils, [klass.pk]


def test_a_morning_where_everything_was_kept_once_passes_the_checks(morning, quiz):
    page, before, pupils, classes = morning
    records = [record for _u, _a, record in pupils]
    assert check_database(page, quiz, records, before, classes) == {}
    assert board_totals(page) == (before[0] + 3, before[1] + 3)
    # A run cut short: the third pupil was stopped after the submit, before the result page.
    del records[2]["score"]
    assert check_database(page, quiz, records, before, classes) == {}


def test_the_checks_find_a_doubled_attempt_a_lost_submit_and_a_lost_completion(morning, quiz):
    page, before, pupils, classes = morning
    (doubled, _a, _r), (_u, reopened, _r2), (uncounted, _a3, _r3) = pupils
    again = quizzes.start_attempt(doubled, quiz)
    quizzes.submit_attempt(again)
    type(reopened).objects.filter(pk=reopened.pk).update(status="open", submitted_at=None)
    Enrolment.objects.filter(user=uncounted).update(completed_at=None)
    records = [record for _u, _a, record in pupils]
    assert check_database(page, quiz, records, before, classes) == {
        "attempts doubled": [doubled.username],
        "submits lost (attempt not graded)": [reopened.user.username],
        "completions lost": [uncounted.username],
    }


def test_the_checks_find_a_board_that_miscounts_the_classes(morning, quiz):
    page, before, pupils, classes = morning
    first, _attempt, _record = pupils[0]
    # The board counts active people only: a pupil made inactive is missing from it.
    type(first).objects.filter(pk=first.pk).update(is_active=False)
    records = [record for _u, _a, record in pupils]
    assert check_database(page, quiz, records, before, classes) == {
        "board: pupils counted": ["2 new on the board, 3 in the classes"],
        "board: completions counted": ["2 new on the board, 3 in the database"],
    }


def test_the_checks_find_a_join_the_database_lost_and_a_score_that_differs(morning, quiz):
    page, before, pupils, classes = morning
    records = [record for _u, _a, record in pupils]
    records[0]["score"] = 80  # still a pass: only the score differs
    records.append({"seat": 9, "class": records[0]["class"], "joined": True, "username": "c0-9"})
    findings = check_database(page, quiz, records, before, classes)
    assert findings == {
        "scores differ from the result page": [records[0]["username"]],
        "joins lost": ["c0-9"],
    }


def test_the_load_test_adds_classes_whose_codes_open_the_join_form(client, campaign):
    page, school = campaign
    classes = campaign_load.add_classes(page, 3, run="t")
    assert [c["address"] for c in classes] == ["127.1.0.1", "127.1.0.2", "127.1.0.3"]
    for klass in classes:
        answer = client.get(f"/join/{klass['code']}/", headers={"x-forwarded-proto": "https"})
        assert answer.status_code == 200
    school.refresh_from_db()  # treebeard counts children on the parent row
    assert school.get_children().filter(name__startswith="压测t-").count() == 3


# ---- the real thing, tiny ------------------------------------------------------------------------


def _machine_postgres():
    try:
        return PostgresServer().has_database("postgres")
    except (RuntimeError, subprocess.CalledProcessError):
        return False


@pytest.mark.own_servers
def test_six_pupils_join_learn_and_submit_with_nothing_lost(tmp_path):
    if not shutil.which("redis-server") or not _machine_postgres():
        pytest.skip("needs redis-server and PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    out = tmp_path / "figures.json"
    database = f"firesafety_campaign_load_test_{uuid.uuid4().hex[:8]}"
    small = ["--pupils", "6", "--class-size", "3", "--interval", "2", "--think", "0.1"]
    # Timing is the README's business: on a busy CI machine only errors and the database count.
    small += ["--p95-goal-ms", "60000"]
    small += ["--database-name", database, "--json", str(out)]
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.campaign_load", *small],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.exists(), completed.stdout + completed.stderr
    result = json.loads(out.read_text())
    assert completed.returncode == 0, completed.stdout
    assert result["findings"] == {}
    figures = result["figures"]
    assert figures["pupils finished"] == 6
    assert figures["steps"][JOIN]["requests"] == 6
    assert figures["steps"]["answer (autosave)"]["requests"] == 6 * 10
    assert all(row["failures"] == 0 for row in figures["steps"].values())
    assert not PostgresServer().has_database(database)  # made for the run, dropped after it
