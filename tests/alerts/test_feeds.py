import datetime
import xml.etree.ElementTree as ET

import pytest

from django.utils import timezone

from .builders import make_case, make_exposure, make_risk_alert

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own output


@pytest.fixture
def alerts(alert_index):
    today = timezone.localdate()
    return {
        "case": make_case(alert_index),
        "draft": make_case(alert_index, slug="draft", title="草稿案例", publish=False),
        "exposure": make_exposure(alert_index),
        "risk": make_risk_alert(alert_index),
        "expired": make_risk_alert(
            alert_index,
            slug="expired",
            title="过期提示",
            valid_from=today - datetime.timedelta(days=60),
            valid_to=today - datetime.timedelta(days=1),
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("cases", ["【示例】群租房室内充电引发火情"]),
        ("exposures", ["【示例】消防车通道被地锁占用"]),
        ("risks", ["冬季取暖用火用电风险提示"]),
    ],
)
def test_rss_feed_per_kind_is_valid_xml_with_live_items_only(client, alerts, kind, expected):
    response = client.get(f"/alerts/feed/{kind}/")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response)
    assert root.tag == "rss"
    items = root.findall("./channel/item")
    assert [item.findtext("title") for item in items] == expected
    assert items[0].findtext("link").startswith("http://testserver/alerts/")
    assert items[0].findtext("description")


@pytest.mark.django_db
def test_atom_feed_is_valid_xml(client, alerts):
    root = parse(client.get("/alerts/feed/cases/atom/"))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [alerts["case"].title]


@pytest.mark.django_db
def test_unknown_feed_kind_is_404(client, alerts):
    assert client.get("/alerts/feed/everything/").status_code == 404


@pytest.mark.django_db
def test_index_advertises_its_feeds(client, alerts):
    text = client.get("/alerts/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in text
    assert 'href="/alerts/feed/risks/"' in text


@pytest.mark.django_db
def test_feed_links_say_subscribe(client, alerts):
    text = client.get("/alerts/").content.decode()
    assert "订阅（RSS）" in text
    assert "订阅（Atom）" in text
