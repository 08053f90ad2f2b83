"""Builders for alert pages under an alert index."""

import datetime

from django.utils import timezone

from alerts.models import AlertIndexPage, CaseWarningPage, HazardExposurePage, RiskAlertPage


def make_alert_index(home):
    index = AlertIndexPage(title="案例警示", slug="alerts", intro="案例警示与风险提示")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _add(index, page, tags, publish, user=None):
    if tags:
        page.tags.add(*tags)
    page.live = publish
    index.add_child(instance=page)
    revision = page.save_revision(user=user)
    if publish:
        revision.publish(user=user)
    return type(page).objects.get(pk=page.pk)


def make_case(
    index,
    *,
    slug="ebike-case",
    title="【示例】群租房室内充电引发火情",
    date="2026-03-14",
    place_type="群租房",
    tags=("电动自行车",),
    publish=True,
    **fields,
):
    page = CaseWarningPage(
        title=title,
        slug=slug,
        date=date,
        place_type=place_type,
        summary="租客将电动自行车电池带回房间飞线充电，夜间电池起火。",
        what_happened="<p>示例案例。租客用接线板为电池充电，电池起火。</p>",
        causes="电池带入室内充电\n隔断使用可燃板材",
        violations=[
            {"type": "violation", "value": {"text": "室内充电", "basis": "消防法第二十八条"}}
        ],
        lessons="电动自行车不进楼入户",
        **fields,
    )
    return _add(index, page, tags, publish)


def make_exposure(
    index,
    *,
    slug="fire-lane",
    title="【示例】消防车通道被地锁占用",
    date="2026-06-02",
    place_type="高层住宅",
    tags=("消防车通道",),
    publish=True,
    **fields,
):
    page = HazardExposurePage(
        title=title,
        slug=slug,
        date=date,
        place_type=place_type,
        summary="小区消防车通道被地锁占用。",
        hazard="<p>消防车通道上安装了地锁。</p>",
        basis="消防法第二十八条",
        rectification_status="rectified",
        rectification_deadline=datetime.date(2026, 6, 30),
        **fields,
    )
    return _add(index, page, tags, publish)


def make_risk_alert(
    index,
    *,
    slug="winter",
    title="冬季取暖用火用电风险提示",
    valid_from=None,
    valid_to=None,
    tags=("冬季",),
    publish=True,
    **fields,
):
    today = timezone.localdate()
    page = RiskAlertPage(
        title=title,
        slug=slug,
        season="winter",
        valid_from=valid_from or today - datetime.timedelta(days=10),
        valid_to=valid_to or today + datetime.timedelta(days=30),
        summary="冬季取暖用火用电增多，火灾风险上升。",
        audience="全区居民",
        precautions="取暖器远离可燃物\n电动自行车不进楼入户",
        **fields,
    )
    return _add(index, page, tags, publish)
