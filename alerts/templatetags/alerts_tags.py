from django import template
from django.core.cache import cache

from editorial.page_cache import tree_version

from ..models import READER_ROLES, DispatchRecipient, RiskAlertPage, today

RISK_BANNER_KEY = "alerts:risk-banner:{}:{}"
# The key holds the date: the entry of a day that has ended is never read again.
RISK_BANNER_SECONDS = 60 * 60 * 24

register = template.Library()


@register.inclusion_tag("alerts/includes/current_risk_alerts.html", takes_context=True)
def current_risk_alerts(context):
    """Banner of the risk alerts valid today, used on the home page and 我的学习.

    The same for everyone and read by every 我的学习: kept in the cache for the day, under the
    page tree's version (any publish, unpublish, move or delete changes it)."""
    on = today()
    version = tree_version()
    key = RISK_BANNER_KEY.format(on.isoformat(), version)
    alerts = cache.get(key) if version is not None else None
    if alerts is None:
        alerts = list(
            RiskAlertPage.objects.live()
            .filter(valid_from__lte=on, valid_to__gte=on)
            .order_by("valid_to", "pk")
            .only("id", "title", "url_path", "summary", "season", "valid_from", "valid_to")
        )
        if version is not None:
            cache.set(key, alerts, timeout=RISK_BANNER_SECONDS)
    return {"alerts": alerts, "request": context.get("request")}


@register.inclusion_tag("alerts/includes/pending_acknowledgements.html", takes_context=True)
def pending_acknowledgements(context, user, roles=None, limit=5):
    """Alerts sent to the user's units that still wait for 已阅知; for 我的学习.

    `roles`: the user's current roles, when the page has read them: without a reader's role
    nothing can be waiting, and nothing is asked."""
    if roles is not None and not set(roles) & set(READER_ROLES):
        return {"pending": [], "has_more": False, "request": context.get("request")}
    pending = list(
        DispatchRecipient.objects.for_reader(user)
        .pending()
        .select_related("dispatch__page", "dispatch__check_quiz", "organisation")
        .order_by("-dispatch__sent_at")[: limit + 1]
    )
    return {
        "pending": pending[:limit],
        "has_more": len(pending) > limit,
        "request": context.get("request"),
    }


@register.inclusion_tag("alerts/includes/acknowledge_box.html", takes_context=True)
def acknowledgement_box(context, page):
    """On an alert's own page: the reader's units that were sent it and have not confirmed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pending": []}
    pending = list(
        DispatchRecipient.objects.for_reader(user)
        .pending()
        .filter(dispatch__page_id=page.pk)
        .select_related("organisation", "dispatch__check_quiz")
    )
    return {"pending": pending, "request": request, "page": page}
