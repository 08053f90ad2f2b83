import pytest

from django.core.cache import cache

from wagtail.models import Page, Site

from accounts import sms
from home.demo import tree_root
from home.models import HomePage
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttles and lockouts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def sms_outbox():
    """Text messages sent through the in-memory backend; every test starts with none."""
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def home_page(db):
    """The site's home page, replacing Wagtail's placeholder as the default site root."""
    # Made again when a transactional test before this one flushed Wagtail's root page.
    root = tree_root()
    Page.objects.filter(depth=2).delete()
    home = HomePage(title="消防安全学习平台", slug="home", intro="示例首页")
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return home


@pytest.fixture
def learner(db):
    return UserFactory(username="13800001111", name="张三明", phone="13800001111")


@pytest.fixture
def signed_in_client(client, learner):
    client.force_login(learner)
    return client


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: skipped on SQLite."""
    from django.db import connection

    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)


@pytest.fixture
def full_disk(settings):
    """fill(alias, error=ENOSPC): that storage's disk is full from now on (reads still work).

    The storage keeps its directory, so files written before stay readable; returns it.
    """
    import errno

    from django.core.files.storage import storages

    from tests.full_disk import FullDiskStorage

    FullDiskStorage.began = []

    def fill(alias, error=errno.ENOSPC):
        options = settings.STORAGES[alias].get("OPTIONS", {})
        settings.STORAGES = {
            **settings.STORAGES,
            alias: {
                "BACKEND": "tests.full_disk.FullDiskStorage",
                "OPTIONS": {**options, "error": error},
            },
        }
        return storages[alias]

    return fill


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3 server (moto) for the whole session: its endpoint (tests/object_storage.py)."""
    from tests.object_storage import start_server

    stop, endpoint = start_server()
    yield endpoint
    stop()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket holding the media, as AWS_STORAGE_BUCKET_NAME sets it; MEDIA_ROOT empty."""
    from tests.object_storage import make_bucket

    settings.MEDIA_ROOT = tmp_path / "media"
    return make_bucket(s3_endpoint, settings)


@pytest.fixture
def private_files_bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket holding media and private files, as PRIVATE_FILES_IN_BUCKET sets it."""
    from tests.object_storage import make_bucket

    settings.MEDIA_ROOT = tmp_path / "media"
    return make_bucket(s3_endpoint, settings, private_files=True)
