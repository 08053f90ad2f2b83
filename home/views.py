from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wagtail.models import Page

from alerts.models import RiskAlertPage
from editorial.segmentation import segmented_query

from .context_processors import LARGE_TYPE_COOKIE

RESULTS_PER_PAGE = 10


def search(request):
    """Site-wide search over live public pages, with Chinese queries cut into words."""
    raw_query = request.GET.get("q", "")
    query = raw_query.strip()[: settings.SEARCH_QUERY_MAX_LENGTH]
    words = segmented_query(query, settings.SEARCH_QUERY_MAX_LENGTH)
    page_obj = None
    if words:
        # An expired risk alert answers 404 to the public, so it must not be offered here.
        expired = RiskAlertPage.objects.filter(valid_to__lt=timezone.localdate()).values("pk")
        results = (
            Page.objects.live()
            .public()
            .exclude(pk__in=expired)
            .specific()
            .search(words, operator="or")
        )
        page_obj = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "query_was_cut": len(raw_query.strip()) > settings.SEARCH_QUERY_MAX_LENGTH,
            "page_obj": page_obj,
        },
    )


@require_POST
def set_text_size(request):
    """Switch large type on or off; works without script, the script only makes it instant."""
    large = request.POST.get("large") == "1"
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    response.set_cookie(
        LARGE_TYPE_COOKIE,
        "1" if large else "0",
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
