import pytest

from django.test import Client

from wagtail.models import Site

from home.models import FooterSettings


@pytest.mark.django_db
def test_home_page_renders_the_shell_in_chinese(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("首页", "课程", "检查手册", "案例警示", "我的学习", "管理"):
        assert label in page
    assert 'href="#main"' in page  # skip link
    assert 'name="viewport"' in page
    assert "大字" in page


@pytest.mark.django_db
def test_footer_shows_the_site_settings(client, home_page):
    FooterSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={
            "organiser": "青浦区消防救援局",
            "contact": "021-12345678",
            "icp_number": "沪ICP备12345678号",
        },
    )
    page = client.get("/").content.decode()
    assert "青浦区消防救援局" in page
    assert "沪ICP备12345678号" in page


@pytest.mark.django_db
def test_pages_load_nothing_from_other_sites(client, home_page):
    page = client.get("/").content.decode()
    for marker in ('src="http', 'href="http', "//cdn", "fonts.googleapis"):
        assert marker not in page


@pytest.mark.django_db
def test_home_page_runs_a_fixed_number_of_queries(client, home_page, django_assert_max_num_queries):
    client.get("/")  # warm the site and settings caches like a running server
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_large_type_switch_works_without_script(client, home_page):
    response = client.post("/display/text-size/", {"large": "1", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["large_type"].value == "1"
    assert 'class="large-type"' in client.get("/").content.decode()
    client.post("/display/text-size/", {"large": "0", "next": "/"})
    assert 'class="large-type"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_large_type_switch_never_redirects_off_site(client, home_page):
    response = client.post("/display/text-size/", {"large": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["-1", "NaN", "home", "x/../y", ["/a/", "-1"], ""])
def test_large_type_switch_with_a_next_that_is_not_a_path_goes_home(client, home_page, next_url):
    response = client.post("/display/text-size/", {"large": "1", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_missing_page_is_a_friendly_404(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到" in response.content.decode()


@pytest.mark.django_db
def test_a_malformed_request_gets_a_chinese_400_page(client, home_page):
    too_many_fields = "&".join(f"f{i}=1" for i in range(10_100))
    response = client.post(
        "/display/text-size/",
        too_many_fields,
        content_type="application/x-www-form-urlencoded",
        headers={"accept-language": "zh-hans"},
    )
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_a_chinese_403_page(home_page):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "x"}, headers={"accept-language": "zh-hans"}
    )
    assert response.status_code == 403
    assert "表单已失效" in response.content.decode()


def test_the_500_page_is_chinese_and_needs_no_context():
    from django.template import loader

    page = loader.get_template("500.html").render()
    assert "服务器出错了" in page and "返回首页" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/courses/", {"tag": "a\x00b"}),
        ("get", "/learn/certificates/%00.pdf", {}),
        ("get", "/search/", {"q": "\x00"}),
        ("post", "/display/text-size/", {"next": "/\x00"}),
    ],
)
def test_a_nul_character_in_the_url_or_a_form_is_a_400(client, home_page, method, path, data):
    # PostgreSQL cannot compare text holding NUL: it used to be a DataError (500) there.
    response = getattr(client, method)(path, data, headers={"accept-language": "zh-hans"})
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.django_db
def test_the_home_page_title_does_not_repeat_the_site_name(client, home_page):
    page = client.get("/").content.decode()
    title = page[page.index("<title>") + 7 : page.index("</title>")].strip()
    assert title == "消防安全学习平台"


@pytest.mark.django_db
def test_other_pages_are_followed_by_the_site_name(client, home_page):
    page = client.get("/search/").content.decode()
    title = page[page.index("<title>") + 7 : page.index("</title>")].strip()
    assert title == "搜索 · 消防安全学习平台"
