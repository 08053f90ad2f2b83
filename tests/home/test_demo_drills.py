"""The demo's units' drills (content/drills/unit_drills.yaml): the demo unit's drills, a problem
made a hazard, an overdue unit in the town; a broken file is named with its place."""

import shutil
from datetime import timedelta

import pytest

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from drills.models import UnitDrill
from editorial.content_files import ContentFileError
from home.management.commands.load_demo import check_content_files
from inspections.models import Hazard

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_units_drills_a_drill_hazard_and_an_overdue_unit(client):
    call_command("load_demo")
    today = timezone.localdate()
    drills = list(UnitDrill.objects.filter(unit__name="示例朱家角商业广场"))
    assert [(d.kind, d.held_on) for d in drills] == [
        ("evacuation", today - timedelta(days=4)),
        ("combined", today - timedelta(days=150)),
    ]
    recent = drills[0]
    assert recent.evacuation_seconds == 212 and recent.participants.count() == 7
    hazard = Hazard.objects.get(source="drill")
    assert hazard.drill_problem.drill == recent and hazard.state == "pending"
    assert hazard.deadline == recent.held_on + timedelta(days=7)
    client.force_login(User.objects.get(username="town"))
    response = client.get(reverse("drills:overview"))
    overdue = [status.unit.name for status in response.context["overdue_units"]]
    assert "示例朱家角古镇客栈（示例）" in overdue and "示例朱家角商业广场" not in overdue
    assert client.get(reverse("reports:drills")).context["total"].overdue_units >= 1
    call_command("load_demo")  # again: nothing added
    assert UnitDrill.objects.count() == 3 and Hazard.objects.filter(source="drill").count() == 1


def test_a_broken_drills_file_is_refused_with_its_place(tmp_path, settings):
    shutil.copytree(settings.BASE_DIR / "content", tmp_path / "content")
    settings.BASE_DIR = tmp_path
    path = tmp_path / "content" / "drills" / "unit_drills.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("kind: firefighting", "kind: monthly", 1),
        encoding="utf-8",
    )
    with pytest.raises(ContentFileError) as caught:
        check_content_files()
    assert "unit_drills.yaml" in str(caught.value) and "kind" in str(caught.value)
