import pytest

from courses.models import Enrolment, LessonProgress
from organisations.models import Membership
from tests.courses.factories import LessonPageFactory
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def practical(course):
    return LessonPageFactory(parent=course, slug="drill", kind="practical", title="实操培训")


@pytest.fixture
def unit_coordinator(district):
    user = UserFactory()
    MembershipFactory(user=user, organisation=district["unit"], role=Membership.Role.COORDINATOR)
    return user


def post(client, lesson, organisation, people):
    return client.post(
        f"/manage/attendance/{lesson.pk}/",
        {"organisation": organisation.pk, "person": [person.pk for person in people]},
    )


@pytest.mark.django_db
def test_coordinator_records_attendance_and_the_lesson_is_completed(
    client, practical, district, responsible, unit_coordinator
):
    client.force_login(unit_coordinator)
    page = client.get(f"/manage/attendance/{practical.pk}/", {"organisation": district["unit"].pk})
    assert "张三明" in page.content.decode()
    response = post(client, practical, district["unit"], [responsible])
    assert response.status_code == 302
    assert LessonProgress.objects.filter(
        enrolment__user=responsible, lesson=practical, completed_at__isnull=False
    ).exists()
    # Recording again changes nothing.
    post(client, practical, district["unit"], [responsible])
    assert LessonProgress.objects.filter(lesson=practical).count() == 1


@pytest.mark.django_db
def test_people_or_organisations_outside_the_scope_are_a_404(
    client, practical, district, responsible, unit_coordinator
):
    client.force_login(unit_coordinator)
    other_unit = OrganisationFactory(name="别的单位", parent=district["town"])
    stranger = UserFactory()
    MembershipFactory(user=stranger, organisation=other_unit, role=Membership.Role.STAFF)
    assert post(client, practical, other_unit, [stranger]).status_code == 404
    assert post(client, practical, district["unit"], [stranger]).status_code == 404
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_only_coordinators_record_attendance(client, practical, responsible):
    client.force_login(responsible)
    assert client.get(f"/manage/attendance/{practical.pk}/").status_code == 403
    assert client.get("/manage/attendance/").status_code == 403


@pytest.mark.django_db
def test_a_coordinator_cannot_record_their_own_attendance(
    client, practical, district, responsible, unit_coordinator
):
    # The coordinator is also a member of the unit, so their name is on the list.
    MembershipFactory(
        user=unit_coordinator, organisation=district["unit"], role=Membership.Role.MANAGER
    )
    client.force_login(unit_coordinator)
    page = client.get(f"/manage/attendance/{practical.pk}/", {"organisation": district["unit"].pk})
    assert f'name="person" value="{unit_coordinator.pk}"' not in page.content.decode()
    response = post(client, practical, district["unit"], [responsible, unit_coordinator])
    assert response.status_code == 200
    assert "另一位协调员登记" in response.content.decode()
    # All or nothing: the other attendee is not recorded either.
    assert not LessonProgress.objects.filter(lesson=practical).exists()
    # Another coordinator of the unit records it.
    other = UserFactory()
    MembershipFactory(user=other, organisation=district["unit"], role=Membership.Role.COORDINATOR)
    client.force_login(other)
    assert post(client, practical, district["unit"], [unit_coordinator]).status_code == 302
    assert LessonProgress.objects.filter(
        enrolment__user=unit_coordinator, lesson=practical, completed_at__isnull=False
    ).exists()
