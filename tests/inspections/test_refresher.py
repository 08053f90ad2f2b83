"""针对性培训 (issue 15 §4): a round's failed check points send people back to their lessons.

The unit's leaders assign the lessons of a signed round's failed points to chosen members or
the whole unit; a district's coordinators assign the lessons of the check points failed most at
the units of a place type to all of them. Everything else is a 404, a 403 or a form error.
"""

import pytest

from django.urls import reverse
from django.utils import timezone

from courses.models import LessonAssignment
from organisations.models import AuditEntry, Membership
from tests.courses.factories import LessonPageFactory

from .conftest import member
from .helpers import failed_round, start

pytestmark = pytest.mark.django_db

REASON = "本单位3月检查：消防车通道是否被占用"
DISTRICT_URL = reverse("inspections:district_refresher")


@pytest.fixture
def march(time_machine):
    time_machine.move_to("2026-03-02 09:00 +0800", tick=False)


def refresher_url(round_):
    return reverse("inspections:refresher", args=[round_.pk])


def assign(client, round_, lessons, members=(), everyone=False, due="2026-03-20"):
    data = {"lessons": [lesson.pk for lesson in lessons], "due_date": due}
    data["members"] = [person.pk for person in members]
    if everyone:
        data["everyone"] = "on"
    return client.post(refresher_url(round_), data)


def test_the_manager_sees_the_failed_points_lesson_with_the_reason(place, as_user, march):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "针对性培训" in page and "消防车通道" in page and REASON in page
    response = client.get(refresher_url(round_))
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page and "示例员工" in page
    # Only the failed point's lesson is offered: the passed points taught nothing new.
    assert [found.lesson.pk for found in response.context["offered"]] == [place.lesson.pk]


def test_an_assignment_reaches_my_learning_with_reason_and_due_date(place, as_user, march):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    response = assign(client, round_, [place.lesson], members=[place.staff])
    assert response.status_code == 302
    assignment = LessonAssignment.objects.get()
    assert assignment.user == place.staff and assignment.organisation == place.unit
    assert assignment.reason == REASON and assignment.assigned_by == place.manager
    page = as_user(place.staff).get("/learn/").content.decode()
    assert "针对性培训" in page and REASON in page and "2026-03-20" in page
    assert place.lesson.title in page
    entry = AuditEntry.objects.get(action="firesafety.refresher.assign")
    assert entry.user == place.manager and entry.organisation == place.unit
    assert entry.subject == place.staff and entry.data["reason"] == REASON


def test_the_whole_unit_gets_it_and_twice_is_not_doubled(place, as_user, march):
    round_ = failed_round(as_user(place.manager), place)
    client = as_user(place.responsible)
    assert assign(client, round_, [place.lesson], everyone=True).status_code == 302
    people = {a.user_id for a in LessonAssignment.objects.all()}
    assert people == {place.manager.pk, place.responsible.pk, place.staff.pk}
    response = assign(client, round_, [place.lesson], members=[place.staff])
    assert response.status_code == 302
    assert LessonAssignment.objects.count() == 3
    assert AuditEntry.objects.filter(action="firesafety.refresher.assign").count() == 3
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("没有新分配" in message for message in messages)


def test_the_assignment_closes_when_the_lesson_is_completed(place, as_user, march):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    assign(client, round_, [place.lesson], members=[place.staff])
    staff = as_user(place.staff)
    assert staff.post(reverse("courses:complete", args=[place.lesson.pk])).status_code == 302
    assert LessonAssignment.objects.get().completed_at is not None
    assert "已完成" in staff.get("/learn/").content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"due_date": "2026-03-01"}, "due_date", "截止日期已过"),
        ({"members": []}, "members", "请选择成员，或整个单位"),
        ({"lessons": []}, "lessons", "请至少选择一个课时"),
        ({"due_date": "2026-02-30"}, "due_date", "有效的日期"),
    ],
)
def test_bad_input_is_a_form_error(place, as_user, march, change, field, message):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    data = {"lessons": [place.lesson.pk], "members": [place.staff.pk], "due_date": "2026-03-20"}
    data.update(change)
    response = client.post(refresher_url(round_), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not LessonAssignment.objects.exists()


def test_a_lesson_not_among_the_failed_ones_is_refused(place, as_user, march):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    other = LessonPageFactory(parent=place.lesson.get_parent(), title="其他课时", slug="other")
    response = assign(client, round_, [other], members=[place.staff])
    assert response.status_code == 400
    assert "不是本次不合格检查点" in " ".join(response.context["form"].errors["lessons"])
    response = client.post(
        refresher_url(round_),
        {"lessons": ["x"], "members": [place.staff.pk], "due_date": "2026-03-20"},
    )
    assert response.status_code == 400
    assert not LessonAssignment.objects.exists()


def test_a_member_of_another_unit_cannot_be_chosen(place, as_user, march):
    client = as_user(place.manager)
    round_ = failed_round(client, place)
    response = assign(client, round_, [place.lesson], members=[place.other_manager])
    assert response.status_code == 400
    assert response.context["form"].errors["members"]
    # A former member is not current either.
    Membership.objects.filter(user=place.staff).update(ended_at=timezone.now())
    assert assign(client, round_, [place.lesson], members=[place.staff]).status_code == 400
    assert not LessonAssignment.objects.exists()


def test_only_the_units_leaders_reach_the_page(place, as_user, march):
    round_ = failed_round(as_user(place.manager), place)
    data = {"lessons": [place.lesson.pk], "members": [place.staff.pk], "due_date": "2026-03-20"}
    for person in (place.other_manager, place.staff, place.town_lead, place.other_town_lead):
        client = as_user(person)
        assert client.get(refresher_url(round_)).status_code == 404
        assert client.post(refresher_url(round_), data).status_code == 404
    # The town's coordinator sees the round but is not offered the refresher.
    page = as_user(place.town_lead).get(round_.get_absolute_url()).content.decode()
    assert "针对性培训" not in page
    assert not LessonAssignment.objects.exists()


def test_an_open_round_offers_no_refresher(place, as_user, march):
    client = as_user(place.manager)
    round_ = start(client, place)
    assert client.get(refresher_url(round_)).status_code == 404


# The district -----------------------------------------------------------------------------------


@pytest.fixture
def district_lead(place):
    return member(place.district, Membership.Role.COORDINATOR, name="示例区协调员")


def test_the_district_assigns_its_most_failed_lessons_to_all_units_of_a_place_type(
    place, as_user, march, district_lead
):
    failed_round(as_user(place.manager), place)
    client = as_user(district_lead)
    response = client.get(DISTRICT_URL, {"place_type": "大型商业综合体"})
    assert response.status_code == 200
    [found] = response.context["offered"]
    assert found.lesson == place.lesson and found.failures == 1
    assert "青浦区常见不合格：消防车通道是否被占用" in response.content.decode()
    response = client.post(
        DISTRICT_URL,
        {"place_type": "大型商业综合体", "lessons": [place.lesson.pk], "due_date": "2026-03-31"},
    )
    assert response.status_code == 302
    assigned = LessonAssignment.objects.all()
    assert {a.user_id for a in assigned} == {place.manager.pk, place.responsible.pk, place.staff.pk}
    assert {a.organisation_id for a in assigned} == {place.unit.pk}
    assert {a.reason for a in assigned} == {"青浦区常见不合格：消防车通道是否被占用"}
    entries = AuditEntry.objects.filter(action="firesafety.refresher.assign")
    assert entries.count() == 3 and {e.organisation_id for e in entries} == {place.district.pk}
    assert "青浦区常见不合格" in as_user(place.staff).get("/learn/").content.decode()


def test_the_district_page_refuses_bad_input(place, as_user, march, district_lead):
    failed_round(as_user(place.manager), place)
    client = as_user(district_lead)
    good = {"place_type": "大型商业综合体", "lessons": [place.lesson.pk], "due_date": "2026-03-31"}
    for change in (
        {"place_type": "火星基地"},
        {"due_date": "2026-03-01"},
        {"lessons": [place.lesson.pk + 999]},
        {"lessons": []},
    ):
        response = client.post(DISTRICT_URL, {**good, **change})
        assert response.status_code == 400, change
    # A place type no unit has: nothing failed there, nothing to assign.
    response = client.post(DISTRICT_URL, {**good, "place_type": "养老机构"})
    assert response.status_code == 400
    assert not LessonAssignment.objects.exists()


def test_only_district_coordinators_open_the_district_page(place, as_user, march):
    for person in (place.town_lead, place.manager, place.staff):
        assert as_user(person).get(DISTRICT_URL).status_code == 403
