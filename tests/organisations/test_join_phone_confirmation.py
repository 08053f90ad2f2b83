"""Self-registration of adults proves the phone by SMS, and tells strangers nothing."""

import re

import pytest

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from accounts.models import Notice, PhoneCode
from organisations import join
from organisations.models import Membership
from tests.factories import UserFactory
from tests.organisations.factories import JoinCodeFactory, MembershipFactory
from tests.organisations.join_helpers import build_district, last_sms_code
from tests.organisations.test_join import (
    GOOD_PASSWORD,
    adult_form,
    confirm_url,
    join_url,
    register_adult,
)

User = get_user_model()
PHONE = "13912345678"


@pytest.fixture
def staff_code(db):
    tree = build_district()
    return JoinCodeFactory(organisation=tree["unit"], role=Membership.Role.STAFF)


def page_text(response):
    return response.content.decode()


def without_tokens(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_details_alone_make_no_account_and_send_a_code(client, staff_code, sms_outbox):
    response = client.post(join_url(staff_code), adult_form())
    assert response.status_code == 302
    assert not User.objects.filter(phone=PHONE).exists()
    assert [message.phone for message in sms_outbox] == [PHONE]
    code = sms_outbox[0].params["code"]
    assert len(code) == 6
    assert code.isdigit()
    assert code in sms_outbox[0].text
    page = page_text(client.get(confirm_url(staff_code)))
    assert "139****5678" in page
    # The password waits hashed, never in plain text.
    assert GOOD_PASSWORD not in str(dict(client.session))


def test_codes_are_stored_hashed(client, staff_code, sms_outbox):
    client.post(join_url(staff_code), adult_form())
    code = sms_outbox[0].params["code"]
    stored = PhoneCode.objects.get(phone=PHONE)
    assert code not in stored.code_hash
    assert len(stored.code_hash) == 64


@pytest.mark.parametrize("typed", ["000000", "12345", "abcdef", ""])
def test_wrong_code_is_a_form_error_and_nothing_is_stored(client, staff_code, sms_outbox, typed):
    client.post(join_url(staff_code), adult_form())
    if typed == "000000" and sms_outbox[0].params["code"] == typed:
        typed = "111111"
    response = client.post(confirm_url(staff_code), {"code": typed})
    assert response.status_code == 200
    assert "验证码" in page_text(response)
    assert not User.objects.filter(phone=PHONE).exists()
    assert not Membership.objects.filter(organisation=staff_code.organisation).exists()


def test_wrong_code_says_how_many_tries_are_left(client, staff_code, sms_outbox):
    client.post(join_url(staff_code), adult_form())
    wrong = "111111" if sms_outbox[0].params["code"] != "111111" else "222222"
    page = page_text(client.post(confirm_url(staff_code), {"code": wrong}))
    assert "验证码不正确" in page
    assert "4" in page


def test_code_is_dead_after_five_wrong_tries(client, staff_code, sms_outbox):
    client.post(join_url(staff_code), adult_form())
    right = sms_outbox[0].params["code"]
    wrong = "111111" if right != "111111" else "222222"
    for _try in range(5):
        client.post(confirm_url(staff_code), {"code": wrong})
    response = client.post(confirm_url(staff_code), {"code": right})
    assert response.status_code == 200
    assert "次数过多" in page_text(response)
    assert not User.objects.filter(phone=PHONE).exists()


def test_expired_code_is_refused(client, staff_code, sms_outbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.post(join_url(staff_code), adult_form())
    time_machine.shift(5 * 60 + 1)
    response = client.post(confirm_url(staff_code), {"code": sms_outbox[0].params["code"]})
    assert "已过期" in page_text(response)
    assert not User.objects.filter(phone=PHONE).exists()


def test_only_the_newest_code_counts(client, staff_code, sms_outbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.post(join_url(staff_code), adult_form())
    time_machine.shift(61)
    client.post(confirm_url(staff_code), {"resend": "1"})
    first, second = (message.params["code"] for message in sms_outbox)
    if first != second:
        assert "不正确" in page_text(client.post(confirm_url(staff_code), {"code": first}))
    assert client.post(confirm_url(staff_code), {"code": second}).status_code == 302
    assert User.objects.get(phone=PHONE).phone_is_verified


def test_a_used_code_cannot_be_used_again(client, staff_code, sms_outbox):
    register_adult(client, staff_code, sms_outbox)
    client.logout()
    client.post(join_url(staff_code), adult_form(phone="13912340000"))
    PhoneCode.objects.filter(phone="13912340000").delete()
    PhoneCode.objects.filter(phone=PHONE).update(phone="13912340000")
    response = client.post(confirm_url(staff_code), {"code": sms_outbox[0].params["code"]})
    assert response.status_code == 200
    assert not User.objects.filter(phone="13912340000").exists()


def test_second_code_within_a_minute_is_429_with_when_to_try(client, staff_code, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.post(join_url(staff_code), adult_form())
    response = client.post(confirm_url(staff_code), {"resend": "1"})
    assert response.status_code == 429
    assert "请在" in page_text(response)
    assert 1 <= int(response["Retry-After"]) <= 61
    time_machine.shift(61)
    assert client.post(confirm_url(staff_code), {"resend": "1"}).status_code == 302


def test_ten_codes_a_day_per_phone(client, staff_code, sms_outbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _code in range(10):
        assert client.post(join_url(staff_code), adult_form()).status_code == 302
        time_machine.shift(61)
        cache.clear()
    response = client.post(join_url(staff_code), adult_form())
    assert response.status_code == 429
    assert len(sms_outbox) == 10
    # Another address does not help: the limit is the phone's.
    cache.clear()
    other = client.post(join_url(staff_code), adult_form(), REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 429


def test_twenty_codes_an_hour_per_address(client, staff_code, sms_outbox):
    for index in range(20):
        phone = f"1391234{index:04d}"
        assert client.post(join_url(staff_code), adult_form(phone=phone)).status_code == 302
    response = client.post(join_url(staff_code), adult_form(phone="13998765432"))
    assert response.status_code == 429
    assert len(sms_outbox) == 20
    ok = client.post(join_url(staff_code), adult_form(phone="13998765432"), REMOTE_ADDR="10.0.0.8")
    assert ok.status_code == 302


def test_a_refused_request_does_not_use_up_the_limit(client, staff_code, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.post(join_url(staff_code), adult_form())
    for _again in range(3):
        assert client.post(confirm_url(staff_code), {"resend": "1"}).status_code == 429
    assert PhoneCode.objects.filter(phone=PHONE).count() == 1


def test_registered_phone_gets_the_same_answer_as_a_fresh_one(client, staff_code, sms_outbox):
    owner = UserFactory(username=PHONE, phone=PHONE, phone_verified_at=timezone.now())
    fresh = client.post(join_url(staff_code), adult_form(phone="13912340001"))
    fresh_page = page_text(client.get(fresh.url))
    client.session.flush()
    taken = client.post(join_url(staff_code), adult_form())
    taken_page = page_text(client.get(taken.url))
    assert (fresh.status_code, fresh.url) == (taken.status_code, taken.url)
    assert without_tokens(taken_page.replace("139****5678", "139****0001")) == without_tokens(
        fresh_page
    )
    assert "已注册" not in taken_page
    assert "已有账号" not in taken_page
    # The owner's SMS carries no code but a warning; nobody can finish with it.
    message = sms_outbox[-1]
    assert message.phone == PHONE
    assert "code" not in message.params
    assert "注册" in message.text
    for guess in ("000000", "123456"):
        client.post(confirm_url(staff_code), {"code": guess})
    assert User.objects.filter(phone=PHONE).get() == owner
    assert not Membership.objects.filter(organisation=staff_code.organisation).exists()


def test_registered_phone_counts_against_the_same_limits(client, staff_code, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    UserFactory(username=PHONE, phone=PHONE, phone_verified_at=timezone.now())
    client.post(join_url(staff_code), adult_form())
    assert client.post(join_url(staff_code), adult_form()).status_code == 429


def test_proving_a_phone_held_by_an_unconfirmed_account_does_not_take_it_over(
    client, staff_code, sms_outbox
):
    # The squatter registered before phones were proved; the real owner now proves it.
    squatter = UserFactory(username=PHONE, phone=PHONE, name="占用者")
    MembershipFactory(user=squatter, organisation=staff_code.organisation, role="staff")
    response = register_adult(client, staff_code, sms_outbox, name="真机主")
    page = page_text(response)
    assert response.status_code == 200
    assert "协调员" in page
    assert "占用者" not in page
    squatter.refresh_from_db()
    assert squatter.phone == PHONE
    assert not squatter.phone_is_verified
    assert User.objects.filter(phone=PHONE).count() == 1
    assert not User.objects.filter(name="真机主").exists()
    assert "_auth_user_id" not in client.session
    notice = Notice.objects.get(user=squatter)
    assert "139****5678" in notice.body


def test_join_posts_are_throttled_per_address(client, staff_code, monkeypatch):
    monkeypatch.setitem(join.JOIN_POST_LIMITS, "ip", (3, 600))
    for index in range(3):
        client.post(join_url(staff_code), adult_form(name="", phone=f"1391234{index:04d}"))
    assert client.post(join_url(staff_code), adult_form()).status_code == 429
    assert (
        client.post(join_url(staff_code), adult_form(), REMOTE_ADDR="10.1.1.1").status_code == 302
    )


def test_join_posts_are_throttled_per_phone(client, staff_code, monkeypatch, sms_outbox):
    monkeypatch.setitem(join.JOIN_POST_LIMITS, "phone", (3, 3600))
    client.post(join_url(staff_code), adult_form())
    for _try in range(2):
        client.post(confirm_url(staff_code), {"code": "999999"})
    response = client.post(confirm_url(staff_code), {"code": sms_outbox[0].params["code"]})
    assert response.status_code == 429
    assert not User.objects.filter(phone=PHONE).exists()


def test_code_step_without_details_goes_back_to_the_form(client, staff_code):
    response = client.get(confirm_url(staff_code))
    assert response.status_code == 302
    assert response.url == join_url(staff_code)
    assert client.post(confirm_url(staff_code), {"code": "123456"}).status_code == 302


def test_details_for_one_code_do_not_finish_another(client, staff_code, sms_outbox):
    client.post(join_url(staff_code), adult_form())
    other = JoinCodeFactory(organisation=staff_code.organisation, role=Membership.Role.MANAGER)
    response = client.post(confirm_url(other), {"code": last_sms_code(sms_outbox, PHONE)})
    assert response.status_code == 302
    assert response.url == join_url(other)
    assert not User.objects.filter(phone=PHONE).exists()


def test_students_join_without_any_sms(client, sms_outbox, db):
    tree = build_district()
    code = JoinCodeFactory(organisation=tree["class"], role=Membership.Role.STUDENT)
    assert client.post(join_url(code), {"name": "王小花", "number": "12"}).status_code == 302
    assert sms_outbox == []
    assert client.get(confirm_url(code)).status_code == 302


def test_a_phone_nobody_holds_cannot_be_squatted_through_join(client, staff_code, sms_outbox):
    # The squatter types someone else's number: the code goes to that phone, not to them.
    client.post(join_url(staff_code), adult_form(name="占号者"))
    for guess in ("123456", "000000", "888888", "654321", "111111"):
        if guess != sms_outbox[0].params["code"]:
            client.post(confirm_url(staff_code), {"code": guess})
    assert not User.objects.filter(phone=PHONE).exists()
    assert not User.objects.filter(name="占号者").exists()


@pytest.mark.parametrize("role", [Membership.Role.MANAGER, Membership.Role.RESPONSIBLE])
def test_signed_in_account_with_an_unconfirmed_phone_cannot_collect_a_duty_role(
    client, staff_code, role
):
    code = JoinCodeFactory(organisation=staff_code.organisation, role=role)
    squatter = UserFactory(username=PHONE, phone=PHONE)
    client.force_login(squatter)
    response = client.post(join_url(code))
    assert response.status_code == 200
    assert "我的数据" in page_text(response)
    assert not squatter.memberships.exists()
    squatter.phone_verified_at = timezone.now()
    squatter.save()
    assert client.post(join_url(code)).status_code == 302
    assert squatter.memberships.current().filter(role=role).exists()
