from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses.models import Enrolment, TrainingRequirement
from courses.progress import add_months
from organisations.models import Membership
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=SHANGHAI)
Role = Membership.Role


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def member(user, organisation, role, **kwargs):
    return MembershipFactory(
        user=user, organisation=organisation, role=role, started_at=at(2025, 1, 1), **kwargs
    )


def completed(user, course, day, started=None):
    return Enrolment.objects.create(
        user=user,
        course=course,
        cycle=Enrolment.objects.filter(user=user, course=course).count() + 1,
        started_at=started or day,
        last_activity_at=day,
        completed_at=day,
        expires_at=add_months(day, 12),
    )


@pytest.fixture
def small_district(home_page):
    """A district computed by hand; the expected figures are in tests/reports/test_rollup.py."""
    index = CourseIndexPageFactory(parent=home_page)
    course = make_course(index, slug="yearly", lessons=2, validity_months=12)
    district = OrganisationFactory(name="青浦区", kind="district")
    town_a = OrganisationFactory(name="A镇", kind="town", parent=district)
    town_b = OrganisationFactory(name="B镇", kind="town", parent=district)
    u1 = OrganisationFactory(
        name="U1商场", kind="unit", parent=town_a, sector="commerce", place_types=["大型商业综合体"]
    )
    u2 = OrganisationFactory(name="U2养老院", kind="unit", parent=town_a, sector="civil_affairs")
    u3 = OrganisationFactory(name="U3仓库", kind="unit", parent=town_b, sector="logistics")
    requirement = TrainingRequirement.objects.create(
        course=course,
        organisation=district,
        roles=["responsible", "manager"],
        due_date=date(2026, 6, 30),
        renewal_months=12,
    )
    people = {
        name: UserFactory(name=name) for name in ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"]
    }
    member(people["p1"], u1, Role.RESPONSIBLE)
    member(people["p2"], u1, Role.MANAGER)
    member(people["p2"], u2, Role.RESPONSIBLE)
    member(people["p3"], u2, Role.MANAGER)
    member(people["p4"], u3, Role.RESPONSIBLE)
    member(people["p5"], u3, Role.STAFF)
    member(people["p6"], u3, Role.RESPONSIBLE, ended_at=at(2026, 5, 1))
    member(people["p7"], u3, Role.RESPONSIBLE)
    people["p7"].is_active = False
    people["p7"].save()
    member(people["p8"], u1, Role.MANAGER)
    member(people["p8"], u3, Role.RESPONSIBLE)

    completed(people["p1"], course, at(2026, 3, 1), started=at(2026, 2, 20))
    completed(people["p2"], course, at(2025, 12, 10))
    Enrolment.objects.create(
        user=people["p3"],
        course=course,
        started_at=at(2026, 11, 1),
        last_activity_at=at(2026, 11, 1),
    )
    completed(people["p4"], course, at(2025, 10, 1))
    completed(people["p6"], course, at(2026, 3, 1))
    return {
        "course": course,
        "requirement": requirement,
        "district": district,
        "town_a": town_a,
        "town_b": town_b,
        "u1": u1,
        "u2": u2,
        "u3": u3,
        "people": people,
    }


@pytest.fixture
def coordinator_of():
    def make(organisation):
        user = UserFactory()
        member(user, organisation, Role.COORDINATOR)
        return user

    return make


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def town_export(
    client, small_district, coordinator_of, settings, django_capture_on_commit_callbacks
):
    """The coordinator of A镇 asks for the town's people as Excel, above a lowered limit."""
    settings.REPORTS_BACKGROUND_EXPORT_ROWS = 2
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["town_a"].pk,
    }
    return town, params


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for the export; the task is queued once its row commits, so run those hooks."""

    def get(params):
        with (
            time_machine.travel(NOW, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return client.get("/reports/export/people.xlsx", params)

    return get
