"""People-list Excel exports above the size limit are written in the background with progress."""

import io
from datetime import timedelta

import pytest
import time_machine
from openpyxl import load_workbook

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from reports.background import write_people_export
from reports.models import Export
from tests.factories import UserFactory
from tests.organisations.factories import OrganisationFactory
from tests.reports.conftest import DUMMY_TASKS, NOW


def workbook_rows(content):
    sheet = load_workbook(io.BytesIO(content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = values.index(next(row for row in values if row and row[0] == "姓名"))
    return values[start + 1 :]


@pytest.mark.django_db
def test_a_large_excel_export_goes_to_a_progress_page_then_downloads(client, ask, town_export):
    _town, params = town_export
    response = ask(params)
    assert response.status_code == 302
    status_url = response["Location"]
    page = client.get(status_url)
    with time_machine.travel(NOW, tick=False):
        screen = client.get("/reports/people/", params)
    export = Export.objects.get()
    assert export.status == Export.Status.DONE
    assert export.rows_total == export.rows_done == 4
    text = page.content.decode()
    assert "文件已生成" in text and "http-equiv" not in text  # finished: no more refreshing
    download = client.get(f"{status_url}download")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = workbook_rows(b"".join(download.streaming_content))
    assert [row[0] for row in rows] == [person["name"] for person in screen.context["page_obj"]]
    assert {row[0] for row in rows} == {"p1", "p2", "p3", "p8"}


@pytest.mark.django_db
def test_a_small_excel_export_still_downloads_at_once(client, ask, town_export, settings):
    _town, params = town_export
    settings.REPORTS_BACKGROUND_EXPORT_ROWS = 10
    response = ask(params)
    assert response.status_code == 200
    assert len(workbook_rows(b"".join(response.streaming_content))) == 4
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_the_waiting_page_shows_progress_until_the_worker_is_done(
    client, ask, town_export, settings
):
    _town, params = town_export
    settings.TASKS = DUMMY_TASKS
    status_url = ask(params)["Location"]
    export = Export.objects.get()
    queued = client.get(status_url).content.decode()
    assert 'http-equiv="refresh"' in queued and "等待" in queued
    assert client.get(f"{status_url}download").status_code == 404

    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, rows_done=2)
    running = client.get(status_url).content.decode()
    assert "2 / 4 行（50%）" in running and 'aria-valuenow="2"' in running

    Export.objects.filter(pk=export.pk).update(status=Export.Status.QUEUED, rows_done=0)
    with time_machine.travel(NOW, tick=False):
        write_people_export.call(str(export.pk), "zh-hans")
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.rows_done == 4
    assert 'http-equiv="refresh"' not in client.get(status_url).content.decode()
    assert client.get(f"{status_url}download").status_code == 200


@pytest.mark.django_db
def test_nobody_else_sees_or_downloads_an_export(
    client, ask, town_export, coordinator_of, small_district
):
    _town, params = town_export
    status_url = ask(params)["Location"]
    other = coordinator_of(small_district["town_a"])
    client.force_login(other)
    assert client.get(status_url).status_code == 404
    assert client.get(f"{status_url}download").status_code == 404
    client.logout()
    assert client.get(status_url).status_code == 302  # to sign-in


@pytest.mark.django_db
def test_scope_is_checked_again_when_the_file_is_written(
    client, ask, town_export, settings, small_district
):
    town, params = town_export
    settings.TASKS = DUMMY_TASKS
    status_url = ask(params)["Location"]
    export = Export.objects.get()
    town.memberships.update(ended_at=timezone.now())  # no longer coordinates A镇
    with pytest.raises(Exception):  # noqa: B017 - the task re-raises whatever stopped it
        write_people_export.call(str(export.pk), "zh-hans")
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and not export.file
    client.force_login(town)
    assert "导出失败" in client.get(status_url).content.decode()


@pytest.mark.django_db
def test_exports_older_than_a_day_are_deleted_with_their_files(client, ask, town_export):
    town, params = town_export
    old = Export.objects.create(user=town, what="people", filename="old.xlsx")
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    Export.objects.filter(pk=old.pk).update(created_at=NOW - timedelta(hours=25))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    ask(params)
    assert not Export.objects.filter(pk=old.pk).exists()
    assert not storage.exists(name)
    assert Export.objects.count() == 1


@pytest.mark.django_db
def test_the_people_export_needs_an_organisation(client, small_district):
    OrganisationFactory(name="另一区", kind="district")  # two tops: no organisation by default
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(
        "/reports/export/people.csv", {"requirement": small_district["requirement"].pk}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_daily_command_deletes_old_exports_and_keeps_recent_ones(town_export):
    town, _params = town_export
    old = Export.objects.create(user=town, what="people", filename="old.xlsx")
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    recent = Export.objects.create(user=town, what="people", filename="recent.xlsx")
    output = io.StringIO()
    call_command("forget_old_exports", stdout=output)
    assert list(Export.objects.all()) == [recent]
    assert not old.file.storage.exists(old.file.name)
    assert output.getvalue().startswith("1 export(s)")
