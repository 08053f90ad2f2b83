import pytest

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

HUGE = "9" * 23


def routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, getattr(entry.pattern, "converters", {})


def test_no_project_route_takes_an_unbounded_integer():
    unbounded = [
        route
        for route, converters in routes()
        if any(isinstance(c, IntConverter) for c in converters.values())
        and not route.startswith(("admin/", "documents/", "_util/"))
    ]
    assert not unbounded, "use <id:…> (config/ids.py) for database ids"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/manage/campaigns/{HUGE}/",
        f"/manage/campaigns/1/classes/{HUGE}/",
        f"/manage/organisations/{HUGE}/",
        f"/manage/members/{HUGE}/",
        f"/manage/alerts/{HUGE}/send/",
        f"/notices/{HUGE}/acknowledge/",
        f"/learn/lessons/{HUGE}/video/",
        f"/videos/{HUGE}/demo.mp4",
        f"/videos/1/{HUGE}p/demo.mp4",
        f"/manage/volunteers/{HUGE}/",
        f"/admin/quizzes/statistics/{HUGE}/",
    ],
)
def test_a_23_digit_id_in_a_url_is_404(admin_client, home_page, path):
    assert admin_client.get(path).status_code == 404
    assert admin_client.post(path).status_code == 404
