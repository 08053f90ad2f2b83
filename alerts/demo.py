"""Demo alerts: the cases, exposures and risk alerts in demo_content, published under /alerts/.

When the demo district exists (organisations load first), a case warning and the winter risk
alert are sent to units, and some units have confirmed reading them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from editorial.demo import default_site_root
from handbooks.models import HandbookPage
from organisations.models import Membership, Organisation

from . import services
from .demo_content import CASE_WARNINGS, HAZARD_EXPOSURES, RISK_ALERTS
from .models import (
    READER_ROLES,
    AlertIndexPage,
    AlertPage,
    CaseWarningPage,
    Dispatch,
    DispatchRecipient,
    HazardExposurePage,
    RiskAlertPage,
)

INDEX_INTRO = (
    "火灾案例警示、隐患曝光和季节性风险提示。案例和曝光均为教学示例，"
    "单位名称为虚构；请对照检查本单位是否存在同类隐患。"
)
CASE_TO_SEND = "xujing-group-rental-ebike-battery"
CASE_PLACE_TYPES = ("群租房", "电动自行车集中停放充电场所")
RISK_ALERT_TO_SEND = "winter-heating-2026"
TOWN_FOR_RISK_ALERT = "朱家角镇"


def _lines(items):
    return "\n".join(items)


def _case(data, handbooks):
    return CaseWarningPage(
        title=data["title"],
        slug=data["slug"],
        date=data["date"],
        place_type=data["place_type"],
        summary=data["summary"],
        search_description=data["summary"],
        what_happened=f"<p>{data['what_happened']}</p>",
        causes=_lines(data["causes"]),
        violations=[{"type": "violation", "value": item} for item in data["violations"]],
        lessons=_lines(data["lessons"]),
        handbook=handbooks.get(data.get("handbook_slug")),
    )


def _exposure(data):
    return HazardExposurePage(
        title=data["title"],
        slug=data["slug"],
        date=data["date"],
        place_type=data["place_type"],
        summary=data["hazard"].removeprefix("示例曝光，情节为教学虚构。")[:120],
        search_description=data["hazard"][:150],
        hazard=f"<p>{data['hazard']}</p>",
        basis=data["basis"],
        rectification_status=data["status"],
        rectification_deadline=data["deadline"],
        rectification=data["rectification"],
    )


def _risk_alert(data):
    return RiskAlertPage(
        title=data["title"],
        slug=data["slug"],
        season=data["season"],
        valid_from=data["valid_from"],
        valid_to=data["valid_to"],
        date=data["valid_from"],
        audience=data["audience"],
        summary=data["summary"],
        search_description=data["summary"],
        precautions=_lines(data["precautions"]),
    )


def load():
    """Create what is missing; running it again changes nothing."""
    home = default_site_root()
    if home is None:
        return
    with transaction.atomic():
        index = AlertIndexPage.objects.first()
        if index is None:
            index = AlertIndexPage(
                title="案例警示",
                slug="alerts",
                intro=INDEX_INTRO,
                search_description="火灾案例警示、隐患曝光与季节性风险提示（示例）。",
            )
            home.add_child(instance=index)
            index.save_revision().publish()
        existing = set(AlertPage.objects.values_list("slug", flat=True))
        handbooks = {page.slug: page for page in HandbookPage.objects.all()}
        pages = [(_case(data, handbooks), data["tags"]) for data in CASE_WARNINGS]
        pages += [(_exposure(data), data["tags"]) for data in HAZARD_EXPOSURES]
        pages += [(_risk_alert(data), data["tags"]) for data in RISK_ALERTS]
        for page, tags in pages:
            if page.slug in existing:
                continue
            page.tags.add(*tags)
            index.add_child(instance=page)
            page.save_revision().publish()
        _send_demo_dispatches()


def _send_demo_dispatches():
    """Only with the demo district in place; otherwise nothing to send to."""
    User = get_user_model()
    sender = (
        User.objects.filter(username="district").first()
        or User.objects.filter(username="reviewer").first()
    )
    district = Organisation.objects.filter(kind=Organisation.Kind.DISTRICT).first()
    if sender is None or district is None:
        return
    case = CaseWarningPage.objects.filter(slug=CASE_TO_SEND).first()
    if case is not None and not Dispatch.objects.filter(page=case).exists():
        for place_type in CASE_PLACE_TYPES:
            _send(case, sender, district, place_type=place_type)
    risk_alert = RiskAlertPage.objects.filter(slug=RISK_ALERT_TO_SEND).first()
    town = Organisation.objects.filter(name=TOWN_FOR_RISK_ALERT).first()
    if (
        risk_alert is not None
        and town is not None
        and not Dispatch.objects.filter(page=risk_alert).exists()
    ):
        _send(risk_alert, sender, town)


def _send(page, sender, root, **filters):
    try:
        dispatch = services.send_alert(page, sender, root, **filters)
    except ValidationError:
        return  # no unit of that kind in the demo district
    # Every other unit has confirmed, so the sender's view shows both; the demo `manager`'s unit
    # is left waiting, so signing in as `manager` shows something to confirm.
    recipients = dispatch.recipients.exclude(
        organisation__memberships__user__username="manager"
    ).order_by("organisation__path")
    for number, recipient in enumerate(recipients):
        if number % 2:
            continue
        reader = (
            Membership.objects.current()
            .filter(organisation=recipient.organisation, role__in=READER_ROLES)
            .select_related("user")
            .first()
        )
        if reader is not None:
            services.acknowledge(recipient, reader.user)
    return DispatchRecipient.objects.filter(dispatch=dispatch)
