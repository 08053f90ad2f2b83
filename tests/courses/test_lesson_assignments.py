"""Lessons assigned by name (针对性培训): in 我的学习 with their reason, closed by completing the
lesson, counted in the reports by organisation under the same status rule."""

import json
from datetime import date

import pytest

from django.core.exceptions import ValidationError
from django.urls import reverse

from courses import services
from courses.assignments import assign_lessons, assignment_status
from courses.models import LessonAssignment
from courses.progress import Status
from organisations.models import AuditEntry
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory

from .test_lean_pages import CACHED_SESSIONS, _warm_get

pytestmark = pytest.mark.django_db

REASON = "本单位3月检查：疏散通道堵塞"


def give(actor, people, lesson, unit, due=date(2026, 3, 20), reason=REASON):
    return assign_lessons(
        actor,
        people=[(person, unit) for person in people],
        lessons=[(lesson, reason)],
        due_date=due,
        audit_organisation=unit,
    )


def test_an_assigned_lesson_shows_in_my_learning_with_reason_and_due_date(
    client, district, responsible, manager, lesson, march
):
    give(manager, [responsible], lesson, district["unit"])
    client.force_login(responsible)
    response = client.get("/learn/")
    [item] = response.context["assigned"]
    assert item.status == Status.NOT_STARTED
    page = response.content.decode()
    assert REASON in page and "2026-03-20" in page and lesson.title in page
    assert lesson.url in page


def test_the_assignment_closes_when_the_lesson_is_completed_and_then_leaves_the_list(
    client, district, responsible, manager, lesson, march, time_machine
):
    [assignment] = give(manager, [responsible], lesson, district["unit"])
    services.complete_lesson(responsible, lesson)
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert assignment_status(assignment) == Status.COMPLETED
    client.force_login(responsible)
    [item] = client.get("/learn/").context["assigned"]
    assert item.status == Status.COMPLETED
    time_machine.move_to("2026-04-10 09:00 +0800", tick=False)
    client.force_login(responsible)  # the session of a month ago has expired
    assert client.get("/learn/").context["assigned"] == []


def test_a_lesson_completed_before_must_be_studied_again(
    client, district, responsible, manager, lesson, march
):
    services.complete_lesson(responsible, lesson)
    [assignment] = give(manager, [responsible], lesson, district["unit"])
    client.force_login(responsible)
    response = client.get(lesson.url)
    assert response.context["lesson_done"] and response.context["refresher_open"]
    assert "我已再次学完本课时" in response.content.decode()
    client.post(reverse("courses:complete", args=[lesson.pk]))
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert client.get(lesson.url).context["refresher_open"] is False


def test_an_open_assignment_becomes_overdue_after_its_due_day(
    client, district, responsible, manager, lesson, march, time_machine
):
    [assignment] = give(manager, [responsible], lesson, district["unit"])
    time_machine.move_to("2026-03-21 09:00 +0800", tick=False)
    assert assignment_status(assignment) == Status.OVERDUE
    client.force_login(responsible)
    [item] = client.get("/learn/").context["assigned"]
    assert item.status == Status.OVERDUE


def test_an_open_assignment_is_not_doubled_but_a_closed_one_may_be_given_again(
    district, responsible, manager, lesson, march
):
    assert len(give(manager, [responsible], lesson, district["unit"])) == 1
    assert give(manager, [responsible, responsible], lesson, district["unit"]) == []
    services.complete_lesson(responsible, lesson)
    assert len(give(manager, [responsible], lesson, district["unit"])) == 1
    assert LessonAssignment.objects.count() == 2
    entries = AuditEntry.objects.filter(action="firesafety.refresher.assign")
    assert entries.count() == 2
    assert {e.subject_id for e in entries} == {responsible.pk}
    assert entries.first().data["lesson_id"] == lesson.pk


def test_a_due_date_in_the_past_or_nobody_is_refused(district, responsible, manager, lesson, march):
    with pytest.raises(ValidationError) as error:
        give(manager, [responsible], lesson, district["unit"], due=date(2026, 3, 1))
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        give(manager, [], lesson, district["unit"])
    assert "members" in error.value.message_dict
    assert not LessonAssignment.objects.exists()


def test_sign_in_with_an_open_assignment_lands_on_my_learning(
    client, district, responsible, manager, lesson, march
):
    give(manager, [responsible], lesson, district["unit"])
    response = client.post(
        "/accounts/login/", {"username": responsible.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/learn/"


def test_my_learning_with_assignments_reads_one_query_more(
    client, settings, district, responsible, manager, course_index, march,
    django_assert_max_num_queries,
):  # fmt: skip
    from .conftest import make_course

    settings.SESSION_ENGINE = CACHED_SESSIONS
    for number in range(4):
        course = make_course(course_index, title=f"课程{number}", slug=f"c{number}", lessons=2)
        give(manager, [responsible], course.get_lessons().first().specific, district["unit"])
    client.force_login(responsible)
    assert _warm_get(client, "/learn/").status_code == 200
    # test_lean_pages' eight for a responsible person, and the assignments with their lessons.
    with django_assert_max_num_queries(9):
        response = client.get("/learn/")
    assert len(response.context["assigned"]) == 4


def test_my_data_lists_the_assignments(client, district, responsible, manager, lesson, march):
    give(manager, [responsible], lesson, district["unit"])
    client.force_login(responsible)
    data = json.loads(client.get(reverse("accounts_my_data:export")).content)
    [row] = data["lesson_assignments"]
    assert row["reason"] == REASON and row["lesson"] == lesson.title


# Reports ----------------------------------------------------------------------------------------


def test_the_reports_count_assignments_by_organisation_and_status(
    client, district, responsible, manager, lesson, march, time_machine, coordinators
):
    town_lead, _other_lead = coordinators
    staff = UserFactory(name="示例员工")
    MembershipFactory(user=staff, organisation=district["unit"], role="staff")
    give(manager, [responsible, staff, manager], lesson, district["unit"])
    services.complete_lesson(responsible, lesson)
    client.force_login(town_lead)
    url = reverse("reports:refreshers")
    response = client.get(url)
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.organisation == district["unit"]
    assert (row.assigned, row.completed, row.not_started, row.overdue) == (3, 1, 2, 0)
    time_machine.move_to("2026-03-21 09:00 +0800", tick=False)
    client.force_login(town_lead)  # sessions last two weeks
    [row] = client.get(url).context["rows"]
    assert (row.assigned, row.completed, row.not_started, row.overdue) == (3, 1, 0, 2)
    # At the unit: each assignment with its person, reason and status.
    response = client.get(url, {"organisation": district["unit"].pk})
    page = response.content.decode()
    assert REASON in page and "示例员工" in page and "已逾期" in page
    assert [a.status for a in response.context["page_obj"]].count(Status.OVERDUE) == 2


def test_the_reports_of_another_town_count_none_and_cannot_open_the_unit(
    client, district, responsible, manager, lesson, march, coordinators
):
    _town_lead, other_lead = coordinators
    give(manager, [responsible], lesson, district["unit"])
    client.force_login(other_lead)
    url = reverse("reports:refreshers")
    assert client.get(url).context["total"].assigned == 0
    assert client.get(url, {"organisation": district["unit"].pk}).status_code == 404
    assert client.get(url, {"organisation": "x"}).status_code == 404
    client.force_login(responsible)
    assert client.get(url).status_code == 403


def test_a_lesson_page_learns_of_an_open_assignment_without_a_query_more(
    client, settings, district, responsible, manager, course, march,
    django_assert_max_num_queries,
):  # fmt: skip
    settings.SESSION_ENGINE = CACHED_SESSIONS
    first, second = list(course.get_lessons().specific())[:2]
    services.complete_lesson(responsible, first)
    give(manager, [responsible], second, district["unit"])
    client.force_login(responsible)
    assert _warm_get(client, second.url).status_code == 200
    # As test_lean_pages: the open assignment rides on the enrolment's query.
    with django_assert_max_num_queries(6):
        response = client.get(second.url)
    assert response.context["refresher_open"] is True


def test_recorded_attendance_closes_an_assignment_of_the_lesson(
    district, responsible, manager, lesson, march
):
    [assignment] = give(manager, [responsible], lesson, district["unit"])
    services.record_attendance(manager, lesson, [responsible], organisation=district["unit"])
    assignment.refresh_from_db()
    assert assignment.completed_at is not None


def test_one_action_assigns_at_most_the_limit(
    monkeypatch, district, responsible, manager, lesson, march
):
    monkeypatch.setattr("courses.assignments.MAX_ASSIGNMENTS", 1)
    with pytest.raises(ValidationError, match="1"):
        give(manager, [responsible, manager], lesson, district["unit"])
    assert not LessonAssignment.objects.exists()
