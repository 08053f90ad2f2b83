import time

import pytest

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from organisations import join
from organisations.models import Membership
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import JoinCodeFactory, MembershipFactory
from tests.organisations.join_helpers import build_district, last_sms_code

User = get_user_model()
GOOD_PASSWORD = "fire-drill-2026-go"


@pytest.fixture
def tree(db):
    return build_district()


@pytest.fixture
def staff_code(tree):
    return JoinCodeFactory(organisation=tree["unit"], role=Membership.Role.STAFF)


@pytest.fixture
def class_code(tree):
    return JoinCodeFactory(organisation=tree["class"], role=Membership.Role.STUDENT)


def join_url(code):
    return reverse("organisations:join_code", args=[code.code])


def confirm_url(code):
    return reverse("organisations:join_confirm", args=[code.code])


def adult_form(**overrides):
    return {
        "name": "李四海",
        "phone": "13912345678",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **overrides,
    }


def register_adult(client, code, outbox, **overrides):
    """Both steps: the details, then the code from the SMS; returns the last response."""
    form = adult_form(**overrides)
    details = client.post(join_url(code), form)
    assert details.status_code == 302
    assert details.url == confirm_url(code)
    return client.post(confirm_url(code), {"code": last_sms_code(outbox, form["phone"])})


def test_join_page_has_a_code_box(client, db):
    response = client.get(reverse("organisations:join"))
    assert response.status_code == 200
    assert "加入码" in response.content.decode()


def test_entering_a_code_in_any_case_goes_to_its_page(client, staff_code):
    response = client.get(reverse("organisations:join"), {"code": staff_code.code.lower()})
    assert response.status_code == 302
    assert response.url == join_url(staff_code)


def test_code_page_shows_organisation_and_role(client, staff_code):
    page = client.get(join_url(staff_code)).content.decode()
    assert "示例朱家角商业广场" in page
    assert "员工" in page


def test_adult_registers_with_phone_and_is_signed_in_with_membership(
    client, staff_code, sms_outbox
):
    response = register_adult(client, staff_code, sms_outbox)
    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert user.phone_is_verified
    assert user.username == "13912345678"
    assert user.name == "李四海"
    assert user.check_password(GOOD_PASSWORD)
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (staff_code.organisation, "staff")
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"phone": "12345"}, "11 位"),
        ({"name": "  "}, "姓名"),
        ({"password1": "12345678", "password2": "12345678"}, "数字"),
        ({"password2": "something-else-99"}, "两次"),
    ],
)
def test_adult_registration_bad_input_is_shown_at_the_field(
    client, staff_code, overrides, field_error
):
    response = client.post(join_url(staff_code), adult_form(**overrides))
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not User.objects.filter(phone="13912345678").exists()
    assert not Membership.objects.filter(organisation=staff_code.organisation).exists()


def test_signed_in_user_joining_gets_a_membership_not_a_second_account(client, staff_code):
    user = UserFactory(username="13912345678", phone="13912345678")
    client.force_login(user)
    users_before = User.objects.count()
    page = client.get(join_url(staff_code)).content.decode()
    assert "不会新建账号" in page
    response = client.post(join_url(staff_code))
    assert response.status_code == 302
    assert User.objects.count() == users_before
    assert user.memberships.current().filter(organisation=staff_code.organisation).exists()


def test_signed_in_member_joining_again_is_told_they_already_belong(client, staff_code):
    user = UserFactory()
    MembershipFactory(user=user, organisation=staff_code.organisation, role="staff")
    client.force_login(user)
    response = client.post(join_url(staff_code))
    assert "已经是" in response.content.decode()
    assert user.memberships.count() == 1


def test_student_sees_the_notice_before_anything_is_stored(client, class_code):
    users_before = User.objects.count()
    page = client.get(join_url(class_code)).content.decode()
    assert "我们保存哪些信息" in page
    assert "手机" not in page.split("<form")[1].split("</form>")[0]  # no phone field for a child
    assert User.objects.count() == users_before


def test_student_joins_with_name_and_number_and_sees_login_once(client, class_code):
    response = client.post(join_url(class_code), {"name": "王小花", "number": "12"})
    assert response.status_code == 302
    user = User.objects.get(name="王小花")
    assert user.phone is None
    assert user.username == f"c{class_code.organisation_id}-12"
    membership = user.memberships.get()
    assert (membership.role, membership.number) == ("student", "12")

    welcome = client.get(response.url).content.decode()
    assert user.username in welcome
    password = welcome.split("data-password>")[1].split("<")[0]
    assert user.check_password(password)
    assert len(password) == 7
    # Shown once: the second visit no longer has it.
    again = client.get(reverse("organisations:join_welcome"))
    assert password not in again.content.decode()


def test_student_can_sign_in_again_with_what_was_written_down(client, class_code):
    response = client.post(join_url(class_code), {"name": "王小花", "number": "7"})
    welcome = client.get(response.url).content.decode()
    username = welcome.split("data-login-name>")[1].split("<")[0]
    password = welcome.split("data-password>")[1].split("<")[0]
    client.logout()
    login = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert login.status_code == 302


def test_student_joining_twice_with_the_same_number_is_told_they_already_joined(client, class_code):
    client.post(join_url(class_code), {"name": "王小花", "number": "12"})
    client.logout()
    response = client.post(join_url(class_code), {"name": "王小花", "number": "12"})
    assert response.status_code == 200
    assert "已经加入" in response.content.decode()
    assert User.objects.filter(name="王小花").count() == 1


@pytest.mark.parametrize("number", ["", "  ", "12; drop", "<b>1</b>"])
def test_student_number_must_be_letters_and_digits(client, class_code, number):
    response = client.post(join_url(class_code), {"name": "王小花", "number": number})
    assert response.status_code == 200
    assert not User.objects.filter(name="王小花").exists()


def test_student_login_name_gets_a_suffix_if_a_former_student_used_it(class_code):
    first, _password = join.register_student(class_code, "甲", "3")
    Membership.objects.filter(user=first).update(ended_at=timezone.now())
    second, _password = join.register_student(class_code, "乙", "3")
    assert second.username == f"{first.username}-2"


def test_unknown_code_is_a_404_with_a_message(client, tree):
    response = client.get(reverse("organisations:join_code", args=["ZZZZZZZZ"]))
    assert response.status_code == 404
    assert "没有加入码" in response.content.decode()


def test_wrong_codes_are_throttled_per_address_after_ten_a_minute(client, staff_code):
    for attempt in range(10):
        response = client.get(reverse("organisations:join_code", args=[f"WRONG{attempt:03d}"]))
        assert response.status_code == 404
    assert client.get(reverse("organisations:join_code", args=["WRONG999"])).status_code == 429
    # Throttled means throttled: even the right code waits, so guessing gains nothing.
    assert client.get(join_url(staff_code)).status_code == 429
    # Another address is not affected.
    assert client.get(join_url(staff_code), REMOTE_ADDR="10.0.0.9").status_code == 200


def test_throttle_window_ends(client, staff_code, monkeypatch):
    # A one-second window, really waited for: Redis expires keys on its own clock.
    monkeypatch.setattr(join, "WRONG_CODE_WINDOW_SECONDS", 1)
    for attempt in range(10):
        client.get(reverse("organisations:join_code", args=[f"WRONG{attempt:03d}"]))
    assert client.get(join_url(staff_code)).status_code == 429
    time.sleep(1.2)
    assert client.get(join_url(staff_code)).status_code == 200


def test_expired_code_says_so(client, tree):
    code = JoinCodeFactory(
        organisation=tree["unit"], expires_at=timezone.now() - timezone.timedelta(days=1)
    )
    response = client.get(join_url(code))
    assert response.status_code == 410
    assert "已于" in response.content.decode()
    assert client.post(join_url(code), adult_form()).status_code == 410
    assert client.post(confirm_url(code), {"code": "123456"}).status_code == 410
    assert not User.objects.filter(phone="13912345678").exists()


def test_disabled_code_says_so(client, tree):
    code = JoinCodeFactory(organisation=tree["unit"], is_active=False)
    response = client.get(join_url(code))
    assert response.status_code == 410
    assert "已停用" in response.content.decode()


def test_code_of_a_deactivated_organisation_does_not_work(client, tree, staff_code):
    tree["unit"].is_active = False
    tree["unit"].save()
    assert client.get(join_url(staff_code)).status_code == 410


def test_join_page_query_count_is_fixed(client, staff_code, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(join_url(staff_code)).status_code == 200


def test_signed_in_password_is_unchanged_by_joining(client, staff_code):
    user = UserFactory()
    client.force_login(user)
    client.post(join_url(staff_code))
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
