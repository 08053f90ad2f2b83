"""With PRIVATE_FILES_IN_BUCKET a background export is written to the bucket, kept private."""

import pytest
import requests

from reports.models import Export
from tests.reports.test_background_exports import workbook_rows

pytestmark = [pytest.mark.django_db, pytest.mark.object_storage]


def test_a_background_export_lands_in_the_bucket_privately_and_downloads_for_its_owner(
    client, ask, town_export, private_files_bucket
):
    _town, params = town_export
    response = ask(params)
    assert response.status_code == 302
    export = Export.objects.get()
    assert export.status == Export.Status.DONE
    key = f"private/exports/{export.file.name}"
    assert private_files_bucket.stored_keys() == {key}
    assert requests.get(f"{private_files_bucket.url}/{key}", timeout=10).status_code == 403
    download = client.get(f"{response['Location']}download")
    assert download.status_code == 200
    assert {row[0] for row in workbook_rows(b"".join(download.streaming_content))} == {
        "p1",
        "p2",
        "p3",
        "p8",
    }
