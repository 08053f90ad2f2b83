from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from wagtail.models import Page

from accounts.redirects import next_url_or
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
    response = HttpResponseRedirect(next_url_or(request, "/"))
    response.set_cookie(
        LARGE_TYPE_COOKIE,
        "1" if large else "0",
        max_age=60 * 60 * 24 * 365,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
