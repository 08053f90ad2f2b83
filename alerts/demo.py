"""Demo alerts: content/alerts/*.yaml (cases, exposures, risk alerts), published under /alerts/.

When the demo district exists (organisations load first), a case warning and the winter risk
alert are sent to units, and some units have confirmed reading them.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from editorial import content_files
from editorial.content_files import ContentFileError
from editorial.demo import default_site_root
from handbooks.models import HandbookPage
from organisations.models import Membership, Organisation

from . import services
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

CASE_TO_SEND = "xujing-group-rental-ebike-battery"
CASE_PLACE_TYPES = ("群租房", "电动自行车集中停放充电场所")
RISK_ALERT_TO_SEND = "winter-heating-2026"
TOWN_FOR_RISK_ALERT = "朱家角镇"


# Each file holds a list of pages of one kind; "tags" and a case's "handbook" (a handbook's slug)
# are read here, every other key is a field of the page.
FILES = [
    ("alerts/case-warnings.yaml", CaseWarningPage, ("tags", "handbook")),
    ("alerts/hazard-exposures.yaml", HazardExposurePage, ("tags",)),
    ("alerts/risk-alerts.yaml", RiskAlertPage, ("tags",)),
]
EXAMPLE_MARK = "示例曝光，情节为教学虚构。"


def alert_files(handbook_slugs=None):
    """[(path, model, data)] of every alert, checked; `handbook_slugs`: what a case may name."""
    alerts = []
    for relative, model, extra in FILES:
        path = content_files.content_dir() / relative
        for index, data in enumerate(content_files.read_list(path)):
            if model is HazardExposurePage and isinstance(data, dict) and "summary" not in data:
                # Unless given, an exposure's list text is its hazard's opening, without the
                # example mark.
                hazard = strip_tags(data.get("hazard") or "")
                data["summary"] = hazard.removeprefix(EXAMPLE_MARK)[:120]
            content_files.page(model, data, path=path, place=(index,), extra=extra)
            handbook = data.get("handbook")
            if handbook and handbook_slugs is not None and handbook not in handbook_slugs:
                raise ContentFileError(
                    path,
                    _("No handbook “%(slug)s” in content/handbooks/.") % {"slug": handbook},
                    (index, "handbook"),
                )
            alerts.append((path, model, data))
    return alerts


def _page(model, data, handbooks):
    fields = {k: v for k, v in data.items() if k not in ("tags", "handbook")}
    page = model(**fields)
    if model is CaseWarningPage:
        page.handbook = handbooks.get(data.get("handbook"))
        page.search_description = page.summary
    elif model is HazardExposurePage:
        page.search_description = strip_tags(page.hazard)[:150]
    else:
        page.date = page.valid_from
        page.search_description = page.summary
    return page


def index_file():
    """案例警示's index fields from content/indexes.yaml, checked."""
    path, data = content_files.index_spec("alerts")
    content_files.page(AlertIndexPage, data, path=path, place=("alerts",))
    return data


def load():
    """Create what is missing; running it again changes nothing."""
    home = default_site_root()
    if home is None:
        return
    with transaction.atomic():
        index = AlertIndexPage.objects.first()
        if index is None:
            index = AlertIndexPage(**index_file())
            home.add_child(instance=index)
            index.save_revision().publish()
        existing = set(AlertPage.objects.values_list("slug", flat=True))
        handbooks = {page.slug: page for page in HandbookPage.objects.all()}
        for _path, model, data in alert_files():
            if data["slug"] in existing:
                continue
            page = _page(model, data, handbooks)
            page.tags.add(*data.get("tags", []))
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
