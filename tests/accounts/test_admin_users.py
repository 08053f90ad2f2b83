import pytest

from accounts.models import User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.mark.django_db
def test_admin_creates_a_person_with_real_name_and_phone(admin_client):
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "13700000001",
            "name": "王五",
            "phone": "13700000001",
            "email": "",
            "password1": "a-much-better-pass-42",
            "password2": "a-much-better-pass-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="13700000001")
    assert user.name == "王五"
    assert user.phone == "13700000001"


@pytest.mark.django_db
def test_admin_gets_a_field_error_for_a_phone_someone_else_has(admin_client):
    UserFactory(phone="13700000002")
    response = admin_client.post(
        "/admin/users/new/",
        {
            "username": "newcomer",
            "name": "赵六",
            "phone": "13700000002",
            "password1": "a-much-better-pass-42",
            "password2": "a-much-better-pass-42",
        },
    )
    assert response.status_code == 200
    assert "手机号已被其他账号使用" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()
