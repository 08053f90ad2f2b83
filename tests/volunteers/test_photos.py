"""Volunteers' photos are private: random names, outside /media/, served only to who may see."""

import importlib
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from organisations.models import Membership
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from volunteers.models import ServiceRecord

from .conftest import record, volunteer_in
from .test_logging import form_data

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def private_dirs(tmp_path, settings):
    """Public media in a fresh directory; private storage is the test settings' own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return SimpleNamespace(media=tmp_path / "media", private=Path(storages["private"].location))


@pytest.fixture
def photographed(client, teams, private_dirs):
    """vol_a logs an activity with a photo named after a person."""
    client.force_login(teams["vol_a"])
    upload = SimpleUploadedFile("张三身份证.png", png_bytes(), content_type="image/png")
    response = client.post("/volunteer/log/", {**form_data(teams["a"]), "photo": upload})
    assert response.status_code == 302
    client.logout()
    return ServiceRecord.objects.get()


def test_a_photo_is_stored_privately_under_a_random_name(photographed, private_dirs):
    name = photographed.photo.name
    assert "张三" not in name and "身份证" not in name and name.endswith(".png")
    assert (private_dirs.private / name).exists()
    assert not any(private_dirs.media.rglob("*.png"))
    assert photographed.photo.url == f"/volunteer/records/{photographed.pk}/photo"


@pytest.mark.parametrize("who", ["vol_a", "lead_a", "district_lead"])
def test_the_volunteer_and_coordinators_above_see_the_photo(client, teams, photographed, who):
    client.force_login(teams[who])
    response = client.get(photographed.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize("who", ["vol_b", "lead_b", "team_mate", "stranger"])
def test_anyone_else_gets_404(client, teams, photographed, who):
    people = {
        **teams,
        "team_mate": volunteer_in(teams["a"]),
        "stranger": UserFactory(),
    }
    client.force_login(people[who])
    assert client.get(photographed.photo.url).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, photographed):
    response = client.get(photographed.photo.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_team_page_links_to_the_checked_view(client, teams, photographed):
    client.force_login(teams["lead_a"])
    page = client.get(f"/manage/volunteers/{teams['a'].pk}/").content.decode()
    assert f'href="/volunteer/records/{photographed.pk}/photo"' in page
    assert "/media/" not in page


def test_editing_a_record_with_a_photo_works_and_replacing_it_deletes_the_old_file(
    client, teams, photographed, private_dirs, django_capture_on_commit_callbacks
):
    old = private_dirs.private / photographed.photo.name
    client.force_login(teams["vol_a"])
    url = f"/volunteer/records/{photographed.pk}/edit/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("新照片.png", png_bytes(), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form_data(teams["a"]), "photo": upload})
    assert response.status_code == 302
    photographed.refresh_from_db()
    assert (private_dirs.private / photographed.photo.name).exists()
    assert not old.exists()


def test_the_migration_moves_public_photos_to_private_storage(
    teams, private_dirs, django_capture_on_commit_callbacks
):
    public_name = storages["default"].save("volunteers/2026/05/李四在现场.png", ContentFile(b"x"))
    old = record(teams["vol_a"], teams["a"])
    ServiceRecord.objects.filter(pk=old.pk).update(photo=public_name)
    untouched = record(teams["vol_a"], teams["a"], kind=ServiceRecord.Kind.DRILL)
    migration = importlib.import_module("volunteers.migrations.0002_private_photos")
    editor = SimpleNamespace(connection=connection)
    with django_capture_on_commit_callbacks(execute=True):
        migration.move_photos_to_private_storage(apps, editor)
    old.refresh_from_db()
    assert "李四" not in old.photo.name
    assert storages["private"].open(old.photo.name).read() == b"x"
    assert not storages["default"].exists(public_name)
    untouched.refresh_from_db()
    assert not untouched.photo
    # Run again: nothing moves twice.
    moved = old.photo.name
    migration.move_photos_to_private_storage(apps, editor)
    old.refresh_from_db()
    assert old.photo.name == moved


def test_a_coordinator_of_a_department_of_another_sector_gets_404(client, teams, photographed):
    from tests.organisations.factories import OrganisationFactory

    department = OrganisationFactory(
        name="区教育局", kind="department", sector="education", parent=teams["district"]
    )
    coordinator = UserFactory()
    MembershipFactory(user=coordinator, organisation=department, role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    assert client.get(photographed.photo.url).status_code == 404
