import json

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import my_data
from accounts.models import Notice, PhoneCode
from accounts.my_data import SectionData
from organisations.models import Membership
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory
from tests.organisations.join_helpers import build_district, last_sms_code

User = get_user_model()
OVERVIEW = reverse("accounts_my_data:overview")
EDIT = reverse("accounts_my_data:edit")
EXPORT = reverse("accounts_my_data:export")
DELETE = reverse("accounts_my_data:delete")
CONFIRM_PHONE = reverse("accounts_my_data:confirm_phone")


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
    # The shell's queries, then one query per section, whatever the number of records in it.
    with django_assert_max_num_queries(22):
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


def test_person_edits_name_and_phone_and_login_name_follows(signed_in_client, learner, sms_outbox):
    response = signed_in_client.post(EDIT, {"name": "张三", "phone": "139 1111 2222"})
    assert response.status_code == 302
    assert response.url == CONFIRM_PHONE
    learner.refresh_from_db()
    # The name is saved at once; the phone waits for the code sent to it.
    assert (learner.name, learner.phone) == ("张三", "13800001111")
    response = signed_in_client.post(
        CONFIRM_PHONE, {"code": last_sms_code(sms_outbox, "13911112222")}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert (learner.name, learner.phone, learner.username) == ("张三", "13911112222", "13911112222")
    assert learner.phone_is_verified


def test_name_alone_is_saved_without_any_sms(signed_in_client, learner, sms_outbox):
    response = signed_in_client.post(EDIT, {"name": "张三", "phone": "13800001111"})
    assert response.url == OVERVIEW
    learner.refresh_from_db()
    assert learner.name == "张三"
    assert sms_outbox == []


def test_wrong_code_for_a_new_phone_stores_nothing(signed_in_client, learner, sms_outbox):
    signed_in_client.post(EDIT, {"name": "张三明", "phone": "13911112222"})
    right = last_sms_code(sms_outbox, "13911112222")
    wrong = "111111" if right != "111111" else "222222"
    response = signed_in_client.post(CONFIRM_PHONE, {"code": wrong})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    learner.refresh_from_db()
    assert learner.phone == "13800001111"


def test_a_code_sent_for_another_account_does_not_confirm_mine(
    client, learner, sms_outbox, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    other = UserFactory()
    client.force_login(other)
    client.post(EDIT, {"name": "别人", "phone": "13911112222"})
    code = last_sms_code(sms_outbox, "13911112222")
    time_machine.shift(61)
    client.force_login(learner)
    assert client.post(EDIT, {"name": "张三明", "phone": "13911112222"}).status_code == 302
    PhoneCode.objects.filter(user=learner).delete()
    response = client.post(CONFIRM_PHONE, {"code": code})
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.phone == "13800001111"


def test_new_phone_codes_are_limited_with_429(signed_in_client, learner, sms_outbox):
    signed_in_client.post(EDIT, {"name": "张三明", "phone": "13911112222"})
    response = signed_in_client.post(EDIT, {"name": "张三明", "phone": "13911112222"})
    assert response.status_code == 429
    assert "请在" in response.content.decode()
    assert len(sms_outbox) == 1


def test_phone_of_another_account_is_not_revealed_nor_taken(signed_in_client, learner, sms_outbox):
    holder = UserFactory(username="13922223333", phone="13922223333")
    response = signed_in_client.post(EDIT, {"name": "张三明", "phone": "13922223333"})
    # Same answer as for a free number: the code step.
    assert response.status_code == 302
    assert response.url == CONFIRM_PHONE
    response = signed_in_client.post(
        CONFIRM_PHONE, {"code": last_sms_code(sms_outbox, "13922223333")}
    )
    assert response.status_code == 200
    assert "协调员" in response.content.decode()
    learner.refresh_from_db()
    holder.refresh_from_db()
    assert learner.phone == "13800001111"
    assert holder.phone == "13922223333"
    assert Notice.objects.filter(user=holder).count() == 1


def test_confirmed_phone_of_another_account_gets_no_code(signed_in_client, learner, sms_outbox):
    UserFactory(username="13922223333", phone="13922223333", phone_verified_at=timezone.now())
    response = signed_in_client.post(EDIT, {"name": "张三明", "phone": "13922223333"})
    assert response.url == CONFIRM_PHONE
    assert "code" not in sms_outbox[0].params


def test_an_unconfirmed_phone_can_be_confirmed(signed_in_client, learner, sms_outbox):
    page = signed_in_client.get(OVERVIEW).content.decode()
    assert "尚未验证" in page
    response = signed_in_client.post(reverse("accounts_my_data:confirm_current_phone"))
    assert response.url == CONFIRM_PHONE
    signed_in_client.post(CONFIRM_PHONE, {"code": last_sms_code(sms_outbox, "13800001111")})
    learner.refresh_from_db()
    assert learner.phone_is_verified
    assert "尚未验证" not in signed_in_client.get(OVERVIEW).content.decode()


def test_changing_a_confirmed_phone_drops_the_confirmation_until_proved(
    signed_in_client, learner, sms_outbox
):
    learner.phone_verified_at = timezone.now()
    learner.save()
    signed_in_client.post(EDIT, {"name": "张三明", "phone": ""})
    learner.refresh_from_db()
    assert learner.phone is None
    assert learner.phone_verified_at is None


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
