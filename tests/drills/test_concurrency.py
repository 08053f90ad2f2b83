"""Real threads against PostgreSQL: the session's row lock keeps the roster within capacity."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from drills import sessions as services
from drills.models import Enrolment, TrainingSession
from organisations.models import Membership, Organisation
from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(count, func):
    barrier = threading.Barrier(count)

    def call(i):
        try:
            barrier.wait(timeout=30)
            return func(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def test_thirty_sign_ups_at_once_never_exceed_the_capacity(home_page):
    unit = OrganisationFactory(name="示例商业广场", kind=Organisation.Kind.UNIT)
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page))
    lesson = LessonPageFactory(parent=course, kind="practical", title="现场实操")
    now = timezone.now()
    session = TrainingSession.objects.create(
        lesson=lesson,
        organisation=unit,
        open_to=unit,
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, hours=1),
        signup_deadline=now + timedelta(days=1),
        place="广场",
        capacity=5,
    )
    people = [UserFactory() for _ in range(30)]
    for person in people:
        MembershipFactory(user=person, organisation=unit, role=Membership.Role.STAFF)

    def sign_up(i):
        try:
            return services.sign_up(people[i], session).state
        except ValidationError as refused:
            return refused.messages[0]

    states = run_together(30, sign_up)
    assert states.count("confirmed") == 5 and states.count("waiting") == 25
    assert session.enrolments.filter(state=Enrolment.State.CONFIRMED).count() == 5
    # Then five cancel at once: exactly five of the waiting get the places, in sign-up order.
    confirmed = [e.user for e in session.enrolments.filter(state="confirmed")]
    run_together(5, lambda i: services.cancel_place(confirmed[i], session))
    assert session.enrolments.filter(state=Enrolment.State.CONFIRMED).count() == 5
    first_waiting = list(
        session.enrolments.exclude(user__in=confirmed)
        .order_by("signed_up_at", "pk")
        .values_list("state", flat=True)[:5]
    )
    assert first_waiting == ["confirmed"] * 5
