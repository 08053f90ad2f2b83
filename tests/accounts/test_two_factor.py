"""Two-factor sign-in: enrolment, the code step, recovery codes, enforcement by setting."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership, Organisation
from tests.accounts.two_factor_helpers import code_from_secret, enrol, totp_code
from tests.factories import TEST_PASSWORD, UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:two_factor_verify")
ENROL_URL = reverse("accounts:two_factor_enrol")
WRONG_CODE = "验证码不正确"
required = override_settings(TWO_FACTOR_REQUIRED=True)


def sign_in(client, user, next_url=""):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN_URL, data)


def send_code(client, code):
    return client.post(VERIFY_URL, {"code": code})


def signed_in(client):
    return "_auth_user_id" in client.session


def coordinator_of(kind, username="district"):
    organisation = OrganisationFactory(kind=kind, name=f"示例{kind}")
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.COORDINATOR)
    return user


# Enrolment ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_code(client, home_page):
    user = UserFactory()
    client.force_login(user)
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    secret = page.context["secret"]
    assert secret in html and len(secret.replace(" ", "")) == 32
    # The same secret on a reload, so a slow scan still matches.
    assert client.get(ENROL_URL).context["secret"] == secret

    wrong = client.post(ENROL_URL, {"code": "000000"})
    assert WRONG_CODE in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    done = client.post(ENROL_URL, {"code": code_from_secret(secret)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert all(code in done.content.decode() for code in codes)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=user).count() == 10
    # The codes were shown once: nothing shows them again.
    overview = client.get(reverse("accounts:two_factor")).content.decode()
    assert codes[0] not in overview
    assert "10" in overview


@pytest.mark.django_db
def test_enrolment_needs_a_signed_in_person(client):
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.django_db
def test_an_unusable_enrolment_code_is_a_form_error(client):
    user = UserFactory()
    client.force_login(user)
    client.get(ENROL_URL)
    for bad in ["", "abc", "1" * 40, "<script>"]:
        response = client.post(ENROL_URL, {"code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# The code step at sign-in -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_enrolled_person_is_signed_in_only_after_the_code(client, home_page):
    user = UserFactory()
    device, _ = enrol(user)
    response = sign_in(client, user, next_url="/learn/")
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert not signed_in(client)
    # Nothing but the code step is reachable meanwhile.
    assert client.get("/account/").status_code == 302

    page = client.get(VERIFY_URL)
    assert page.status_code == 200
    assert "验证" in page.content.decode()
    done = send_code(client, totp_code(device, steps_ahead=1))
    assert done.status_code == 302
    assert done["Location"] == "/learn/"
    assert signed_in(client)
    assert client.get("/account/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_a_form_error_and_counted_by_the_lockout(client):
    user = UserFactory()
    enrol(user)
    sign_in(client, user)
    response = send_code(client, "123456")
    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start == 1


@pytest.mark.django_db
def test_five_wrong_codes_lock_the_account_even_for_the_right_code(client):
    user = UserFactory()
    device, _ = enrol(user)
    sign_in(client, user)
    for attempt in range(4):
        assert send_code(client, f"00000{attempt}").status_code == 200
    assert send_code(client, "999999").status_code == 429
    # Locked: the right code no longer helps, nor does the password from elsewhere.
    # The code step was abandoned: the right code now leads back to the password.
    after = send_code(client, totp_code(device, steps_ahead=1))
    assert after.status_code == 302 and after["Location"] == LOGIN_URL
    assert not signed_in(client)
    other = Client()
    assert sign_in(other, user).status_code == 429


@pytest.mark.django_db
def test_the_right_password_again_gives_no_fresh_guesses_at_the_code():
    user = UserFactory()
    enrol(user)
    client = Client()
    sign_in(client, user)
    for attempt in range(3):
        send_code(client, f"11111{attempt}")
    assert sign_in(client, user).status_code == 302
    send_code(client, "222220")
    assert send_code(client, "222221").status_code == 429


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_address_limit():
    people = UserFactory.create_batch(11)
    for person in people:
        enrol(person)
    for person in people[:10]:
        client = Client()
        sign_in(client, person)
        for attempt in range(4):
            send_code(client, f"33333{attempt}")
    # 10 correct passwords were not failures; 40 wrong codes were.
    with override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=40):
        client = Client()
        assert sign_in(client, people[10]).status_code == 429


@pytest.mark.django_db
def test_a_recovery_code_works_once(home_page):
    user = UserFactory()
    _, codes = enrol(user)
    first = Client()
    sign_in(first, user)
    response = send_code(first, codes[0].upper())
    assert response.status_code == 302
    assert signed_in(first)
    second = Client()
    sign_in(second, user)
    again = send_code(second, codes[0])
    assert again.status_code == 200
    assert WRONG_CODE in again.content.decode()
    assert StaticToken.objects.filter(device__user=user).count() == 9


@pytest.mark.django_db
def test_an_app_code_cannot_be_used_twice(home_page):
    user = UserFactory()
    device, _ = enrol(user)
    code = totp_code(device, steps_ahead=1)
    first = Client()
    sign_in(first, user)
    assert send_code(first, code).status_code == 302
    second = Client()
    sign_in(second, user)
    assert send_code(second, code).status_code == 200
    assert not signed_in(second)


@pytest.mark.django_db
def test_the_code_step_expires_after_five_minutes(client):
    user = UserFactory()
    device, _ = enrol(user)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(timedelta(minutes=6))
        response = send_code(client, totp_code(device))
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not signed_in(client)


@pytest.mark.django_db
def test_the_code_step_without_a_password_goes_to_sign_in(client):
    response = send_code(client, "123456")
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


@pytest.mark.django_db
def test_a_session_begun_another_way_must_still_give_the_code(client, home_page):
    user = UserFactory()
    device, _ = enrol(user)
    client.force_login(user)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    done = client.post(f"{VERIFY_URL}?next=/account/", {"code": totp_code(device, 1)})
    assert done["Location"] == "/account/"
    assert client.get("/account/").status_code == 200


@pytest.mark.django_db
def test_new_recovery_codes_need_a_code_from_the_app(client, home_page):
    user = UserFactory()
    device, old_codes = enrol(user)
    client.force_login(user)
    client.post(f"{VERIFY_URL}", {"code": totp_code(device, 1)})
    url = reverse("accounts:two_factor")
    refused = client.post(url, {"code": "000000"})
    assert WRONG_CODE in refused.content.decode()
    response = client.post(url, {"code": old_codes[0]})
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert StaticToken.objects.filter(device__user=user).count() == 10


# Who must, and enforcement ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "must"),
    [
        (Organisation.Kind.DISTRICT, True),
        (Organisation.Kind.STREET, True),
        (Organisation.Kind.TOWN, True),
        (Organisation.Kind.DEPARTMENT, True),
        (Organisation.Kind.UNIT, False),
        (Organisation.Kind.SCHOOL, False),
        (Organisation.Kind.CLASS, False),
        (Organisation.Kind.VOLUNTEER_TEAM, False),
    ],
)
def test_who_must_use_two_factor(kind, must):
    from accounts.two_factor import must_use_two_factor

    assert must_use_two_factor(coordinator_of(kind)) is must


@pytest.mark.django_db
def test_superusers_staff_and_admin_users_must_use_two_factor():
    from django.contrib.auth.models import Group, Permission

    from accounts.two_factor import must_use_two_factor

    editors = Group.objects.create(name="示例编辑")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = UserFactory()
    editor.groups.add(editors)
    assert must_use_two_factor(UserFactory(is_superuser=True))
    assert must_use_two_factor(UserFactory(is_staff=True))
    assert must_use_two_factor(editor)
    assert not must_use_two_factor(UserFactory())
    # A coordinator role that ended gives no power, so no obligation.
    former = coordinator_of(Organisation.Kind.TOWN, username="former")
    former.memberships.update(ended_at=timezone.now())
    assert not must_use_two_factor(former)


@pytest.mark.django_db
def test_when_not_required_a_district_coordinator_signs_in_with_the_password(client, home_page):
    district = coordinator_of(Organisation.Kind.DISTRICT)
    response = sign_in(client, district, next_url="/manage/")
    assert response["Location"] == "/manage/"
    assert signed_in(client)
    assert client.get("/manage/").status_code == 200
    # Offered all the same.
    assert client.get(ENROL_URL).status_code == 200


@pytest.mark.django_db
def test_when_not_required_a_superuser_reaches_the_admin_without_a_second_factor(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    sign_in(client, admin)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@required
def test_when_required_a_district_coordinator_is_sent_to_enrolment_first(client, home_page):
    district = coordinator_of(Organisation.Kind.DISTRICT)
    sign_in(client, district, next_url="/manage/")
    response = client.get("/manage/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)
    assert client.get("/reports/").status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    done = client.post(
        ENROL_URL, {"code": code_from_secret(page.context["secret"]), "next": "/manage/"}
    )
    assert done.status_code == 200 and done.context["next"] == "/manage/"
    assert client.get("/manage/").status_code == 200


@pytest.mark.django_db
@required
def test_when_required_the_admin_needs_the_verified_second_factor(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)
    device, _ = enrol(admin)
    response = client.get("/admin/pages/")
    assert response["Location"].startswith(VERIFY_URL)
    client.post(VERIFY_URL, {"code": totp_code(device, 1)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@required
def test_when_required_a_unit_coordinator_or_learner_is_not_asked(client, home_page):
    unit_coordinator = coordinator_of(Organisation.Kind.UNIT, username="manager")
    sign_in(client, unit_coordinator)
    assert client.get("/manage/").status_code == 200
    learner = Client()
    sign_in(learner, UserFactory())
    assert learner.get("/learn/").status_code == 200


@pytest.mark.django_db
def test_turning_enforcement_on_applies_to_sessions_already_open(client, home_page):
    district = coordinator_of(Organisation.Kind.DISTRICT)
    sign_in(client, district)
    assert client.get("/manage/").status_code == 200
    with required:
        assert client.get("/manage/").status_code == 302


@pytest.mark.django_db
@required
def test_when_required_a_reset_password_and_enrolment_do_not_loop(client, home_page):
    district = coordinator_of(Organisation.Kind.DISTRICT)
    district.must_change_password = True
    district.save()
    sign_in(client, district)
    first = client.get("/manage/")
    assert first["Location"].startswith(ENROL_URL)
    second = client.get(first["Location"])
    assert second["Location"].startswith(reverse("accounts:password_change"))
    assert client.get(second["Location"]).status_code == 200


@pytest.mark.django_db
@required
def test_removing_the_app_ends_the_verified_session(client, home_page):
    from accounts.two_factor import remove_second_factor

    district = coordinator_of(Organisation.Kind.DISTRICT)
    device, _ = enrol(district)
    sign_in(client, district)
    send_code(client, totp_code(device, 1))
    assert client.get("/manage/").status_code == 200
    remove_second_factor(district)
    assert client.get("/manage/")["Location"].startswith(ENROL_URL)


@pytest.mark.django_db
def test_wagtail_admin_sign_in_goes_through_the_site_sign_in(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/admin/pages/"
    anonymous = client.get("/admin/")
    assert anonymous["Location"].startswith(LOGIN_URL)
    assert client.post("/admin/login/", {"username": "x", "password": "y"}).status_code != 200
