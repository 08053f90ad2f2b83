"""The demo's sessions: one held with present, late and no-show and the instructor's sign-off
(all 达标, one 未达标); one full with a waiting list."""

import io

import pytest
from openpyxl import load_workbook

from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from courses.models import LessonProgress
from drills.models import SkillSignOff, TrainingSession

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_held_session_and_a_full_one_that_staff_sees_in_my_learning(client):
    call_command("load_demo")
    held, upcoming = TrainingSession.objects.order_by("starts_at")
    town = User.objects.get(username="town")
    assert held.starts_at < timezone.now() < upcoming.starts_at
    for session in (held, upcoming):
        assert session.lesson.get_parent().slug == "extinguisher-and-hydrant"
        assert list(session.instructors.all()) == [town]
        assert not session.enrolments.filter(user=town).exists()
    assert sorted(held.enrolments.values_list("attendance", flat=True)) == [
        "late",
        "no_show",
        "present",
    ]
    # Signed off: the responsible person passed every skill (the lesson is complete), the
    # late operator missed one, the no-show has nothing.
    skills = len(held.lesson.skill_checklist())
    verdicts = {
        username: sorted(
            SkillSignOff.objects.filter(
                enrolment__session=held, user__username=username
            ).values_list("passed", flat=True)
        )
        for username in ("responsible", "operator", "manager")
    }
    assert verdicts == {
        "responsible": [True] * skills,
        "operator": [False] + [True] * (skills - 1),
        "manager": [],
    }
    done = LessonProgress.objects.filter(
        lesson=held.lesson, completed_at__isnull=False, completed_at__gte=held.starts_at
    )
    on_roster = {"responsible", "operator", "manager"}
    completed = set(done.values_list("enrolment__user__username", flat=True)) & on_roster
    assert completed == {"responsible"}
    assert upcoming.enrolments.filter(state="confirmed").count() == upcoming.capacity
    assert upcoming.enrolments.filter(state="waiting").count() == 2
    client.force_login(User.objects.get(username="staff"))
    panels = client.get("/learn/").context["learning_panels"]
    assert [s.pk for s in panels[0]["sessions"]] == [upcoming.pk]
    # The reports count each skill's verdicts; the export has them on a sheet of their own.
    client.force_login(town)
    figures = {
        figure.skill: (figure.passed, figure.failed)
        for figure in client.get("/reports/drills/").context["skill_signoffs"]
    }
    assert len(figures) == skills and figures["站在上风方向"] == (1, 1)
    assert figures["提、拔、握、压"] == (2, 0)
    export = client.get("/reports/drills/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    lines = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert lines[0] == ("组织", "实操课时", "技能", "达标", "未达标")
    assert ("站在上风方向", 1, 1) in [line[2:] for line in lines[1:]]
    # Loading again changes nothing.
    call_command("load_demo")
    assert TrainingSession.objects.count() == 2
    assert SkillSignOff.objects.count() == 2 * skills
