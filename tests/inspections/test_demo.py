"""The demo unit's self-inspection: a month of patrols, two inspections, hazards in every state."""

import shutil
from datetime import timedelta

import pytest

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notice
from courses.models import LessonAssignment
from editorial import content_files
from editorial.content_files import ContentFileError
from handbooks.models import HandbookPage
from inspections import demo as inspections_demo
from inspections import services
from inspections.models import Answer, Hazard, Round, RoundNominee
from organisations.demo import district_file
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

UNIT = "示例朱家角商业广场"


def local_date(moment):
    return timezone.localtime(moment).date()


def handbook_items(kind):
    handbook = HandbookPage.objects.get(slug="shopping-complex")
    return [
        point["item"]
        for section in handbook.sections
        for point in section.value["checkpoints"]
        if kind == Round.Kind.INSPECTION or point["patrol_point"]
    ]


def test_demo_unit_has_a_month_of_patrols_two_inspections_and_hazards_in_every_state(client):
    call_command("load_demo")
    User = get_user_model()
    unit = Organisation.objects.get(name=UNIT)
    today = timezone.localdate()
    rounds = Round.objects.filter(unit=unit)

    # A patrol every day of the last 30, each signed the day it was walked, and one under way.
    patrols = rounds.filter(kind=Round.Kind.PATROL, status=Round.Status.SIGNED)
    assert sorted(local_date(r.started_at) for r in patrols) == [
        today - timedelta(days=day) for day in range(30, 0, -1)
    ]
    assert all(local_date(r.signed_at) == local_date(r.started_at) for r in patrols)
    assert all(r.inspector_name and r.signed_by_id for r in patrols)
    inspections = rounds.filter(kind=Round.Kind.INSPECTION, status=Round.Status.SIGNED)
    assert sorted(local_date(r.started_at) for r in inspections) == [
        today - timedelta(days=27),
        today - timedelta(days=2),
    ]
    unfinished = rounds.get(status=Round.Status.OPEN)
    assert len(services.current_answers(unfinished)) == 3

    # Every round asks what the handbook asks, and every point of a signed one has an answer.
    for round_ in rounds.filter(status=Round.Status.SIGNED):
        assert [p.item for p in round_.points.all()] == handbook_items(round_.kind)
        assert len(services.current_answers(round_)) == round_.points.count()
    answers = Answer.objects.filter(point__round__unit=unit)
    assert all(a.answered_at <= timezone.now() for a in answers)
    for answer in answers.filter(point__round__status=Round.Status.SIGNED).select_related(
        "point__round"
    ):
        assert answer.point.round.started_at < answer.answered_at < answer.point.round.signed_at

    # Hazards in every state, dated from the round that found them.
    # The rounds' hazards (the demo's drills add one of source "drill").
    found_in_rounds = Hazard.objects.filter(unit=unit, source="round").select_related("point")
    hazards = {h.point.item: h for h in found_in_rounds}
    states = sorted(h.state for h in hazards.values())
    assert states == ["closed", "closed", "pending", "pending", "pending", "rectified"]
    for hazard in hazards.values():
        assert hazard.created_at == hazard.round.signed_at
        assert hazard.answer.result == Answer.Result.FAIL
    overdue = [item for item, h in hazards.items() if h.is_overdue]
    assert overdue == ["营业期间禁止的作业"]
    assert hazards["营业期间禁止的作业"].deadline == today - timedelta(days=5)
    major = hazards["系统运行状态"]
    assert major.is_major and major.state == Hazard.State.PENDING
    assert major.deadline == today + timedelta(days=1)
    assert major.responsible.username == "operator"
    assert hazards["营业期间防火巡查"].responsible.username == "staff"
    for hazard in (h for h in hazards.values() if h.state != Hazard.State.PENDING):
        assert hazard.fix_note and hazard.fix_photo
        assert hazard.created_at < hazard.rectified_at <= (hazard.closed_at or timezone.now())
        assert hazard.rectified_by_id != hazard.closed_by_id
    assert hazards["防火门和防火卷帘"].state == Hazard.State.RECTIFIED
    assert RoundNominee.objects.filter(unit=unit, user__username="operator").exists()

    # The town was told of the 重大 hazard when it was found.
    town = User.objects.get(username="town")
    notice = Notice.objects.get(user=town, link=reverse("inspections:hazard", args=[major.pk]))
    assert notice.created_at == major.created_at

    # The town's coordinator sees all of it; the photos open for the unit's people.
    assert set(services.visible_hazards(town).filter(source="round")) == set(hazards.values())
    assert services.visible_rounds(town).filter(unit=unit).count() == rounds.count()
    client.force_login(town)
    closed = hazards["消防车通道是否被占用、堵塞、封闭"]
    page = client.get(reverse("inspections:hazard", args=[closed.pk])).content.decode()
    assert "已销号" in page and "严禁停车" in page
    client.force_login(User.objects.get(username="manager"))
    photo = client.get(closed.answer.photo.url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert client.get(closed.fix_photo.url).status_code == 200
    home = client.get(reverse("inspections:home")).content.decode()
    assert "status-badge--overdue" in home and "系统运行状态" in home

    # The manager assigned the lessons of the last inspection's failed points as 针对性培训.
    assigned = LessonAssignment.objects.filter(organisation=unit)
    assert {a.user.username for a in assigned} == {"staff", "operator"}
    assert all(a.completed_at is None and a.assigned_by.username == "manager" for a in assigned)
    assert all(a.due_date == today + timedelta(days=13) for a in assigned)
    assert {local_date(a.created_at) for a in assigned} == {today - timedelta(days=1)}
    client.force_login(User.objects.get(username="staff"))
    learn = client.get("/learn/").content.decode()
    assert "针对性培训" in learn and assigned.first().reason in learn

    # Loading again adds nothing, even on another day.
    counts = (
        rounds.count(),
        Hazard.objects.count(),
        Answer.objects.count(),
        Notice.objects.count(),
    )
    inspections_demo.load()
    assert (rounds.count(), Hazard.objects.count(), Answer.objects.count()) == counts[:3]
    assert Notice.objects.count() == counts[3]


@pytest.fixture
def content(tmp_path, settings):
    """A copy of content/ that a test may break; the loaders read it instead."""
    shutil.copytree(settings.BASE_DIR / "content", tmp_path / "content")
    settings.BASE_DIR = tmp_path
    return tmp_path / "content" / "inspections" / "rounds.yaml"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refusal():
    handbooks = [(p, content_files.read(p)) for p in content_files.files("handbooks")]
    with pytest.raises(ContentFileError) as caught:
        inspections_demo.rounds_file(handbooks=handbooks, district=district_file())
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "place", "says"),
    [
        # A patrol asks the patrol points only.
        (
            "  item: 营业期间禁止的作业\n",
            "  item: 系统运行状态\n",
            "findings[2].item",
            "",
        ),
        (
            "  item: 营业期间防火巡查\n",
            "  item: 营业期间防火巡察\n",
            "findings[5].item",
            "营业期间防火巡察",
        ),
        ("  responsible: staff\n", "  responsible: nobody\n", "findings[1].responsible", "nobody"),
        ("photo: pump-manual.jpg", "photo: pump.jpg", "findings[4].photo", "pump.jpg"),
        (
            "{days_ago: 24, at: '09:50', by: manager}",
            "{days_ago: 24, at: '09:50', by: staff}",
            "findings[1].closed.by",
            "staff",
        ),
        ("{kind: patrol, days_ago: 4}", "{kind: patrol, days_ago: 40}", "findings[3].round", ""),
        ("- {days_ago: 2, at: '14:30'", "- {days_ago: 2, at: '25:30'", "inspections[1].at", ""),
        ("  by: [manager, operator,", "  by: [manager, 示例张伟,", "patrols.by[1]", "示例张伟"),
        # 针对性培训 is assigned by a leader, to members, from a round that failed points.
        ("  by: manager\n  to: [staff,", "  by: staff\n  to: [staff,", "refreshers[0].by", "staff"),
        ("  to: [staff, operator]", "  to: [staff, nobody]", "refreshers[0].to[1]", "nobody"),
        (
            "- round: {kind: inspection, days_ago: 2}\n  by: manager",
            "- round: {kind: patrol, days_ago: 1}\n  by: manager",
            "refreshers[0].round",
            "",
        ),
    ],
)
def test_a_broken_inspections_file_is_refused_with_its_place(content, old, new, place, says):
    edit(content, old, new)
    message = refusal()
    assert "content/inspections/rounds.yaml" in message
    assert place in message and says in message


def test_the_inspections_file_is_checked_before_the_demo_loads_anything(content):
    from home.management.commands.load_demo import check_content_files

    edit(content, "  responsible: staff\n", "  responsible: nobody\n")
    with pytest.raises(ContentFileError, match="nobody"):
        check_content_files()
