"""The full-page cache for anonymous visitors: what it keeps, for whom, and what purges it."""

import datetime

import pytest
import time_machine

from django.test import Client
from django.utils import timezone

from wagtail.models import Site

from editorial import page_cache
from home.models import FooterSettings
from tests.alerts.builders import make_alert_index, make_case, make_risk_alert
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory
from tests.handbooks.builders import make_handbook, make_handbook_index


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    # As by default (config/settings/base.py), whatever the environment says.
    settings.PAGE_CACHE_SECONDS = 600


def _is_cached(client, url):
    client.get(url)  # the first render creates the footer's row, which purges the site
    request = client.get(url).wsgi_request
    return page_cache.entry_timeout(request) is not None


@pytest.fixture
def pages(home_page):
    """One page of every public type, published."""
    courses = CourseIndexPageFactory(parent=home_page)
    course = make_course(courses, lessons=1, slug="basics")
    alerts = make_alert_index(home_page)
    handbooks = make_handbook_index(home_page)
    return {
        "home": home_page,
        "course": course,
        "lesson": course.get_children().first().specific,
        "alerts": alerts,
        "case": make_case(alerts),
        "handbooks": handbooks,
        "handbook": make_handbook(handbooks),
    }


@pytest.mark.django_db
def test_a_cached_hit_runs_no_query(client, pages, django_assert_num_queries):
    # The first render creates the footer's row, and so purges what it was about to keep.
    client.get("/")
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"]


@pytest.mark.django_db
def test_the_browser_revalidates_with_the_etag_and_gets_a_304(client, pages):
    client.get("/")
    etag = client.get("/").headers["ETag"]
    assert client.get("/", headers={"if-none-match": etag}).status_code == 304


@pytest.mark.django_db
def test_a_published_change_shows_at_once(client, pages):
    course = pages["course"]
    url = course.url
    assert _is_cached(client, url)
    course.title = "全新的课程标题"
    course.save_revision().publish()
    assert "全新的课程标题" in client.get(url).content.decode()
    # The index lists the course: it is purged too.
    assert "全新的课程标题" in client.get(course.get_parent().url).content.decode()


@pytest.mark.django_db
def test_an_unpublished_page_is_gone_at_once(client, pages):
    url = pages["case"].url
    assert _is_cached(client, url)
    pages["case"].unpublish()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_deleted_page_is_gone_at_once(client, pages):
    url = pages["handbook"].url
    assert _is_cached(client, url)
    pages["handbook"].delete()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_moved_page_leaves_its_old_address(client, pages):
    old_url = pages["handbook"].url
    assert _is_cached(client, old_url)
    pages["handbook"].move(pages["alerts"], pos="last-child")
    # Wagtail's automatic redirect to the new address, not the cached page.
    assert client.get(old_url).status_code == 301


@pytest.mark.django_db
def test_a_footer_change_shows_at_once(client, pages):
    site = Site.objects.get(is_default_site=True)
    FooterSettings.objects.update_or_create(site=site, defaults={"organiser": "旧的主办单位"})
    assert "旧的主办单位" in client.get(pages["handbook"].url).content.decode()
    settings_row = FooterSettings.objects.get(site=site)
    settings_row.organiser = "青浦区消防救援局"
    settings_row.save()
    assert "青浦区消防救援局" in client.get(pages["handbook"].url).content.decode()


@pytest.mark.django_db
def test_a_risk_alert_past_its_end_leaves_the_cached_home_page(client, pages):
    today = timezone.localdate()
    make_risk_alert(pages["alerts"], title="今天到期的风险提示", valid_to=today)
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    )
    response = client.get("/")
    assert "今天到期的风险提示" in response.content.decode()
    # The entry ends when the alert does, at midnight after its last day.
    timeout = page_cache.entry_timeout(response.wsgi_request)
    assert timeout <= (midnight - now).total_seconds() + 1
    with time_machine.travel(midnight + datetime.timedelta(seconds=1)):
        assert "今天到期的风险提示" not in client.get("/").content.decode()


PAGE_TYPES = ["home", "course", "lesson", "alerts", "case", "handbooks", "handbook"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_a_signed_in_person_never_gets_or_leaves_a_cached_copy(pages, learner, kind):
    url = pages[kind].url
    anonymous = Client()
    assert _is_cached(anonymous, url)
    signed_in = Client()
    signed_in.force_login(learner)
    response = signed_in.get(url)
    assert "张三明" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    page_cache.purge_site()
    signed_in.get(url)
    # Their render was not stored: the next visitor renders (and stores) afresh.
    assert not _is_cached_without_request(anonymous, url)
    assert "张三明" not in anonymous.get(url).content.decode()


def _is_cached_without_request(client, url):
    """Whether an entry serves url, judged by a HEAD that a hit answers with no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.head(url)
    return len(queries) == 0


@pytest.mark.django_db
def test_a_response_that_sets_a_cookie_is_not_cached(client, pages, monkeypatch):
    from home.models import HomePage

    original = HomePage.serve

    def serve_with_cookie(self, request, *args, **kwargs):
        response = original(self, request, *args, **kwargs)
        response.set_cookie("seen", "1")
        return response

    monkeypatch.setattr(HomePage, "serve", serve_with_cookie)
    assert not _is_cached(client, "/")


@pytest.mark.django_db
def test_a_response_with_a_csrf_form_is_not_cached(client, pages, monkeypatch):
    from django.middleware.csrf import get_token

    from home.models import HomePage

    original = HomePage.serve

    def serve_with_form(self, request, *args, **kwargs):
        get_token(request)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(HomePage, "serve", serve_with_form)
    assert not _is_cached(client, "/")


@pytest.mark.django_db
def test_large_type_has_its_own_entry(client, pages):
    client.get("/")
    client.cookies["large_type"] = "1"
    assert "large-type" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_cache_can_be_turned_off(client, pages, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert not _is_cached(client, "/")


@pytest.mark.django_db
def test_a_page_that_links_to_a_changed_page_is_purged(client, home_page):
    handbooks = make_handbook_index(home_page)
    handbook = make_handbook(handbooks)
    case = make_case(make_alert_index(home_page), handbook=handbook)
    assert _is_cached(client, case.url)
    handbook.title = "商业综合体检查要点（新版）"
    handbook.save_revision().publish()
    assert "商业综合体检查要点（新版）" in client.get(case.url).content.decode()


@pytest.mark.django_db
def test_a_page_given_a_view_restriction_leaves_the_cache(client, pages):
    from wagtail.models import PageViewRestriction

    url = pages["handbook"].url
    assert _is_cached(client, url)
    PageViewRestriction.objects.create(
        page=pages["handbook"], restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_a_campaign_board_is_kept_a_minute_at_most(client, home_page):
    from courses.models import CampaignPage
    from organisations.models import Organisation
    from tests.organisations.factories import OrganisationFactory

    courses = CourseIndexPageFactory(parent=home_page)
    campaign = CampaignPage(
        title="2026年秋季消防安全开学第一课",
        slug="first-lesson-2026",
        course=make_course(courses, lessons=1, slug="first-lesson"),
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 30),
        target=OrganisationFactory(name="青浦区", kind=Organisation.Kind.DISTRICT),
    )
    courses.add_child(instance=campaign)
    campaign.save_revision().publish()
    client.get(campaign.url)
    timeout = page_cache.entry_timeout(client.get(campaign.url).wsgi_request)
    assert timeout is not None
    assert timeout <= 60


def _search(client, query, **extra):
    return client.get("/search/", {"q": query, **extra})


@pytest.mark.django_db
def test_an_anonymous_search_is_kept_a_minute_and_a_repeat_runs_no_query(
    client, pages, django_assert_num_queries
):
    _search(client, "课程")
    first = _search(client, "课程")
    timeout = page_cache.entry_timeout(first.wsgi_request)
    assert timeout is not None and timeout <= page_cache.SEARCH_SECONDS
    with django_assert_num_queries(0):
        again = _search(client, "课程")
    assert again.content == first.content
    # Another query, or another page of the same one, is its own entry.
    assert page_cache.entry_timeout(_search(client, "手册").wsgi_request) is not None
    assert page_cache.entry_timeout(_search(client, "课程", page="2").wsgi_request) is not None


@pytest.mark.django_db
def test_a_published_page_shows_in_a_cached_search_at_once(client, pages):
    _search(client, "水带")
    assert "全新的水带课程" not in _search(client, "水带").content.decode()
    course = pages["course"]
    course.title = "全新的水带课程"
    course.save_revision().publish()
    assert "全新的水带课程" in _search(client, "水带").content.decode()


@pytest.mark.django_db
def test_an_unpublished_page_leaves_a_cached_search_at_once(client, pages):
    title = pages["handbook"].title
    _search(client, title)
    assert title in _search(client, title).content.decode()
    pages["handbook"].unpublish()
    assert pages["handbook"].url not in _search(client, title).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query_string", ["q=课程&utm_source=wechat", "q=课程&q=手册", "q=课程&page=1&page=2"]
)
def test_a_search_with_other_parameters_passes_the_cache_by(client, pages, query_string):
    client.get(f"/search/?{query_string}")
    request = client.get(f"/search/?{query_string}").wsgi_request
    assert page_cache.entry_timeout(request) is None


@pytest.mark.django_db
def test_a_signed_in_search_is_never_kept(pages, learner):
    signed_in = Client()
    signed_in.force_login(learner)
    signed_in.get("/search/", {"q": "课程"})
    assert page_cache.entry_timeout(signed_in.get("/search/", {"q": "课程"}).wsgi_request) is None
