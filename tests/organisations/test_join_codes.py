import io

import pytest
from pypdf import PdfReader

from django.urls import reverse
from django.utils import timezone

from organisations.models import JOIN_CODE_ALPHABET, JoinCode, Membership
from tests.factories import UserFactory
from tests.organisations.factories import JoinCodeFactory, MembershipFactory
from tests.organisations.join_helpers import build_district, coordinator_of


@pytest.fixture
def tree(db):
    return build_district()


@pytest.fixture
def town_coordinator(tree):
    return coordinator_of(tree["town"])


def codes_url(organisation):
    return reverse("organisations:manage_join_codes", args=[organisation.pk])


def test_coordinator_makes_a_code_with_role_and_expiry(client, tree, town_coordinator):
    client.force_login(town_coordinator)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.post(
        codes_url(tree["class"]), {"role": "student", "expires_on": tomorrow.isoformat()}
    )
    assert response.status_code == 302
    code = JoinCode.objects.get(organisation=tree["class"])
    assert len(code.code) == 8
    assert set(code.code) <= set(JOIN_CODE_ALPHABET)
    assert code.role == Membership.Role.STUDENT
    assert timezone.localtime(code.expires_at).date() == tomorrow
    assert code.created_by == town_coordinator
    page = client.get(codes_url(tree["class"])).content.decode()
    assert code.code in page
    assert "<svg" in page  # the QR code, to show on a screen


def test_code_without_expiry_works_until_disabled(client, tree, town_coordinator):
    client.force_login(town_coordinator)
    client.post(codes_url(tree["unit"]), {"role": "staff", "expires_on": ""})
    assert JoinCode.objects.get(organisation=tree["unit"]).expires_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"role": "emperor"},
        {"role": "coordinator"},
        {"role": "staff", "expires_on": "2020-01-01"},
        {"role": "staff", "expires_on": "not a date"},
    ],
)
def test_bad_code_settings_are_form_errors(client, tree, town_coordinator, data):
    client.force_login(town_coordinator)
    response = client.post(codes_url(tree["unit"]), data)
    assert response.status_code == 200
    assert "field__error" in response.content.decode()
    assert not JoinCode.objects.exists()


@pytest.mark.parametrize("role", ["operator", "responsible", "staff", "cadre"])
def test_a_class_code_grants_only_student_or_teacher(client, tree, town_coordinator, role):
    client.force_login(town_coordinator)
    page = client.get(codes_url(tree["class"])).content.decode()
    assert 'value="student"' in page and 'value="teacher"' in page
    assert f'value="{role}"' not in page
    response = client.post(codes_url(tree["class"]), {"role": role})
    assert response.status_code == 200 and "field__error" in response.content.decode()
    assert not JoinCode.objects.exists()
    assert client.post(codes_url(tree["class"]), {"role": "teacher"}).status_code == 302


def test_rotating_disables_the_old_code_and_makes_a_new_one(client, tree, town_coordinator):
    old = JoinCodeFactory(organisation=tree["unit"], role="manager")
    client.force_login(town_coordinator)
    response = client.post(reverse("organisations:rotate_join_code", args=[old.pk]))
    assert response.status_code == 302
    old.refresh_from_db()
    assert not old.is_active
    new = JoinCode.objects.get(organisation=tree["unit"], is_active=True)
    assert new.code != old.code
    assert new.role == "manager"
    assert client.get(reverse("organisations:join_code", args=[old.code])).status_code == 410


def test_disabling_a_code_stops_it(client, tree, town_coordinator):
    code = JoinCodeFactory(organisation=tree["unit"])
    client.force_login(town_coordinator)
    client.post(reverse("organisations:disable_join_code", args=[code.pk]))
    code.refresh_from_db()
    assert not code.is_active


def test_rotate_and_disable_need_post(client, tree, town_coordinator):
    code = JoinCodeFactory(organisation=tree["unit"])
    client.force_login(town_coordinator)
    assert client.get(reverse("organisations:disable_join_code", args=[code.pk])).status_code == 405
    code.refresh_from_db()
    assert code.is_active


def test_organisation_outside_scope_is_404_and_nothing_changes(client, tree, town_coordinator):
    client.force_login(town_coordinator)
    outside = tree["other_unit"]
    assert client.get(codes_url(outside)).status_code == 404
    assert client.post(codes_url(outside), {"role": "staff"}).status_code == 404
    code = JoinCodeFactory(organisation=outside)
    for name in ("rotate_join_code", "disable_join_code"):
        assert client.post(reverse(f"organisations:{name}", args=[code.pk])).status_code == 404
    assert client.get(reverse("organisations:join_code_poster", args=[code.pk])).status_code == 404
    code.refresh_from_db()
    assert code.is_active
    assert JoinCode.objects.count() == 1


def test_people_who_are_not_coordinators_get_404(client, tree):
    staff = UserFactory()
    MembershipFactory(user=staff, organisation=tree["unit"], role="staff")
    client.force_login(staff)
    assert client.get(codes_url(tree["unit"])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, tree):
    response = client.get(codes_url(tree["unit"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_poster_pdf_has_the_chinese_name_the_code_and_the_join_link(client, tree, town_coordinator):
    code = JoinCodeFactory(organisation=tree["unit"], role="staff")
    client.force_login(town_coordinator)
    response = client.get(reverse("organisations:join_code_poster", args=[code.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = (float(value) for value in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert "示例朱家角商业广场" in text
    assert "员工" in text
    assert code.code in text.replace(" ", "")
    assert "http://testserver/join/" in text


def test_poster_of_a_disabled_code_is_404(client, tree, town_coordinator):
    code = JoinCodeFactory(organisation=tree["unit"], is_active=False)
    client.force_login(town_coordinator)
    assert client.get(reverse("organisations:join_code_poster", args=[code.pk])).status_code == 404


def test_join_codes_page_query_count_is_fixed(
    client, tree, town_coordinator, django_assert_max_num_queries
):
    for _index in range(5):
        JoinCodeFactory(organisation=tree["unit"])
    client.force_login(town_coordinator)
    with django_assert_max_num_queries(13):
        assert client.get(codes_url(tree["unit"])).status_code == 200


def test_an_old_class_code_for_another_role_no_longer_works_and_is_not_rotated(
    client, tree, town_coordinator
):
    # Made before classes were limited to 学生 and 教师 (a factory writes it straight in).
    old = JoinCodeFactory(organisation=tree["class"], role=Membership.Role.OPERATOR)
    assert not old.is_usable()
    client.force_login(town_coordinator)
    response = client.post(reverse("organisations:rotate_join_code", args=[old.pk]), follow=True)
    assert response.status_code == 200
    assert "已停用" in response.content.decode()
    old.refresh_from_db()
    assert not old.is_active
    assert JoinCode.objects.filter(organisation=tree["class"]).count() == 1
