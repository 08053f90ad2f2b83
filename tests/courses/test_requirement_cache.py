"""Who must train is kept in the cache per membership set (courses.requirement_cache); every
change to a requirement or an organisation shows on the next page, whichever door it came by."""

from datetime import date

import pytest

from django.utils import timezone

from courses.models import CampaignPage, TrainingRequirement
from organisations.models import Membership
from tests.courses.conftest import make_course
from tests.courses.test_lean_pages import CACHED_SESSIONS
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _required_titles(client):
    return [item.course.title for item in client.get("/learn/").context["required"]]


def _warm(client):
    client.get("/learn/")
    return _required_titles(client)


def test_my_learning_asks_the_database_who_must_train_once_for_a_membership_set(
    client, settings, course, district, responsible, django_assert_num_queries
):
    settings.SESSION_ENGINE = CACHED_SESSIONS
    TrainingRequirement.objects.create(
        course=course,
        organisation=district["town"],
        roles=["responsible"],
        due_date=date(2027, 6, 1),
    )
    colleague = UserFactory(name="李四")
    MembershipFactory(
        user=colleague, organisation=district["unit"], role=Membership.Role.RESPONSIBLE
    )
    client.force_login(responsible)
    assert _warm(client) == [course.title]
    client.force_login(colleague)
    client.get("/learn/")  # the session and the site, read once
    # Session, user, memberships, enrolments, the header's figures: the colleague holds the same
    # role at the same unit, so the requirements are those already read for the first person.
    with django_assert_num_queries(5):
        assert _required_titles(client) == [course.title]


def test_a_requirement_created_or_deactivated_shows_on_my_learning_at_once(
    client, course, district, responsible
):
    client.force_login(responsible)
    assert _warm(client) == []
    requirement = TrainingRequirement.objects.create(
        course=course,
        organisation=district["town"],
        roles=["responsible"],
        due_date=date(2027, 6, 1),
    )
    assert _required_titles(client) == [course.title]
    requirement.is_active = False
    requirement.save()
    assert _required_titles(client) == []
    requirement.is_active = True
    requirement.save()
    assert _required_titles(client) == [course.title]
    requirement.delete()
    assert _required_titles(client) == []


def test_a_role_added_to_a_requirement_reaches_that_role_at_once(
    client, course, district, responsible
):
    requirement = TrainingRequirement.objects.create(
        course=course,
        organisation=district["district"],
        roles=["manager"],
        due_date=date(2027, 6, 1),
    )
    client.force_login(responsible)
    assert _warm(client) == []
    requirement.roles = ["manager", "responsible"]
    requirement.save()
    assert _required_titles(client) == [course.title]


def test_a_renamed_organisation_is_named_on_my_learning_at_once(
    client, course, district, responsible
):
    TrainingRequirement.objects.create(
        course=course,
        organisation=district["town"],
        roles=["responsible"],
        due_date=date(2027, 6, 1),
    )
    client.force_login(responsible)
    _warm(client)
    town = district["town"]
    town.name = "朱家角镇人民政府"
    town.save()
    assert "朱家角镇人民政府" in client.get("/learn/").content.decode()


def test_a_new_membership_brings_its_requirements_and_a_past_one_takes_them_away(
    client, course, district, responsible
):
    TrainingRequirement.objects.create(
        course=course, organisation=district["town"], roles=["manager"], due_date=date(2027, 6, 1)
    )
    client.force_login(responsible)
    assert _warm(client) == []
    membership = MembershipFactory(
        user=responsible, organisation=district["unit"], role=Membership.Role.MANAGER
    )
    assert _required_titles(client) == [course.title]
    membership.ended_at = timezone.now()
    membership.save()
    assert _required_titles(client) == []


def test_an_audience_only_course_opens_to_whom_a_requirement_names_and_closes_after(
    client, course_index, district, responsible
):
    private = make_course(course_index, slug="private", audience_only=True, audience_roles=[])
    client.force_login(responsible)
    assert client.get(private.url).status_code == 404
    requirement = TrainingRequirement.objects.create(
        course=private,
        organisation=district["unit"],
        roles=["responsible"],
        due_date=date(2027, 6, 1),
    )
    assert client.get(private.url).status_code == 200
    requirement.is_active = False
    requirement.save()
    assert client.get(private.url).status_code == 404


def test_an_unpublished_campaign_stops_requiring_its_pupils_at_once(client, course_index):
    """Retiring a campaign's requirement is a bulk update, which sends no signal."""
    district = OrganisationFactory(name="青浦区", kind="district")
    school = OrganisationFactory(
        name="示例小学", kind="school", sector="education", parent=district
    )
    klass = OrganisationFactory(
        name="三年级（2）班", kind="class", sector="education", parent=school
    )
    pupil = UserFactory(name="王小明")
    MembershipFactory(user=pupil, organisation=klass, role=Membership.Role.STUDENT)
    course = make_course(course_index, lessons=2, slug="first-lesson", audience_roles=["student"])
    campaign = CampaignPage(
        title="开学第一课",
        slug="first-lesson-2026",
        intro="开学第一课",
        course=course,
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 9, 30),
        target=district,
    )
    course_index.add_child(instance=campaign)
    campaign.save_revision().publish()
    client.force_login(pupil)
    assert _warm(client) == [course.title]
    CampaignPage.objects.get(pk=campaign.pk).unpublish()
    assert _required_titles(client) == []
