"""Media in an S3-compatible bucket, against a local S3 server (moto) that the tests start.

The server and the buckets: tests/object_storage.py (fixtures `bucket`, `s3_endpoint`).
"""

import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests
import time_machine
from PIL import Image as PILImage

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from tests.config.test_settings import PRODUCTION_ENV, run_manage
from tests.factories import UserFactory
from tests.object_storage import SIGNED_URL_SECONDS

pytestmark = [pytest.mark.django_db, pytest.mark.object_storage]


def png_upload(name="火灾报警按钮.png", size=(400, 300)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def admin_client(client):
    client.force_login(UserFactory(username="admin-s3", is_superuser=True, is_staff=True))
    return client


def query_of(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def assert_signed_for(url, *, seconds, at):
    """A SigV4 presigned URL, valid from `at` for `seconds` (moto does not check them: we do)."""
    query = query_of(url)
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].startswith("moto-test-key/")
    assert query["X-Amz-Signature"]
    assert query["X-Amz-Expires"] == str(seconds)
    signed_at = datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(signed_at - at) < timedelta(minutes=1)


def test_without_a_bucket_media_stay_on_the_local_disk(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    storage = storages["default"]
    assert type(storage).__module__ == "config.storage"
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    document = get_document_model().objects.create(
        title="通知", file=ContentFile(b"%PDF-1.4 local", name="通知.pdf")
    )
    assert (tmp_path / "media" / document.file.name).read_bytes() == b"%PDF-1.4 local"
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 local"


def test_without_a_bucket_a_private_document_is_streamed_by_wagtails_view_after_its_check(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    group = Group.objects.create(name="安全培训")
    collection = Collection.get_first_root_node().add_child(name="内部资料")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    document = get_document_model().objects.create(
        title="内部预案",
        collection=collection,
        file=ContentFile(b"%PDF-1.4 local private", name="内部预案.pdf"),
    )
    refused = client.get(document.url)
    assert refused.status_code == 302
    assert urlsplit(refused["Location"]).path == reverse("accounts:login")
    allowed = UserFactory(username="allowed-reader")
    allowed.groups.add(group)
    client.force_login(allowed)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 local private"


def test_an_image_uploaded_in_the_admin_lands_in_the_bucket_with_a_rendition_served_by_url(
    bucket, client, tmp_path
):
    response = admin_client(client).post(
        "/admin/images/add/", {"title": "火灾报警按钮", "file": png_upload(), "tags": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get()
    assert image.file.name.startswith("original_images/")
    assert image.file.name in bucket.stored_keys()
    assert (image.width, image.height) == (400, 300)
    assert not (tmp_path / "media").exists()

    # The rendition is made from the original read back from the bucket, and written there.
    rendition = image.get_rendition("fill-120x90")
    assert rendition.file.name.startswith("images/") and rendition.file.name in bucket.stored_keys()
    url = rendition.url
    assert url.startswith(f"{bucket.url}/images/")
    # Pictures have plain URLs: an anonymous page kept in the cache never holds an expired link.
    assert "X-Amz-Signature" not in url
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200
    assert PILImage.open(io.BytesIO(fetched.content)).size == (120, 90)
    assert requests.get(image.file.url, timeout=10).status_code == 200
    # The admin's own pages make their thumbnails in the bucket too.
    for page in ("/admin/images/", f"/admin/images/{image.pk}/"):
        assert client.get(page).status_code == 200
    assert len([key for key in bucket.stored_keys() if key.startswith("images/")]) >= 2


def test_the_bucket_policy_opens_only_the_picture_prefixes(bucket):
    out = io.StringIO()
    call_command("media_bucket_policy", stdout=out)
    (statement,) = json.loads(out.getvalue())["Statement"]
    assert statement["Effect"] == "Allow" and statement["Principal"] == "*"
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [
        f"arn:aws:s3:::{bucket.name}/original_images/*",
        f"arn:aws:s3:::{bucket.name}/images/*",
    ]
    assert json.loads(bucket.client.get_bucket_policy(Bucket=bucket.name)["Policy"]) == json.loads(
        out.getvalue()
    )


def test_a_shared_bucket_keeps_everything_under_its_location_and_opens_only_its_pictures(
    bucket, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": "firesafety"},
        },
    }
    call_command("media_bucket_policy", "--apply", stdout=io.StringIO(), stderr=io.StringIO())
    storage = storages["default"]
    picture = storage.save("images/消防栓.png", ContentFile(b"png"))
    document = storage.save("documents/应急预案.pdf", ContentFile(b"%PDF"))
    assert bucket.stored_keys() == {f"firesafety/{picture}", f"firesafety/{document}"}
    assert requests.get(storage.url(picture), timeout=10).status_code == 200
    unsigned = f"{bucket.url}/firesafety/{document}"
    assert requests.get(unsigned, timeout=10).status_code == 403
    assert requests.get(storage.url(document), timeout=10).content == b"%PDF"


def test_the_bucket_policy_command_refuses_without_a_bucket():
    with pytest.raises(CommandError, match="AWS_STORAGE_BUCKET_NAME is not set"):
        call_command("media_bucket_policy", stdout=io.StringIO())


def test_pictures_go_through_the_custom_domain_and_private_files_are_still_signed(bucket, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {
                **settings.STORAGES["default"]["OPTIONS"],
                "custom_domain": "media.firesafety.example.cn",
            },
        },
    }
    storage = storages["default"]
    picture = storage.save("original_images/消防栓.png", ContentFile(b"png"))
    document = storage.save("documents/应急预案.pdf", ContentFile(b"%PDF"))
    assert storage.url(picture) == (
        "https://media.firesafety.example.cn/original_images/%E6%B6%88%E9%98%B2%E6%A0%93.png"
    )
    # The CDN's address would carry no signature: the private file is signed by the endpoint.
    url = storage.url(document)
    assert url.startswith(f"{bucket.url}/documents/")
    assert_signed_for(url, seconds=SIGNED_URL_SECONDS, at=datetime.now(UTC))


def test_a_second_upload_of_the_same_name_keeps_the_first_object(bucket):
    storage = storages["default"]
    first = storage.save("documents/通知.pdf", ContentFile(b"first"))
    second = storage.save("documents/通知.pdf", ContentFile(b"second"))
    assert first != second
    assert storage.open(first).read() == b"first"
    assert storage.open(second).read() == b"second"


@pytest.fixture
def private_document(bucket, client):
    """A document uploaded in the admin into a collection only the group 安全培训 may read."""
    group = Group.objects.create(name="安全培训")
    collection = Collection.get_first_root_node().add_child(name="内部资料")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    upload = SimpleUploadedFile("内部预案.pdf", b"%PDF-1.4 private", "application/pdf")
    response = admin_client(client).post(
        "/admin/documents/add/",
        {"title": "内部预案", "file": upload, "collection": collection.pk, "tags": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get()
    assert client.get(f"/admin/documents/edit/{document.pk}/").status_code == 200
    client.logout()
    assert document.collection == collection
    assert document.file.name in bucket.stored_keys()
    document.group = group
    return document


def test_a_private_document_is_handed_to_an_allowed_user_as_a_signed_url_that_expires(
    bucket, private_document, client
):
    allowed = UserFactory(username="allowed-reader")
    allowed.groups.add(private_document.group)
    client.force_login(allowed)
    response = client.get(private_document.url)
    assert response.status_code == 302
    url = response["Location"]
    assert unquote(urlsplit(url).path) == f"/{bucket.name}/{private_document.file.name}"
    assert_signed_for(url, seconds=SIGNED_URL_SECONDS, at=datetime.now(UTC))
    fetched = requests.get(url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 private"
    # Without the signature the bucket refuses it (moto applies the object's ACL and the policy).
    unsigned = f"{bucket.url}/{private_document.file.name}"
    assert requests.get(unsigned, timeout=10).status_code == 403

    # Each request is signed afresh: a link copied from the browser stops working after five
    # minutes, and the page itself links only to the checked view.
    later = datetime.now(UTC) + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        client.force_login(allowed)
        again = client.get(private_document.url)["Location"]
    assert_signed_for(again, seconds=SIGNED_URL_SECONDS, at=later)


@pytest.mark.parametrize("who", ["anonymous", "signed_in_outsider"])
def test_a_private_document_is_not_handed_to_someone_not_allowed(private_document, client, who):
    if who == "signed_in_outsider":
        client.force_login(UserFactory(username="outsider"))
    response = client.get(private_document.url)
    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).path == reverse("accounts:login")
    assert query_of(location)["next"] == private_document.url
    assert "X-Amz-Signature" not in location and "documents/" not in urlsplit(location).path


def test_a_document_in_a_public_collection_is_also_served_by_a_signed_url(bucket, client):
    # Its collection may be made private later: the object itself is never public.
    document = get_document_model().objects.create(
        title="公开通知", file=ContentFile(b"%PDF-1.4 public", name="公开通知.pdf")
    )
    assert document.file.name in bucket.stored_keys()
    response = client.get(document.url)
    assert response.status_code == 302
    assert_signed_for(response["Location"], seconds=SIGNED_URL_SECONDS, at=datetime.now(UTC))


BUCKET_ENV = {
    **PRODUCTION_ENV,
    "AWS_STORAGE_BUCKET_NAME": "firesafety-media-1250000000",
    "AWS_S3_ENDPOINT_URL": "https://cos.ap-shanghai.myqcloud.com",
    "AWS_S3_REGION_NAME": "ap-shanghai",
    "AWS_S3_ADDRESSING_STYLE": "virtual",
}


def test_production_with_a_bucket_passes_the_deployment_checklist_and_uses_it():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=BUCKET_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    shown = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.core.files.storage import storages; "
        "s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.addressing_style, "
        "settings.WAGTAILDOCS_SERVE_METHOD, settings.STORAGES['staticfiles']['BACKEND'], "
        "type(storages['exports']).__name__)",
        env=BUCKET_ENV,
    )
    assert shown.stdout.strip().splitlines()[-1] == (
        "MediaStorage firesafety-media-1250000000 https://cos.ap-shanghai.myqcloud.com virtual "
        "redirect whitenoise.storage.CompressedManifestStaticFilesStorage FileSystemStorage"
    )


def test_private_files_in_the_bucket_are_under_private_with_no_public_prefix():
    shown = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; "
        "print([(type(storages[a]).__name__, storages[a].location, storages[a].public_prefixes, "
        "storages[a].custom_domain) for a in ('exports', 'imports', 'private')])",
        env={
            **BUCKET_ENV,
            "PRIVATE_FILES_IN_BUCKET": "true",
            "AWS_LOCATION": "firesafety",
            "AWS_S3_CUSTOM_DOMAIN": "media.firesafety.example.cn",
        },
    )
    assert shown.stdout.strip().splitlines()[-1] == str(
        [
            ("MediaStorage", f"firesafety/private/{alias}", (), None)
            for alias in ("exports", "imports", "private")
        ]
    )


def test_an_unknown_addressing_style_stops_the_process():
    result = run_manage("check", env={**BUCKET_ENV, "AWS_S3_ADDRESSING_STYLE": "sideways"})
    assert result.returncode != 0
    assert "AWS_S3_ADDRESSING_STYLE must be auto, virtual or path" in result.stderr


def test_an_upload_the_bucket_refuses_answers_the_storage_page_and_keeps_no_record(
    bucket, client, settings, caplog
):
    # A bucket name that does not exist on the endpoint: what a mistyped setting or a revoked
    # key gets from the store (NoSuchBucket, AccessDenied).
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**options, "bucket_name": f"{bucket.name}-missing"},
        },
    }
    response = admin_client(client).post(
        "/admin/images/add/", {"title": "海报", "file": png_upload(), "tags": ""}
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "文件存储暂时无法访问" in page and "Traceback" not in page
    assert not get_image_model().objects.exists()
    assert any("Object storage failed" in record.getMessage() for record in caplog.records)
