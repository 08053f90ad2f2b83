"""Passwords are hashed with Argon2; PBKDF2 hashes from before still sign in and are upgraded."""

import importlib

import pytest

from django.contrib.auth.hashers import make_password
from django.test import override_settings

from tests.factories import UserFactory

BASE_HASHERS = importlib.import_module("config.settings.base").PASSWORD_HASHERS


def test_argon2_is_the_first_hasher_and_pbkdf2_still_verifies():
    assert BASE_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in BASE_HASHERS


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=BASE_HASHERS)
def test_an_old_pbkdf2_hash_signs_in_and_is_rehashed_with_argon2(client):
    person = UserFactory(username="13800002222", name="李四", phone="13800002222")
    person.password = make_password(
        "an-old-password-77", hasher="pbkdf2_sha256"
    )  # as stored before Argon2
    person.save(update_fields=["password"])

    response = client.post(
        "/accounts/login/", {"username": "13800002222", "password": "an-old-password-77"}
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("argon2$")
