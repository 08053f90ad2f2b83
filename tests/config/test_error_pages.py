"""The site's own Chinese error pages, as a visitor sees them with DEBUG off (as in production)."""

import pytest

from django.test import Client, RequestFactory, override_settings

from config.faults import server_error


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_an_unknown_url_answers_the_sites_chinese_404(client, home_page):
    response = client.get("/no-such-page-anywhere/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page or "找不到" in page
    assert '<html lang="zh-hans"' in page
    assert "返回首页" in page
    assert "Page not found" not in page


@override_settings(DEBUG=False)
def test_the_500_handler_renders_without_the_database():
    # No django_db mark: any query (a context processor's, a setting's) would raise here.
    response = server_error(RequestFactory().get("/anything/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in page
    assert "返回首页" in page


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF="tests.config.failing_urls")
def test_an_error_in_a_view_answers_the_chinese_500_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
