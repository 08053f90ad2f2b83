from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.redirects import next_url_or
from editorial.segmentation import query_word_groups

from .context_processors import LARGE_TYPE_COOKIE
from .search import describe, search_pages

RESULTS_PER_PAGE = 10


def search(request):
    """Site-wide search over live public pages, with Chinese queries cut into words."""
    raw_query = request.GET.get("q", "")
    query = raw_query.strip()[: settings.SEARCH_QUERY_MAX_LENGTH]
    groups = query_word_groups(query, settings.SEARCH_QUERY_MAX_LENGTH)
    page_obj = results = None
    if groups:
        paginator = Paginator(search_pages(groups), RESULTS_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        results = describe(page_obj.object_list, groups)
    return render(
        request,
        "home/search.html",
        {
            "query": query,
            "query_was_cut": len(raw_query.strip()) > settings.SEARCH_QUERY_MAX_LENGTH,
            "page_obj": page_obj,
            "results": results,
        },
    )


# Exempt: the worst a forged post can do is change a reader's type size, and a token in the header
# form would make every public page unshareable for the page cache (editorial/page_cache.py).
@csrf_exempt
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
