"""A background export on a full disk: failed with a clear message, no file, no link to one."""

import errno
import logging
import os
from unittest import mock

import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from django.core.files.storage import storages
from django.db.models.query import QuerySet

from config.storage import DiskFull
from reports.background import write_people_export
from reports.models import Export
from tests.full_disk import FullDiskStorage, files_under
from tests.reports.conftest import DUMMY_TASKS

DISK_FULL = "磁盘空间不足"


@pytest.fixture
def exports_dir():
    location = storages["exports"].location
    for name in files_under(location):
        storages["exports"].delete(name)
    return location


def assert_failed_for_a_full_disk(client, status_url, exports_dir):
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED
    assert export.failure == Export.Failure.DISK_FULL
    assert not export.file and export.finished_at is not None
    assert files_under(exports_dir) == []
    page = client.get(status_url).content.decode()
    assert DISK_FULL in page and 'http-equiv="refresh"' not in page
    assert client.get(f"{status_url}download").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EIO])
def test_an_export_asked_for_on_a_full_disk_fails_with_a_clear_message(
    client, ask, town_export, exports_dir, full_disk, caplog, error
):
    caplog.set_level(logging.ERROR)
    _town, params = town_export
    full_disk("exports", error)
    response = ask(params)  # the immediate backend writes it in this request
    assert response.status_code == 302
    assert [began for _path, began in FullDiskStorage.began] == [True]
    assert_failed_for_a_full_disk(client, response["Location"], exports_dir)
    assert any("Disk full or failing" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_worker_on_a_full_disk_marks_the_export_failed_and_keeps_no_file(
    client, ask, town_export, exports_dir, full_disk, settings
):
    _town, params = town_export
    settings.TASKS = DUMMY_TASKS
    status_url = ask(params)["Location"]
    export = Export.objects.get()
    full_disk("exports")
    with pytest.raises(DiskFull):  # the task fails, so the worker's log and result say so
        write_people_export.call(str(export.pk), "zh-hans")
    assert_failed_for_a_full_disk(client, status_url, exports_dir)


@pytest.mark.django_db
def test_a_full_temporary_directory_fails_the_export_the_same_way(
    client, ask, town_export, exports_dir, settings, caplog
):
    caplog.set_level(logging.ERROR, logger="reports.background")
    _town, params = town_export
    settings.TASKS = DUMMY_TASKS
    status_url = ask(params)["Location"]
    export = Export.objects.get()
    full = OSError(errno.ENOSPC, "No space left on device")
    with (
        mock.patch("reports.background.write_workbook", side_effect=full),
        pytest.raises(OSError),
    ):
        write_people_export.call(str(export.pk), "zh-hans")
    assert_failed_for_a_full_disk(client, status_url, exports_dir)
    assert any("Disk full or failing" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_an_export_whose_record_cannot_be_finished_keeps_no_file(
    client, ask, town_export, exports_dir, settings
):
    _town, params = town_export
    settings.TASKS = DUMMY_TASKS
    ask(params)
    export = Export.objects.get()
    real_update = QuerySet.update

    def update(queryset, **values):
        if values.get("status") == Export.Status.DONE:
            raise RuntimeError("the database went away")
        return real_update(queryset, **values)

    with (
        mock.patch("django.db.models.query.QuerySet.update", update),
        pytest.raises(RuntimeError),
    ):
        write_people_export.call(str(export.pk), "zh-hans")
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and not export.file and not export.failure
    assert files_under(exports_dir) == []


@pytest.mark.django_db
def test_a_disk_filling_up_half_way_through_the_sheet_leaves_no_spooled_rows(
    client, ask, town_export, exports_dir, settings
):
    _town, params = town_export
    settings.TASKS = DUMMY_TASKS
    status_url = ask(params)["Location"]
    export = Export.objects.get()
    spooled_before = set(openpyxl_writer.ALL_TEMP_FILES)
    real_write_row = openpyxl_writer.WorksheetWriter.write_row
    written = []

    def write_row(self, xf, row, row_idx):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(self.out)
        return real_write_row(self, xf, row, row_idx)

    with (
        mock.patch.object(openpyxl_writer.WorksheetWriter, "write_row", write_row),
        pytest.raises(OSError),
    ):
        write_people_export.call(str(export.pk), "zh-hans")
    assert written  # a sheet had begun spooling its rows to a temporary file
    assert not os.path.exists(written[0])
    assert set(openpyxl_writer.ALL_TEMP_FILES) == spooled_before
    assert_failed_for_a_full_disk(client, status_url, exports_dir)
