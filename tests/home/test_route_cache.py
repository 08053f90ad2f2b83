"""Routes kept between requests (editorial/routes.py): what a kept route saves, and that no change
to the tree, its restrictions or its sites is ever answered from an old one."""

import pytest

from django.contrib.auth.models import Group
from django.test import override_settings

from wagtail.models import Page, PageViewRestriction, Site

from home.models import HomePage
from tests.courses.conftest import make_course
from tests.courses.factories import CourseIndexPageFactory
from tests.handbooks.builders import make_handbook, make_handbook_index


@pytest.fixture
def tree(home_page):
    courses = CourseIndexPageFactory(parent=home_page, slug="courses")
    course = make_course(courses, lessons=2, slug="basics")
    handbooks = make_handbook_index(home_page)
    return {
        "courses": courses,
        "course": course,
        "lesson": course.get_lessons().first(),
        "handbook": make_handbook(handbooks),
    }


def _warm(client, url):
    """Two visits: the first keeps the route, the second is served from it."""
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200


def _page_queries(queries):
    return [query["sql"] for query in queries if '"wagtailcore_page"' in query["sql"]]


@pytest.mark.django_db
def test_a_kept_route_reads_only_the_page_itself(
    client, tree, learner, django_assert_max_num_queries
):
    # Signed in: an anonymous visitor would be served from the page cache, with no query at all.
    client.force_login(learner)
    url = tree["lesson"].url
    _warm(client, url)
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert tree["lesson"].title in response.content.decode()
    # The lesson, and its course (the breadcrumbs): no walk down the tree, no restriction query.
    assert len(_page_queries(captured.captured_queries)) == 2
    assert not any("pageviewrestriction" in sql for sql in _page_queries(captured.captured_queries))


@pytest.mark.django_db
def test_a_restriction_added_above_a_kept_route_applies_at_once(client, tree):
    # The attack: a private section whose pages are still served from routes kept when public.
    url = tree["lesson"].url
    _warm(client, url)
    PageViewRestriction.objects.create(
        page=tree["courses"], restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
def test_a_group_restriction_on_the_page_itself_applies_at_once(client, tree, learner):
    url = tree["handbook"].url
    client.force_login(learner)
    _warm(client, url)
    restriction = PageViewRestriction.objects.create(
        page=tree["handbook"], restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="仅限审核"))
    refused = client.get(url)
    assert refused.status_code == 302
    assert "login" in refused["Location"]
    restriction.delete()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_an_unpublished_or_deleted_page_is_gone_at_once(client, tree, change):
    url = tree["lesson"].url
    _warm(client, url)
    getattr(Page.objects.get(pk=tree["lesson"].pk), change)()
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_renamed_course_moves_its_lessons_urls(client, tree):
    old_url = tree["lesson"].url
    _warm(client, old_url)
    course = Page.objects.get(pk=tree["course"].pk).specific
    course.slug = "renamed"
    course.save_revision().publish()
    assert client.get(old_url).status_code == 404
    assert client.get(old_url.replace("/basics/", "/renamed/")).status_code == 200


@pytest.mark.django_db
def test_a_moved_page_is_served_only_at_its_new_place(client, tree, home_page):
    url = tree["lesson"].url
    _warm(client, url)
    other = make_course(tree["courses"], lessons=0, slug="other")
    Page.objects.get(pk=tree["lesson"].pk).move(other, pos="last-child")
    # Wagtail's redirects app sends the old address on to the new place.
    moved = client.get(url)
    assert moved.status_code == 301
    assert moved["Location"].endswith("/courses/other/lesson-1/")
    assert client.get("/courses/other/lesson-1/").status_code == 200


@pytest.mark.django_db
def test_a_page_that_takes_the_place_of_a_moved_one_is_the_one_served(client, tree):
    url = tree["lesson"].url
    _warm(client, url)
    other = make_course(tree["courses"], lessons=0, slug="other")
    Page.objects.get(pk=tree["lesson"].pk).move(other, pos="last-child")
    course = Page.objects.get(pk=tree["course"].pk)
    newcomer = course.add_child(
        instance=type(tree["lesson"])(title="接替的课", slug="lesson-1", kind="reading")
    )
    newcomer.save_revision().publish()
    assert "接替的课" in client.get(url).content.decode()


@pytest.mark.django_db
def test_sub_routes_of_a_routable_page_are_served_from_a_kept_route(client, tree):
    url = tree["handbook"].url + "print/"
    _warm(client, url)
    response = client.get(url)
    assert response.status_code == 200
    assert tree["handbook"].title in response.content.decode()
    assert client.get(tree["handbook"].url + "no-such-view/").status_code == 404


@pytest.mark.django_db
def test_a_site_given_another_root_is_followed_at_once(client, tree, home_page):
    _warm(client, "/")
    other = home_page.get_parent().add_child(
        instance=HomePage(title="另一个首页", slug="other-home")
    )
    other.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = other
    site.save()
    assert "另一个首页" in client.get("/").content.decode()
    assert client.get(tree["lesson"].url).status_code == 404


@pytest.mark.django_db
def test_without_a_cache_pages_are_routed_as_wagtail_does(client, tree):
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ):
        for _ in range(2):
            response = client.get(tree["lesson"].url)
            assert response.status_code == 200
            assert tree["lesson"].title in response.content.decode()
        assert client.get(tree["handbook"].url + "print/").status_code == 200
