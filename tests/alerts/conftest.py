import pytest

from django.contrib.auth.models import Group

from home import demo as home_demo
from home.models import HomePage
from tests.factories import UserFactory

from .builders import make_alert_index


@pytest.fixture
def editorial_site(db):
    """The demo home page, workflow and editor/reviewer accounts, without the rest of the demo."""
    home_demo.load()
    return HomePage.objects.get()


@pytest.fixture
def alert_index(editorial_site):
    return make_alert_index(editorial_site)


@pytest.fixture
def editor(editorial_site):
    from accounts.models import User

    return User.objects.get(username="editor")


@pytest.fixture
def reviewer(editorial_site):
    from accounts.models import User

    return User.objects.get(username="reviewer")


@pytest.fixture
def another_editor(editorial_site):
    user = UserFactory(username="editor2")
    user.groups.add(Group.objects.get(name=home_demo.EDITORS_GROUP))
    return user
