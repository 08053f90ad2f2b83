"""A local S3 server (moto, requirements-dev.txt) and buckets on it, for the object-storage tests.

One server per session on a free port of 127.0.0.1; each test gets a fresh bucket set as the
storages AWS_STORAGE_BUCKET_NAME (and PRIVATE_FILES_IN_BUCKET) would give in
config/settings/base.py. Nothing here reaches the internet. The fixtures are in tests/conftest.py.
"""

import io
import uuid
from types import SimpleNamespace

import pytest

from django.core.files.storage import storages
from django.core.management import call_command

# moto accepts any key; these only have to be the same for signing and for the bucket.
CREDENTIALS = {"access_key": "moto-test-key", "secret_key": "moto-test-secret"}
SIGNED_URL_SECONDS = 300
PRIVATE_ALIASES = ("exports", "imports", "private")


def start_server():
    """(stop, endpoint URL) of a moto S3 server; skips the test where moto is not installed."""
    moto_server = pytest.importorskip("moto.server", reason="moto[server]: requirements-dev.txt")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server.stop, f"http://{host}:{port}"


def make_bucket(endpoint, settings, *, private_files=False):
    """A fresh bucket as the default storage (and the private ones, if asked), policy applied."""
    import boto3

    name = f"firesafety-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    options = {
        **CREDENTIALS,
        "bucket_name": name,
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "querystring_expire": SIGNED_URL_SECONDS,
        "file_overwrite": False,
    }
    backend = "config.object_storage.MediaStorage"
    changed = {"default": {"BACKEND": backend, "OPTIONS": options}}
    if private_files:
        for alias in PRIVATE_ALIASES:
            changed[alias] = {
                "BACKEND": backend,
                "OPTIONS": {**options, "location": f"private/{alias}", "public_prefixes": ()},
            }
    # The setting_changed signal makes Django forget its storage objects (storages,
    # default_storage, and config.storage's named ones), so FileFields reach the bucket now and
    # the disk again after the test.
    settings.STORAGES = {**settings.STORAGES, **changed}
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    assert {type(storages[alias]).__name__ for alias in changed} == {"MediaStorage"}
    # As the README's deployment asks: pictures readable by anyone, nothing else.
    call_command("media_bucket_policy", "--apply", stdout=io.StringIO(), stderr=io.StringIO())

    def stored_keys():
        listed = client.list_objects_v2(Bucket=name).get("Contents", [])
        return {item["Key"] for item in listed}

    return SimpleNamespace(
        name=name, client=client, url=f"{endpoint}/{name}", stored_keys=stored_keys
    )
