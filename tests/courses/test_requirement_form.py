from datetime import date, timedelta

import pytest

from courses.models import TrainingRequirement
from organisations.models import Membership
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory


@pytest.fixture
def town_coordinator(district):
    user = UserFactory()
    MembershipFactory(user=user, organisation=district["town"], role=Membership.Role.COORDINATOR)
    return user


def post(client, course, organisation, **overrides):
    data = {
        "course": course.pk,
        "organisation": organisation.pk,
        "roles": ["responsible", "manager"],
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        "renewal_months": "12",
        **overrides,
    }
    return client.post("/manage/requirements/new/", data)


@pytest.mark.django_db
def test_coordinator_requires_a_course_in_their_scope(client, course, district, town_coordinator):
    client.force_login(town_coordinator)
    response = post(client, course, district["unit"])
    assert response.status_code == 302
    requirement = TrainingRequirement.objects.get()
    assert requirement.roles == ["responsible", "manager"]
    assert requirement.created_by == town_coordinator
    assert "示例商场" in client.get("/manage/requirements/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_date": "2020-01-01"}, "截止日期不能早于今天"),
        ({"renewal_months": "0"}, "复训周期至少为 1 个月"),
        ({"roles": []}, None),
    ],
)
def test_bad_requirements_get_a_form_error(
    client, course, district, town_coordinator, overrides, message
):
    client.force_login(town_coordinator)
    response = post(client, course, district["unit"], **overrides)
    assert response.status_code == 200
    field = next(iter(overrides))
    assert field in response.context["form"].errors
    if message:
        assert message in response.content.decode()
    assert not TrainingRequirement.objects.exists()


@pytest.mark.django_db
def test_an_organisation_outside_the_scope_cannot_be_chosen(
    client, course, district, town_coordinator
):
    client.force_login(town_coordinator)
    outside = OrganisationFactory(name="练塘镇", kind="town", parent=district["district"])
    response = post(client, course, outside)
    assert response.status_code == 200
    assert not TrainingRequirement.objects.exists()
    assert "练塘镇" not in client.get("/manage/requirements/new/").content.decode()


@pytest.mark.django_db
def test_people_who_coordinate_nothing_cannot_manage_requirements(client, responsible):
    client.force_login(responsible)
    assert client.get("/manage/requirements/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["course", "organisation"])
@pytest.mark.parametrize("value", ["9" * 23, str(2**63), "-1", "1e3"])
def test_an_id_past_a_bigint_is_a_form_error(
    client, course, district, town_coordinator, field, value
):
    client.force_login(town_coordinator)
    data = {
        "course": course.pk,
        "organisation": district["unit"].pk,
        "roles": ["responsible"],
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        field: value,
    }
    response = client.post("/manage/requirements/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TrainingRequirement.objects.exists()
