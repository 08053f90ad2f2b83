import pytest

from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

LOGIN_URL = reverse("accounts:login")
WRONG_LOGIN = "登录名或密码不正确"


def sign_in(client, username, password, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


@pytest.mark.django_db
def test_sign_in_page_is_in_chinese(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_sign_in_succeeds_and_rotates_the_session_key(client, home_page):
    user = UserFactory()
    client.get(LOGIN_URL)
    anonymous_key = client.session.session_key
    client.session.save()
    anonymous_key = client.session.session_key
    response = sign_in(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != anonymous_key


@pytest.mark.django_db
def test_wrong_password_and_unknown_account_get_the_same_message(client):
    UserFactory(username="known")
    wrong_password = sign_in(client, "known", "not-the-password")
    unknown_account = sign_in(client, "nobody-by-this-name", "not-the-password")
    assert wrong_password.status_code == unknown_account.status_code == 200
    assert WRONG_LOGIN in wrong_password.content.decode()
    assert WRONG_LOGIN in unknown_account.content.decode()
    assert "不存在" not in unknown_account.content.decode()


@pytest.mark.django_db
def test_inactive_account_gets_the_same_message_as_a_wrong_password(client):
    user = UserFactory(is_active=False)
    response = sign_in(client, user.username, TEST_PASSWORD)
    assert WRONG_LOGIN in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_for_the_right_password(client):
    user = UserFactory()
    for attempt in range(4):
        response = sign_in(client, user.username, f"wrong-{attempt}")
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
    fifth = sign_in(client, user.username, "wrong-5")
    assert fifth.status_code == 429
    sixth = sign_in(client, user.username, TEST_PASSWORD)
    assert sixth.status_code == 429
    page = sixth.content.decode()
    assert "锁定" in page and "15" in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_applies_to_the_account_from_another_address():
    user = UserFactory()
    first, second = Client(), Client()
    for attempt in range(5):
        sign_in(first, user.username, f"wrong-{attempt}", REMOTE_ADDR="10.0.0.1")
    response = sign_in(second, user.username, TEST_PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429


@pytest.mark.django_db
def test_sign_in_without_csrf_token_is_forbidden():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = sign_in(client, user.username, TEST_PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_needs_a_post_and_ends_the_session(signed_in_client, home_page):
    assert signed_in_client.get(reverse("accounts:logout")).status_code == 405
    response = signed_in_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in_client.session


@pytest.mark.django_db
def test_sign_in_does_not_redirect_to_another_site(client):
    user = UserFactory()
    response = client.post(
        LOGIN_URL,
        {"username": user.username, "password": TEST_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
