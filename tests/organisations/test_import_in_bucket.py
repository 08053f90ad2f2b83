"""With PRIVATE_FILES_IN_BUCKET a member import waits in the bucket: any web machine confirms it."""

import io

import openpyxl
import pytest

from organisations.models import PendingImport
from tests.organisations.join_helpers import build_district, coordinator_of, xlsx_bytes
from tests.organisations.test_import import GOOD_ROWS, preview_and_confirm

pytestmark = [pytest.mark.django_db, pytest.mark.object_storage]


def test_a_member_import_waits_in_the_bucket_and_its_passwords_sheet_is_taken_once(
    client, private_files_bucket, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_of(build_district()["town"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = preview_and_confirm(client, xlsx_bytes(GOOD_ROWS))
    assert response.status_code == 302
    pending = PendingImport.objects.get()
    assert pending.state == "done"
    # The uploaded sheet was read back from the bucket and deleted once applied.
    assert private_files_bucket.stored_keys() == {f"private/imports/{pending.passwords.name}"}
    sheet = client.get(response.url + "passwords.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.values)[1:]
    assert len(rows) == 3
    assert private_files_bucket.stored_keys() == set()
