from django import template

from ..models import DispatchRecipient, RiskAlertPage, today

register = template.Library()


@register.inclusion_tag("alerts/includes/current_risk_alerts.html", takes_context=True)
def current_risk_alerts(context):
    """Banner of the risk alerts valid today; one query. Used on the home page and 我的学习."""
    on = today()
    alerts = (
        RiskAlertPage.objects.live()
        .filter(valid_from__lte=on, valid_to__gte=on)
        .order_by("valid_to", "pk")
        .only("id", "title", "url_path", "summary", "season", "valid_from", "valid_to")
    )
    return {"alerts": list(alerts), "request": context.get("request")}


@register.inclusion_tag("alerts/includes/pending_acknowledgements.html", takes_context=True)
def pending_acknowledgements(context, user, limit=5):
    """Alerts sent to the user's units that still wait for 已阅知; for 我的学习."""
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
