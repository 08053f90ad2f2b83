import pytest

from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from wagtail.models import Page, Site

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from home.models import HomePage


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_load_demo_builds_the_site_and_prints_the_password(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    for username in ("admin", "editor", "reviewer"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo")
    counts = row_counts()
    passwords = dict(User.objects.values_list("username", "password"))
    latest = Page.objects.order_by("-latest_revision_created_at").first().latest_revision_created_at
    call_command("load_demo")
    assert row_counts() == counts
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert (
        Page.objects.order_by("-latest_revision_created_at").first().latest_revision_created_at
        == latest
    )


@pytest.mark.django_db
@override_settings(IS_PRODUCTION=True)
def test_load_demo_refuses_production_settings_without_force():
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()
    call_command("load_demo", "--force")
    assert User.objects.filter(username="admin").exists()
