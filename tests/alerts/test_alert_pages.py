import datetime

import pytest
import time_machine

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from alerts.models import AlertIndexPage, CaseWarningPage, HazardExposurePage, RiskAlertPage
from tests.factories import UserFactory

from .builders import make_case, make_exposure, make_risk_alert


def titles(response):
    return [alert.title for alert in response.context["alerts"]]


@pytest.fixture
def mixed_alerts(alert_index):
    return {
        "case": make_case(alert_index),
        "exposure": make_exposure(alert_index),
        "risk": make_risk_alert(alert_index),
        "old_case": make_case(
            alert_index,
            slug="old-hot-work",
            title="【示例】未经审批动火",
            date="2025-07-22",
            place_type="厂房仓库",
            tags=("动火作业",),
        ),
    }


@pytest.mark.django_db
def test_index_lists_every_kind_newest_first(client, mixed_alerts):
    response = client.get("/alerts/")
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert titles(response)[-1] == "【示例】未经审批动火"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "cases"}, {"【示例】群租房室内充电引发火情", "【示例】未经审批动火"}),
        ({"kind": "exposures"}, {"【示例】消防车通道被地锁占用"}),
        ({"kind": "risks"}, {"冬季取暖用火用电风险提示"}),
        ({"place_type": "厂房仓库"}, {"【示例】未经审批动火"}),
        ({"tag": "电动自行车"}, {"【示例】群租房室内充电引发火情"}),
        ({"year": "2025"}, {"【示例】未经审批动火"}),
        ({"kind": "cases", "year": "2026"}, {"【示例】群租房室内充电引发火情"}),
    ],
)
def test_index_filters_by_kind_place_type_tag_and_year(client, mixed_alerts, query, expected):
    assert set(titles(client.get("/alerts/", query))) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"kind": "bogus"},
        {"place_type": "不存在的场所"},
        {"year": "abc"},
        {"year": "99999999999999999999"},
        {"page": "x"},
        {"page": "999"},
    ],
)
def test_unknown_filter_values_are_ignored(client, mixed_alerts, query):
    response = client.get("/alerts/", query)
    assert response.status_code == 200
    assert len(titles(response)) == 4


@pytest.mark.django_db
def test_unknown_tag_shows_the_empty_state(client, mixed_alerts):
    response = client.get("/alerts/", {"tag": "没有这个标签"})
    assert response.status_code == 200
    assert "没有符合筛选条件的内容" in response.content.decode()


@pytest.mark.django_db
def test_tags_are_browsable_from_the_index(client, mixed_alerts):
    text = client.get("/alerts/").content.decode()
    assert 'href="/alerts/?tag=%E5%8A%A8%E7%81%AB%E4%BD%9C%E4%B8%9A"' in text  # 动火作业
    page_text = client.get(mixed_alerts["case"].url).content.decode()
    assert "?tag=%E7%94%B5%E5%8A%A8%E8%87%AA%E8%A1%8C%E8%BD%A6" in page_text  # 电动自行车


@pytest.mark.django_db
def test_index_is_paginated_and_keeps_filters(client, alert_index):
    for number in range(15):
        make_case(alert_index, slug=f"case-{number}", title=f"案例{number}", tags=())
    response = client.get("/alerts/", {"kind": "cases"})
    assert len(titles(response)) == 12
    assert 'href="?kind=cases&amp;page=2"' in response.content.decode()
    assert len(titles(client.get("/alerts/", {"kind": "cases", "page": 2}))) == 3


@pytest.mark.django_db
def test_index_query_count_does_not_grow_with_alerts(
    client, alert_index, django_assert_max_num_queries
):
    for number in range(4):
        make_case(alert_index, slug=f"case-{number}", title=f"案例{number}")
        make_exposure(alert_index, slug=f"exp-{number}", title=f"曝光{number}")
        make_risk_alert(alert_index, slug=f"risk-{number}", title=f"提示{number}")
    with django_assert_max_num_queries(20):
        response = client.get("/alerts/")
    assert len(titles(response)) == 12


@pytest.mark.django_db
def test_each_kind_of_page_renders_its_fields(client, mixed_alerts):
    case = client.get(mixed_alerts["case"].url).content.decode()
    assert "事件经过" in case and "隔断使用可燃板材" in case and "室内充电" in case
    exposure = client.get(mixed_alerts["exposure"].url).content.decode()
    assert "已整改" in exposure and "2026-06-30" in exposure
    risk = client.get(mixed_alerts["risk"].url).content.decode()
    assert "取暖器远离可燃物" in risk and "全区居民" in risk


@pytest.mark.django_db
def test_case_links_its_handbook(client, alert_index):
    from tests.handbooks.builders import make_handbook, make_handbook_index

    handbook = make_handbook(make_handbook_index(alert_index.get_parent()))
    case = make_case(alert_index, handbook=handbook)
    assert f'href="{handbook.url}"' in client.get(case.url).content.decode()


@pytest.mark.django_db
def test_unpublished_alert_is_404_to_the_public(client, alert_index):
    draft = make_case(alert_index, slug="draft", publish=False)
    assert client.get("/alerts/draft/").status_code == 404
    live = make_case(alert_index, slug="live")
    live.unpublish()
    assert client.get(live.url or "/alerts/live/").status_code == 404
    assert draft.title not in client.get("/alerts/").content.decode()


@pytest.mark.django_db
def test_expired_risk_alert_is_404_to_the_public_but_editors_see_it(client, alert_index, editor):
    today = timezone.localdate()
    expired = make_risk_alert(
        alert_index,
        slug="last-summer",
        title="夏季用电风险提示",
        valid_from=today - datetime.timedelta(days=100),
        valid_to=today - datetime.timedelta(days=1),
    )
    assert client.get("/alerts/last-summer/").status_code == 404
    assert client.get("/alerts/last-summer/qr/").status_code == 404
    assert "夏季用电风险提示" not in client.get("/alerts/").content.decode()
    client.force_login(UserFactory())
    assert client.get("/alerts/last-summer/").status_code == 404
    client.force_login(editor)
    response = client.get("/alerts/last-summer/")
    assert response.status_code == 200
    assert "本提示已过有效期" in response.content.decode()
    assert client.get(f"/admin/pages/{expired.pk}/edit/").status_code == 200


@pytest.mark.django_db
def test_search_offers_a_risk_alert_only_while_it_is_valid(client, alert_index):
    today = timezone.localdate()
    for slug, title, start, end in [
        ("last-summer", "夏季高温用电风险提示", -100, -1),
        ("this-winter", "冬季取暖用电风险提示", -10, 60),
        ("ends-today", "节日期间用电风险提示", -5, 0),
    ]:
        make_risk_alert(
            alert_index,
            slug=slug,
            title=title,
            valid_from=today + datetime.timedelta(days=start),
            valid_to=today + datetime.timedelta(days=end),
        )
    found = {result.title for result in client.get("/search/", {"q": "用电"}).context["page_obj"]}
    assert found == {"冬季取暖用电风险提示", "节日期间用电风险提示"}


def render_banner(request=None):
    request = request or RequestFactory().get("/")
    return Template("{% load alerts_tags %}{% current_risk_alerts %}").render(
        Context({"request": request})
    )


@pytest.mark.django_db
def test_current_risk_alert_shows_on_the_home_page_and_disappears_after(client, alert_index):
    today = timezone.localdate()
    make_risk_alert(alert_index, valid_from=today, valid_to=today + datetime.timedelta(days=2))
    make_risk_alert(
        alert_index,
        slug="spring-festival",
        title="春节烟花爆竹风险提示",
        valid_from=today + datetime.timedelta(days=20),
        valid_to=today + datetime.timedelta(days=40),
    )
    home = client.get("/").content.decode()
    assert "冬季取暖用火用电风险提示" in home
    assert "春节烟花爆竹风险提示" not in home  # not valid yet
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        assert "冬季取暖用火用电风险提示" not in client.get("/").content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=25)):
        assert "春节烟花爆竹风险提示" in client.get("/").content.decode()


@pytest.mark.django_db
def test_risk_alert_banner_takes_one_query_and_then_none(alert_index, django_assert_num_queries):
    for number in range(2):
        make_risk_alert(alert_index, slug=f"risk-{number}", title=f"风险提示{number}")
    request = RequestFactory().get("/")
    render_banner(request)  # the page being served has already looked up its site
    # The same for everyone all day: kept until a page changes (tests/courses/test_lean_pages.py).
    with django_assert_num_queries(0):
        assert render_banner(request).count('<a class="risk-banner__item') == 2
    make_risk_alert(alert_index, slug="risk-2", title="风险提示2")
    with django_assert_num_queries(1):
        html = render_banner(request)
    assert html.count('<a class="risk-banner__item') == 3


@pytest.mark.django_db
def test_unpublished_risk_alert_is_not_in_the_banner(alert_index):
    make_risk_alert(alert_index, publish=False)
    assert "risk-banner" not in render_banner()


@pytest.mark.django_db
def test_alert_pages_have_description_open_graph_and_qr_code(client, mixed_alerts):
    case = mixed_alerts["case"]
    text = client.get(case.url).content.decode()
    assert '<meta name="description" content="租客将电动自行车电池带回房间飞线充电' in text
    assert '<meta property="og:title" content="【示例】群租房室内充电引发火情">' in text
    assert f'<img class="share-box__qr" src="{case.url}qr/"' in text
    qr = client.get(f"{case.url}qr/")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content


@pytest.mark.django_db
def test_search_finds_alerts_by_chinese_words(client, mixed_alerts):
    results = client.get("/search/", {"q": "接线板"}).context["page_obj"]
    found = {result.title for result in results}
    assert "【示例】群租房室内充电引发火情" in found
    assert "【示例】消防车通道被地锁占用" not in found
    results = client.get("/search/", {"q": "地锁"}).context["page_obj"]
    assert "【示例】消防车通道被地锁占用" in [result.title for result in results]


@pytest.mark.django_db
def test_page_tree_allows_the_three_kinds_under_the_index(alert_index, editorial_site):
    assert set(AlertIndexPage.allowed_subpage_models()) == {
        CaseWarningPage,
        HazardExposurePage,
        RiskAlertPage,
    }
    for model in (CaseWarningPage, HazardExposurePage, RiskAlertPage):
        assert model.can_create_at(alert_index)
        assert not model.can_create_at(editorial_site)
    assert not AlertIndexPage.can_create_at(editorial_site)  # one index only
