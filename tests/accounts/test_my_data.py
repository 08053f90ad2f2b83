import json

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import my_data
from accounts.my_data import SectionData
from organisations.models import Membership
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory
from tests.organisations.join_helpers import build_district

User = get_user_model()
OVERVIEW = reverse("accounts_my_data:overview")
EDIT = reverse("accounts_my_data:edit")
EXPORT = reverse("accounts_my_data:export")
DELETE = reverse("accounts_my_data:delete")


@pytest.fixture
def member(learner):
    tree = build_district()
    MembershipFactory(user=learner, organisation=tree["unit"], role="manager", number="M7")
    return learner


def test_my_data_needs_sign_in(client, db):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_my_data_shows_account_and_memberships_with_dates(
    signed_in_client, member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(11):
        response = signed_in_client.get(OVERVIEW)
    page = response.content.decode()
    assert "张三明" in page
    assert "13800001111" in page  # the owner sees their own phone in full
    assert "示例朱家角商业广场" in page
    assert "消防安全管理人" in page
    assert "M7" in page
    started = timezone.localtime(member.memberships.get().started_at)
    assert started.date().isoformat() in page  # shown in local time (Asia/Shanghai)


def test_other_apps_can_add_a_section(signed_in_client, member):
    my_data.register_section(
        "progress",
        "学习进度",
        lambda user: SectionData(columns=[("course", "课程")], rows=[{"course": "示例课程"}]),
        order=50,
    )
    try:
        page = signed_in_client.get(OVERVIEW).content.decode()
        assert "学习进度" in page and "示例课程" in page
        exported = json.loads(signed_in_client.get(EXPORT).content)
        assert exported["progress"] == [{"course": "示例课程"}]
    finally:
        my_data._SECTIONS.pop("progress")


def test_download_is_json_with_everything(signed_in_client, member):
    response = signed_in_client.get(EXPORT)
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["name"] == "张三明"
    assert data["account"]["phone"] == "13800001111"
    assert data["memberships"][0]["organisation"] == "示例朱家角商业广场"
    assert data["memberships"][0]["role"] == "消防安全管理人"
    assert "password" not in json.dumps(data)


def test_person_edits_name_and_phone_and_login_name_follows(signed_in_client, learner):
    response = signed_in_client.post(EDIT, {"name": "张三", "phone": "139 1111 2222"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.name, learner.phone, learner.username) == ("张三", "13911112222", "13911112222")


def test_phone_used_by_another_account_is_an_error_at_the_phone_field(signed_in_client, learner):
    UserFactory(username="13922223333", phone="13922223333")
    response = signed_in_client.post(EDIT, {"name": "张三明", "phone": "13922223333"})
    assert response.status_code == 200
    page = response.content.decode()
    field = page.split('for="id_phone"')[1].split('<div class="field')[0]
    assert "已被其他账号使用" in field
    learner.refresh_from_db()
    assert learner.phone == "13800001111"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "phone": "13800001111"}, "请填写真实姓名"),
        ({"name": "张", "phone": "999"}, "11 位"),
    ],
)
def test_bad_details_are_form_errors(signed_in_client, learner, data, message):
    response = signed_in_client.post(EDIT, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    learner.refresh_from_db()
    assert learner.name == "张三明"


def test_phone_can_be_removed(signed_in_client, learner):
    signed_in_client.post(EDIT, {"name": "张三明", "phone": ""})
    learner.refresh_from_db()
    assert learner.phone is None


def test_delete_needs_the_password(signed_in_client, learner):
    response = signed_in_client.post(DELETE, {"password": "wrong"})
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    learner.refresh_from_db()
    assert learner.is_active


def test_delete_anonymises_the_account_and_keeps_records(signed_in_client, member):
    membership_count = Membership.objects.filter(user=member).count()
    response = signed_in_client.post(DELETE, {"password": TEST_PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "已注销用户"
    assert member.phone is None
    assert member.email == ""
    assert member.username.startswith("deleted-")
    assert not member.has_usable_password()
    assert not member.is_active
    # Records stay for the statistics, ended.
    assert Membership.objects.filter(user=member).count() == membership_count
    assert not Membership.objects.current().filter(user=member).exists()
    # Signed out, and the phone can be registered again by someone else.
    assert signed_in_client.get(OVERVIEW).status_code == 302
    UserFactory(username="13800001111", phone="13800001111")


def test_deleted_person_cannot_sign_in(client, learner):
    client.force_login(learner)
    client.post(DELETE, {"password": TEST_PASSWORD})
    response = client.post(
        reverse("accounts:login"), {"username": "13800001111", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
