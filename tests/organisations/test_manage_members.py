"""The coordinator area: member lists, adding, role changes, moves, deactivation, resets."""

import re

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse

from organisations.models import Membership
from tests.factories import TEST_PASSWORD
from tests.organisations.conftest import member
from tests.organisations.factories import MembershipFactory, OrganisationFactory

ONE_TIME_PASSWORD = r"[a-hjkmnp-z2-9]{12}"

Role = Membership.Role


def url(name, *args):
    return reverse(f"organisations:{name}", args=args)


@pytest.fixture
def as_town(client, world):
    client.force_login(world["people"]["town"])
    return client


@pytest.fixture
def as_manager(client, world):
    client.force_login(world["people"]["manager"])
    return client


def test_adding_a_new_person_shows_a_one_time_password_once(as_town, world):
    unit = world["orgs"]["unit"]
    response = as_town.post(
        url("manage_add_member", unit.pk),
        {"name": "示例新员工", "phone": "138 0000 0050", "role": "staff", "number": "A-7"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode()
    # One generator for add-member, reset and the import: 12 characters without look-alikes.
    assert re.fullmatch(ONE_TIME_PASSWORD, password)
    user = get_user_model().objects.get(phone="13800000050")
    assert user.username == "13800000050"
    assert user.must_change_password
    assert user.check_password(password)
    assert user.memberships.get().number == "A-7"
    # The member page afterwards never shows it again.
    page = as_town.get(url("manage_member", user.memberships.get().pk))
    assert password not in page.content.decode()


def test_an_existing_phone_gets_a_membership_not_a_second_account(as_town, world):
    staff = world["memberships"]["unit_staff"].user
    school = world["orgs"]["school"]
    response = as_town.post(
        url("manage_add_member", school.pk),
        {"name": staff.name, "phone": staff.phone, "role": "staff"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(phone=staff.phone).count() == 1
    assert set(staff.memberships.values_list("organisation__name", flat=True)) == {
        "示例商业广场",
        "示例朱家角小学",
    }
    staff.refresh_from_db()
    assert staff.check_password(TEST_PASSWORD)  # the existing password is left alone


def test_a_phone_of_another_person_is_a_form_error_on_the_phone_field(as_town, world):
    staff = world["memberships"]["unit_staff"].user
    response = as_town.post(
        url("manage_add_member", world["orgs"]["unit"].pk),
        {"name": "另一个人", "phone": staff.phone, "role": "staff"},
    )
    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert not get_user_model().objects.filter(name="另一个人").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "phone": "13800000060", "role": "staff"}, "name"),
        ({"name": "示例甲", "phone": "12345", "role": "staff"}, "phone"),
        ({"name": "示例甲", "phone": "", "role": "manager"}, "phone"),
        ({"name": "示例甲", "phone": "13800000060", "role": "chief"}, "role"),
    ],
)
def test_bad_member_input_is_a_form_error_next_to_the_field(as_town, world, data, field):
    response = as_town.post(url("manage_add_member", world["orgs"]["unit"].pk), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not get_user_model().objects.filter(phone="13800000060").exists()


def test_a_student_is_added_without_a_phone_and_a_number_is_unique_in_the_class(as_town, world):
    klass = world["orgs"]["class"]
    data = {"name": "示例小明", "phone": "", "role": "student", "number": "12"}
    assert as_town.post(url("manage_add_member", klass.pk), data).status_code == 200
    again = as_town.post(url("manage_add_member", klass.pk), {**data, "name": "示例小红"})
    assert "number" in again.context["form"].errors
    assert klass.memberships.filter(number="12").count() == 1


def test_changing_a_role_keeps_the_old_membership_in_the_history(as_manager, world):
    membership = world["memberships"]["unit_staff"]
    response = as_manager.post(url("manage_change_role", membership.pk), {"role": "operator"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None
    new = Membership.objects.current().get(user=membership.user)
    assert new.role == Role.OPERATOR
    assert new.organisation == membership.organisation


def test_moving_a_member_ends_the_old_membership_and_starts_one_in_the_target(as_town, world):
    membership = world["memberships"]["unit_staff"]
    school = world["orgs"]["school"]
    page = as_town.get(url("manage_move_member", membership.pk), {"q": "小学"})
    assert "示例朱家角小学" in page.content.decode()
    response = as_town.post(url("manage_move_member", membership.pk), {"organisation": school.pk})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert Membership.objects.current().get(user=membership.user).organisation == school


def test_leaving_sets_an_end_date_and_never_deletes(as_manager, world):
    membership = world["memberships"]["unit_staff"]
    as_manager.post(url("manage_end_membership", membership.pk))
    membership.refresh_from_db()
    assert membership.ended_at is not None
    unit = world["orgs"]["unit"]
    current = as_manager.get(url("manage_members", unit.pk))
    left = as_manager.get(url("manage_members", unit.pk), {"status": "left"})
    assert "王员工" not in {m.user.name for m in current.context["page_obj"]}
    assert "王员工" in {m.user.name for m in left.context["page_obj"]}


def test_deactivating_signs_the_person_out_at_once(client, world):
    from django.test import Client

    person = world["memberships"]["unit_staff"].user
    their_browser = Client()
    their_browser.force_login(person)
    assert their_browser.get("/").context["user"] == person

    client.force_login(world["people"]["manager"])
    client.post(url("manage_deactivate", world["memberships"]["unit_staff"].pk))
    person.refresh_from_db()
    assert not person.is_active
    assert not their_browser.get("/").context["user"].is_authenticated
    sign_in = their_browser.post(
        reverse("accounts:login"), {"username": person.username, "password": TEST_PASSWORD}
    )
    assert not sign_in.wsgi_request.user.is_authenticated
    deactivated = client.get(
        url("manage_members", world["orgs"]["unit"].pk), {"status": "deactivated"}
    )
    assert "王员工" in deactivated.content.decode()


def test_reset_password_shows_it_once_and_forces_a_change(client, world):
    membership = world["memberships"]["unit_staff"]
    client.force_login(world["people"]["manager"])
    response = client.post(url("manage_reset_password", membership.pk))
    password = response.context["password"]
    assert re.fullmatch(ONE_TIME_PASSWORD, password)
    person = get_user_model().objects.get(pk=membership.user_id)
    assert person.must_change_password
    assert not person.check_password(TEST_PASSWORD)
    client.logout()
    client.post(reverse("accounts:login"), {"username": person.username, "password": password})
    response = client.get("/manage/")
    assert response.status_code == 302
    assert reverse("accounts:password_change") in response["Location"]


def test_coordinators_cannot_close_their_own_or_an_administrators_account(client, world):
    manager = world["people"]["manager"]
    own = manager.memberships.get()
    admin = member(world["orgs"]["unit"], is_superuser=True, is_staff=True)
    client.force_login(manager)
    assert client.post(url("manage_deactivate", own.pk)).status_code == 403
    assert client.post(url("manage_reset_password", admin.pk)).status_code == 403
    manager.refresh_from_db()
    assert manager.is_active


def test_phones_are_masked_except_for_the_coordinator_of_the_persons_organisation(client, world):
    unit = world["orgs"]["unit"]
    client.force_login(world["people"]["town"])
    assert "138****0001" in client.get(url("manage_members", unit.pk)).content.decode()
    client.force_login(world["people"]["manager"])
    page = client.get(url("manage_members", unit.pk)).content.decode()
    assert "13800000001" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [("王员工", {"王员工"}), ("13800000001", {"王员工"}), ("0003", {"孙老师"}), ("李", {"李学生"})],
)
def test_member_search_by_name_phone_or_last_four_digits(as_town, world, query, expected):
    response = as_town.get(
        url("manage_members", world["orgs"]["town"].pk), {"q": query, "subtree": "on"}
    )
    assert {m.user.name for m in response.context["page_obj"]} == expected


def test_member_list_filters_by_role_and_includes_the_subtree_on_request(as_town, world):
    town = world["orgs"]["town"]
    own = as_town.get(url("manage_members", town.pk))
    assert {m.user.name for m in own.context["page_obj"]} == {"协调员town"}
    teachers = as_town.get(url("manage_members", town.pk), {"subtree": "on", "role": "teacher"})
    assert {m.user.name for m in teachers.context["page_obj"]} == {"孙老师"}


def test_bad_filter_values_fall_back_without_an_error(as_town, world):
    response = as_town.get(
        url("manage_members", world["orgs"]["town"].pk),
        {"role": "nonsense", "status": "<script>", "page": "x"},
    )
    assert response.status_code == 200


def test_member_list_is_paginated_by_fifty(as_manager, world):
    unit = world["orgs"]["unit"]
    for _ in range(55):
        member(unit)
    first = as_manager.get(url("manage_members", unit.pk))
    assert len(first.context["page_obj"]) == 50
    second = as_manager.get(url("manage_members", unit.pk), {"page": 2})
    assert len(second.context["page_obj"]) == 57 - 50


def test_tree_shows_the_top_organisations_with_member_counts_and_drills_down(as_town, world):
    response = as_town.get(url("manage"))
    (town,) = response.context["page_obj"]
    assert town.name == "朱家角镇"
    # town coordinator, unit staff, manager, school teacher, student and teacher (class coordinator)
    assert town.member_count == 6
    below = as_town.get(url("manage_organisation", town.pk))
    assert [node.name for node in below.context["page_obj"]] == ["示例商业广场", "示例朱家角小学"]
    assert [node.member_count for node in below.context["page_obj"]] == [2, 3]


def test_department_coordinator_sees_the_department_and_the_sector_roots(client, world):
    client.force_login(world["people"]["edu_dept"])
    response = client.get(url("manage"))
    assert {node.name for node in response.context["page_obj"]} == {
        "区教育局",
        "示例朱家角小学",
        "示例练塘中学",
    }


def grow(world, size):
    """Add `size` units under the town, each with two members."""
    town = world["orgs"]["town"]
    for index in range(size):
        unit = OrganisationFactory(name=f"示例增补单位{index:03d}", parent=town)
        member(unit)
        member(unit, Role.MANAGER, phone=f"1390000{index:04d}")


@pytest.mark.parametrize("size", [2, 30])
def test_tree_and_member_list_run_a_fixed_number_of_queries(
    client, world, size, django_assert_max_num_queries
):
    grow(world, size)
    client.force_login(world["people"]["town"])
    town = world["orgs"]["town"]
    client.get(url("manage"))  # the footer settings row is created on the first page view
    # Seven queries are the site shell: session, user, site, footer, unread messages, two for
    # the userbar;
    # the rest: coordinator memberships, then the page (count and rows, organisation, breadcrumbs).
    with django_assert_max_num_queries(10):
        assert client.get(url("manage")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("manage_organisation", town.pk)).status_code == 200
    with django_assert_max_num_queries(13):  # and one for the roles of the page's people
        response = client.get(url("manage_members", town.pk), {"subtree": "on"})
        assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url("manage"), {"q": "示例"}).status_code == 200


def test_a_nameless_member_is_headed_by_the_masked_phone_not_the_phone(client, world):
    staff = world["memberships"]["unit_staff"]
    staff.user.name = ""
    staff.user.save()
    client.force_login(world["people"]["town"])

    page = client.get(reverse("organisations:manage_member", args=[staff.pk])).content.decode()
    listing = client.get(reverse("organisations:manage_members", args=[staff.organisation_id]))

    assert "13800000001" not in page
    assert "138****0001" in page
    assert "13800000001" not in listing.content.decode()


def test_a_member_with_two_roles_is_one_row_with_both_roles(
    as_town, world, django_assert_max_num_queries
):
    unit = world["orgs"]["unit"]
    staff = world["memberships"]["unit_staff"]
    MembershipFactory(user=staff.user, organisation=unit, role=Role.RESPONSIBLE)
    for _ in range(5):
        member(unit)
    as_town.get(url("manage_members", unit.pk))
    with django_assert_max_num_queries(13):
        response = as_town.get(url("manage_members", unit.pk))
    rows = [m for m in response.context["page_obj"] if m.user == staff.user]
    assert len(rows) == 1
    html = response.content.decode()
    assert html.count(">王员工<") == 1
    assert "员工、消防安全责任人" in html or "消防安全责任人、员工" in html
