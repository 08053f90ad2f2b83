"""The account-takeover attacks found on the demo (issue 12), replayed through the HTTP client.

Each one worked before authority was decided over the person: a class teacher became the
district coordinator in two requests.
"""

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.log_actions import registry as log_registry

from accounts.models import Notice, User
from organisations.models import Membership, Organisation
from tests.organisations.join_helpers import xlsx_bytes

DISTRICT_PHONE = "13812330001"
DISTRICT_NAME = "示例区协调员"
CLASS_PATH = "青浦区/朱家角镇/示例朱家角小学/三年级（2）班"


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return {user.username: user for user in User.objects.filter(username__in=PEOPLE)}


PEOPLE = ["district", "town", "teacher", "manager", "staff", "responsible"]


def class_of(teacher):
    return (
        Membership.objects.current()
        .get(user=teacher, role=Membership.Role.COORDINATOR)
        .organisation
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def account_state(user):
    user.refresh_from_db()
    return (user.password, user.is_active, user.name, user.must_change_password)


def refusals(person):
    return [
        entry
        for entry in log_registry.get_logs_for_instance(person)
        if entry.action == "firesafety.member.refused"
    ]


def test_a_teacher_cannot_take_over_the_district_account_by_adding_it_to_the_class(client, demo):
    teacher, district = demo["teacher"], demo["district"]
    klass = class_of(teacher)
    before = account_state(district)
    signed_in(client, teacher)

    client.post(
        reverse("organisations:manage_add_member", args=[klass.pk]),
        {"name": DISTRICT_NAME, "phone": DISTRICT_PHONE, "role": "staff"},
    )
    membership = Membership.objects.current().get(user=district, organisation=klass)
    response = client.post(reverse("organisations:manage_reset_password", args=[membership.pk]))

    assert response.status_code == 403
    assert "管辖范围以外" in response.content.decode()
    assert account_state(district) == before
    assert len(refusals(district)) == 1
    # The person is told, with a way to leave the organisation.
    notice = Notice.objects.get(user=district)
    assert "示例周老师" in notice.title and klass.name in notice.title
    assert notice.link == reverse("organisations:leave_membership", args=[membership.pk])


def test_deactivate_and_role_change_are_refused_the_same_way(client, demo):
    teacher, district = demo["teacher"], demo["district"]
    klass = class_of(teacher)
    signed_in(client, teacher)
    client.post(
        reverse("organisations:manage_add_member", args=[klass.pk]),
        {"name": DISTRICT_NAME, "phone": DISTRICT_PHONE, "role": "staff"},
    )
    membership = Membership.objects.current().get(user=district, organisation=klass)
    before = account_state(district)

    page = client.get(reverse("organisations:manage_member", args=[membership.pk]))
    assert "重置密码" not in page.content.decode()
    for url_name, data in [
        ("manage_deactivate", {}),
        ("manage_change_role", {"role": "student"}),
        ("manage_move_member", {"organisation": klass.pk}),
    ]:
        response = client.post(reverse(f"organisations:{url_name}", args=[membership.pk]), data)
        assert response.status_code == 403, url_name
    assert account_state(district) == before
    assert Membership.objects.current().filter(user=district).count() == 2


def test_add_member_with_a_registered_phone_and_another_name_is_refused_without_the_name(
    client, demo
):
    teacher, district = demo["teacher"], demo["district"]
    klass = class_of(teacher)
    signed_in(client, teacher)
    response = client.post(
        reverse("organisations:manage_add_member", args=[klass.pk]),
        {"name": "随便一个名字", "phone": DISTRICT_PHONE, "role": "staff"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "该手机号已注册，姓名与登记不一致" in page
    assert DISTRICT_NAME not in page
    assert not Membership.objects.filter(user=district, organisation=klass).exists()


def import_sheet(client, rows):
    response = client.post(
        reverse("organisations:import_upload"),
        {"file": SimpleUploadedFile("members.xlsx", xlsx_bytes(rows))},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response.url)
    page = preview.content.decode()
    confirm = None
    if 'name="plan_digest" value="' in page:
        digest = response.url.rstrip("/").rsplit("/", 1)[1]
        plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
        confirm = client.post(
            reverse("organisations:import_confirm", args=[digest]),
            {"file_digest": digest, "plan_digest": plan_digest},
        )
    return page, confirm


def test_the_import_never_prints_or_changes_a_registered_name(client, demo):
    teacher, district = demo["teacher"], demo["district"]
    signed_in(client, teacher)
    before = account_state(district)

    page, _confirm = import_sheet(
        client, [("随便一个名字", DISTRICT_PHONE, CLASS_PATH, "职工", "")]
    )

    assert DISTRICT_NAME not in page
    assert "该手机号已注册，姓名与登记不一致" in page
    assert account_state(district) == before
    assert not Membership.objects.filter(user=district, organisation=class_of(teacher)).exists()


def test_the_import_with_the_right_name_attaches_but_grants_nothing_over_the_account(client, demo):
    teacher, district = demo["teacher"], demo["district"]
    signed_in(client, teacher)
    page, _confirm = import_sheet(client, [(DISTRICT_NAME, DISTRICT_PHONE, CLASS_PATH, "职工", "")])
    assert "加入（已有账号）" in page
    membership = Membership.objects.current().get(user=district, organisation=class_of(teacher))
    before = account_state(district)

    response = client.post(reverse("organisations:manage_reset_password", args=[membership.pk]))

    assert response.status_code == 403
    assert account_state(district) == before


def test_a_squatted_phone_cannot_be_imported_as_coordinator_or_responsible_person(client, demo):
    # Someone registered a number that was nobody's yet, without proving it.
    squatter = User.objects.create_user(
        username="13912345678", phone="13912345678", name="示例新人", password="x-unused-9"
    )
    manager = demo["manager"]
    unit = Membership.objects.current().get(user=manager, role="coordinator").organisation
    path = unit.full_name().replace(" / ", "/")
    signed_in(client, manager)

    for role in ("协调员", "消防安全责任人", "消防安全管理人"):
        page, _confirm = import_sheet(client, [("示例新人", "13912345678", path, role, "")])
        assert "该手机号尚未由本人验证" in page, role
    assert not Membership.objects.filter(user=squatter).exists()

    squatter.phone_verified_at = timezone.now()
    squatter.save()
    page, _confirm = import_sheet(client, [("示例新人", "13912345678", path, "协调员", "")])
    assert Membership.objects.current().filter(user=squatter, role="coordinator").exists()


def test_authority_over_a_person_ends_when_they_move_away(client, demo):
    town, manager, staff = demo["town"], demo["manager"], demo["staff"]
    old = Membership.objects.current().get(user=staff)
    other_unit = (
        Organisation.objects.filter(kind="unit", path__startswith=old.organisation.path[:8])
        .exclude(pk=old.organisation_id)
        .first()
    )
    signed_in(client, town)
    client.post(
        reverse("organisations:manage_move_member", args=[old.pk]),
        {"organisation": other_unit.pk},
    )
    old.refresh_from_db()
    assert old.ended_at is not None
    before = account_state(staff)

    signed_in(client, manager)
    page = client.get(reverse("organisations:manage_member", args=[old.pk]))
    assert page.status_code == 200  # the history stays visible …
    assert "重置密码" not in page.content.decode()  # … but gives no power
    assert "138****" in page.content.decode()  # and no longer the full phone
    for url_name in ("manage_reset_password", "manage_deactivate"):
        response = client.post(reverse(f"organisations:{url_name}", args=[old.pk]))
        assert response.status_code == 403, url_name
    assert account_state(staff) == before
