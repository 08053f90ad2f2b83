"""Resetting someone's two-factor sign-in: superusers, or a coordinator with authority; audited."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.urls import reverse

from accounts.two_factor import has_two_factor
from organisations.models import AuditEntry
from tests.accounts.two_factor_helpers import enrol
from tests.factories import UserFactory
from tests.organisations.conftest import member

RESET = "firesafety.two_factor.reset"


def reset_url(person):
    return reverse("organisations:manage_person_two_factor", args=[person.pk])


@pytest.mark.django_db
def test_a_superuser_resets_an_editors_second_factor_and_it_is_audited(client, home_page):
    admin = UserFactory(is_superuser=True, is_staff=True)
    editor = UserFactory(is_staff=True, name="示例编辑")
    enrol(editor)
    client.force_login(admin)
    page = client.get(reset_url(editor))
    assert page.status_code == 200
    assert "重置两步验证" in page.content.decode()
    response = client.post(reset_url(editor))
    assert response.status_code == 302
    assert not has_two_factor(editor)
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    entry = AuditEntry.objects.get(action=RESET)
    assert entry.user_id == admin.pk and entry.object_id == str(editor.pk)
    assert entry.data["devices_removed"] == 2


@pytest.mark.django_db
def test_a_town_coordinator_resets_a_member_of_the_town(client, world, home_page):
    town = world["people"]["town"]
    person = world["memberships"]["unit_staff"].user
    enrol(person)
    client.force_login(town)
    assert client.post(reset_url(person)).status_code == 302
    assert not has_two_factor(person)
    assert AuditEntry.objects.filter(action=RESET, user_id=town.pk).count() == 1


@pytest.mark.django_db
def test_a_coordinator_without_authority_gets_403_and_nothing_changes(client, world):
    teacher = world["people"]["teacher"]
    # In the teacher's class, but also in another town: outside the teacher's authority.
    person = world["memberships"]["class_student"].user
    member_elsewhere = member(world["orgs"]["other_unit"])
    member_elsewhere.user = person
    member_elsewhere.save()
    enrol(person)
    client.force_login(teacher)
    page = client.get(reset_url(person))
    assert page.status_code == 200
    assert "重置两步验证" not in page.content.decode()
    response = client.post(reset_url(person))
    assert response.status_code == 403
    assert has_two_factor(person)
    refusal = AuditEntry.objects.get(action="firesafety.member.refused")
    assert refusal.data["attempted"] == RESET
    assert not AuditEntry.objects.filter(action=RESET).exists()


@pytest.mark.django_db
def test_a_coordinator_cannot_reset_the_coordinator_above(client, world):
    manager = world["people"]["manager"]
    town = world["people"]["town"]
    enrol(town)
    client.force_login(manager)
    response = client.post(reset_url(town))
    assert response.status_code == 404
    assert has_two_factor(town)


@pytest.mark.django_db
def test_a_district_coordinator_cannot_reset_a_staff_member(client, world):
    district = world["people"]["district"]
    staff_member = world["memberships"]["unit_staff"].user
    staff_member.is_staff = True
    staff_member.save()
    enrol(staff_member)
    client.force_login(district)
    assert client.post(reset_url(staff_member)).status_code == 403
    assert has_two_factor(staff_member)


@pytest.mark.django_db
def test_someone_outside_the_scope_is_404_and_a_learner_is_403(client, world):
    town = world["people"]["town"]
    outsider = world["memberships"]["elsewhere_staff"].user
    enrol(outsider)
    client.force_login(town)
    assert client.post(reset_url(outsider)).status_code == 404
    learner = world["memberships"]["unit_staff"].user
    client.force_login(learner)
    assert client.post(reset_url(outsider)).status_code == 403
    assert has_two_factor(outsider)
    client.logout()
    assert client.post(reset_url(outsider)).status_code == 302


@pytest.mark.django_db
def test_the_member_page_links_to_the_two_factor_page(client, world):
    town = world["people"]["town"]
    membership = world["memberships"]["unit_staff"]
    client.force_login(town)
    page = client.get(reverse("organisations:manage_member", args=[membership.pk]))
    assert reset_url(membership.user) in page.content.decode()


@pytest.mark.django_db
def test_the_admin_user_page_links_superusers_to_the_two_factor_page(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    editor = UserFactory(is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("wagtailusers_users:edit", args=[editor.pk]))
    assert page.status_code == 200
    assert reset_url(editor) in page.content.decode()
