import pytest

from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

PASSWORD_URL = reverse("accounts:password_change")


@pytest.mark.django_db
def test_password_change_applies_django_validators_in_chinese(signed_in_client):
    response = signed_in_client.post(
        PASSWORD_URL,
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码长度太短" in page or "太短" in page
    assert "全都是数字" in page or "数字" in page


@pytest.mark.django_db
def test_password_change_with_a_wrong_current_password_is_refused(signed_in_client, learner):
    response = signed_in_client.post(
        PASSWORD_URL,
        {
            "old_password": "not-it",
            "new_password1": "a-much-better-pass-42",
            "new_password2": "a-much-better-pass-42",
        },
    )
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.check_password(TEST_PASSWORD)


@pytest.mark.django_db
def test_password_change_keeps_the_person_signed_in(signed_in_client, learner):
    response = signed_in_client.post(
        PASSWORD_URL,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-better-pass-42",
            "new_password2": "a-much-better-pass-42",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-much-better-pass-42")
    assert signed_in_client.get(reverse("accounts:password_change_done")).status_code == 200


@pytest.mark.django_db
def test_reset_password_must_be_changed_before_anything_else(client, home_page):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(PASSWORD_URL)
    client.post(
        PASSWORD_URL,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-much-better-pass-42",
            "new_password2": "a-much-better-pass-42",
        },
    )
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_by_browsers_or_proxies(client, signed_in_client, home_page):
    anonymous = client.__class__().get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    signed_in = signed_in_client.get("/")
    assert signed_in.status_code == 200
    assert "no-store" in signed_in["Cache-Control"]
