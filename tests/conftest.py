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
