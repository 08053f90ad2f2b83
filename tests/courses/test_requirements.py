from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from courses import services
from courses.models import Certificate, Enrolment, TrainingRequirement
from courses.progress import Status, my_learning
from organisations.models import Membership
from tests.courses.conftest import make_course
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def status_of(user, course):
    required = my_learning(user)["required"]
    return next(item.status for item in required if item.course.pk == course.pk)


@pytest.fixture
def yearly(course, district):
    return TrainingRequirement.objects.create(
        course=course,
        organisation=district["district"],
        roles=["responsible", "manager"],
        due_date=date(2026, 3, 31),
        renewal_months=12,
    )


@pytest.mark.django_db
def test_requirement_applies_to_named_roles_in_the_subtree_only(yearly, district, responsible):
    staff = UserFactory()
    MembershipFactory(user=staff, organisation=district["unit"], role=Membership.Role.STAFF)
    elsewhere = UserFactory()
    MembershipFactory(
        user=elsewhere,
        organisation=OrganisationFactory(name="别的区"),
        role=Membership.Role.RESPONSIBLE,
    )
    assert TrainingRequirement.applying_to(responsible) == [yearly]
    assert TrainingRequirement.applying_to(staff) == []
    assert TrainingRequirement.applying_to(elsewhere) == []


@pytest.mark.django_db
def test_a_person_who_left_is_no_longer_required(yearly, responsible):
    Membership.objects.filter(user=responsible).update(ended_at=at(2026, 1, 1))
    assert TrainingRequirement.applying_to(responsible) == []


@pytest.mark.django_db
def test_statuses_across_time_with_yearly_renewal(yearly, course, responsible):
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        assert status_of(responsible, course) == Status.NOT_STARTED
        services.complete_lesson(responsible, course.get_lessons().first())
        assert status_of(responsible, course) == Status.IN_PROGRESS
    with time_machine.travel(at(2026, 4, 10, 9), tick=False):
        assert status_of(responsible, course) == Status.OVERDUE
        for lesson in course.get_lessons():
            services.complete_lesson(responsible, lesson)
        assert status_of(responsible, course) == Status.COMPLETED
    with time_machine.travel(at(2027, 3, 20, 9), tick=False):
        assert status_of(responsible, course) == Status.EXPIRING
    with time_machine.travel(at(2027, 4, 11, 9), tick=False):
        assert status_of(responsible, course) == Status.EXPIRED
        first_certificate = Certificate.objects.get(user=responsible)
        assert first_certificate.status() == Certificate.Status.EXPIRED
        # A new cycle starts; the old certificate stays in the history.
        services.complete_lesson(responsible, course.get_lessons().first())
        assert Enrolment.objects.filter(user=responsible, course=course).count() == 2
        assert status_of(responsible, course) == Status.OVERDUE
        for lesson in course.get_lessons():
            services.complete_lesson(responsible, lesson)
        assert status_of(responsible, course) == Status.COMPLETED
        assert Certificate.objects.filter(user=responsible).count() == 2
        assert Certificate.objects.filter(pk=first_certificate.pk).exists()


@pytest.mark.django_db
def test_renewal_period_shorter_than_course_validity_wins(course, district, responsible):
    TrainingRequirement.objects.create(
        course=course,
        organisation=district["town"],
        roles=["responsible"],
        due_date=date(2026, 12, 31),
        renewal_months=6,
    )
    with time_machine.travel(at(2026, 1, 10, 9), tick=False):
        for lesson in course.get_lessons():
            services.complete_lesson(responsible, lesson)
    with time_machine.travel(at(2026, 7, 11, 9), tick=False):
        assert status_of(responsible, course) == Status.EXPIRED
        services.start_course(responsible, course)
        assert Enrolment.objects.filter(user=responsible, course=course).count() == 2


@pytest.mark.django_db
def test_my_learning_lists_required_first_by_due_date_and_credit_hours(
    client, course_index, district, responsible
):
    later = make_course(course_index, title="后截止", slug="later", credit_hours=3)
    sooner = make_course(course_index, title="先截止", slug="sooner", credit_hours=2)
    extra = make_course(course_index, title="自学", slug="extra", lessons=1, credit_hours=1.5)
    for course, due in ((later, date(2027, 6, 1)), (sooner, date(2027, 1, 1))):
        TrainingRequirement.objects.create(
            course=course, organisation=district["district"], roles=["responsible"], due_date=due
        )
    with time_machine.travel(at(2026, 11, 28, 9), tick=False):
        services.complete_lesson(responsible, extra.get_lessons().first())
        client.force_login(responsible)
        response = client.get("/learn/")
    assert [item.course.title for item in response.context["required"]] == ["先截止", "后截止"]
    assert response.context["credit_hours_this_year"] == 1.5
    page = response.content.decode()
    assert page.index("先截止") < page.index("后截止") < page.index("我的证书")
    assert "未开始" in page


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 8])
def test_my_learning_runs_a_fixed_number_of_queries(
    client, course_index, district, responsible, django_assert_max_num_queries, size
):
    for number in range(size):
        course = make_course(course_index, title=f"课程{number}", slug=f"c{number}", lessons=3)
        TrainingRequirement.objects.create(
            course=course,
            organisation=district["district"],
            roles=["responsible"],
            due_date=date(2027, 1, number + 1),
        )
        services.complete_lesson(responsible, course.get_lessons().first())
    client.force_login(responsible)
    client.get("/learn/")
    with django_assert_max_num_queries(24):
        assert client.get("/learn/").status_code == 200


@pytest.mark.django_db
def test_learn_needs_sign_in(client):
    response = client.get("/learn/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
