"""The full-page cache for anonymous visitors of Wagtail pages, and its purging.

An entry is keyed by host, path, language and the large-type cookie. It records the tokens of
what it was rendered from: the page, the page's parent (a lesson lists its siblings, an index its
children) and the whole site (settings and snippets every page shows). Purging deletes tokens, so
every variant of a page (language, large type, host) dies at once, without listing keys. Pages
are named by their tree path, which a move changes: a move purges the old place and the new. Tokens
are read before the page renders: a purge during the render leaves an entry that is already dead.

Anonymous search result pages are kept too, for SEARCH_SECONDS, keyed by their query: a class
searching 灭火器 at the same minute costs one search. Any page change purges them all (SEARCH_KEY),
since a publish anywhere may add or remove a result.
"""

import hashlib
import secrets
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

SITE_KEY = "pagecache:site"
SEARCH_KEY = "pagecache:search"
SEARCH_SECONDS = 60
SEARCH_VIEW = "home:search"
# The search view's own parameters; any other makes the request pass the cache by.
SEARCH_PARAMETERS = ("q", "page")
ENTRY_KEY = "pagecache:entry:{}"
PAGE_KEY = "pagecache:page:{}"
# Set by the before_serve_page hook: the tokens the page is rendered from.
TOKENS_ATTR = "_page_cache_tokens"
LIFETIME_ATTR = "_page_cache_seconds"
ELIGIBLE_ATTR = "_page_cache_eligible"
# A response holding a form with a token must never be served to someone else.
CSRF_FIELD = b"csrfmiddlewaretoken"


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def _page_token_keys(paths):
    return [PAGE_KEY.format(path) for path in paths]


def _tokens(keys):
    """The current token of each key, creating those that are missing."""
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), timeout=None)
        found.update(cache.get_many(missing))
    return found


def page_version(page):
    """A token that changes whenever this page would be purged: the page, a page above it or
    something it shows changed. None when the cache cannot be reached (keep nothing then)."""
    return page_versions([page])[page.path]


def page_versions(pages):
    """{tree path: page_version} of these pages, read together."""
    found = _tokens(_page_token_keys(page.path for page in pages))
    return {page.path: found.get(PAGE_KEY.format(page.path)) for page in pages}


def tree_version():
    """A token that changes whenever any page is purged (every purge includes the tree's root)."""
    from wagtail.models import Page

    return page_version(Page(path=Page._get_path(None, 1, 1)))


def _search_query(request):
    """The search's parameters in a fixed order, or None when it has others (or repeats one)."""
    if set(request.GET) - set(SEARCH_PARAMETERS):
        return None
    if any(len(request.GET.getlist(name)) > 1 for name in request.GET):
        return None
    return urlencode(
        [(name, request.GET[name]) for name in SEARCH_PARAMETERS if name in request.GET]
    )


def _entry_key(request):
    variant = "|".join(
        (
            request.get_host(),
            request.path,
            (_search_query(request) or "") if _is_search(request) else "",
            getattr(request, "LANGUAGE_CODE", ""),
            # The header and the page's class differ with large type; see home.context_processors.
            "large" if request.COOKIES.get(settings.LARGE_TYPE_COOKIE) == "1" else "",
        )
    )
    return ENTRY_KEY.format(hashlib.sha256(variant.encode()).hexdigest())


def _is_search(request):
    match = request.resolver_match
    return match is not None and match.view_name == SEARCH_VIEW


def _request_may_use_cache(request):
    """Only a plain anonymous GET with no query (but a search's) and nothing personal pending."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.META.get("QUERY_STRING") and (
        not _is_search(request) or _search_query(request) is None
    ):
        return False
    if request.user.is_authenticated:
        return False
    # A message waiting for this visitor (e.g. "signed out") is shown by the next page.
    return not (hasattr(request, "_messages") and len(messages.get_messages(request)))


def _seconds_to_midnight():
    """Everything dated on the site (a risk alert's validity, lists of current alerts) turns at
    local midnight, so no entry outlives the day it was rendered on."""
    now = timezone.localtime()
    midnight = timezone.make_aware(
        datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    )
    return max(1, int((midnight - now).total_seconds()))


def note_page(page, request):
    """Before a page renders: remember what its entry will depend on (before_serve_page hook)."""
    if not getattr(request, ELIGIBLE_ATTR, False):
        return
    # Tree paths, not ids: the parent's is the page's less one step, so no query is needed.
    paths = [page.path]
    if page.depth > 1:
        paths.append(page.path[: -page.steplen])
    keys = [SITE_KEY, *_page_token_keys(paths)]
    tokens = _tokens(keys)
    # A cache that lost a token (unreachable, evicting) gives no entry: one without it would
    # outlive every purge.
    if len(tokens) != len(keys):
        return
    setattr(request, TOKENS_ATTR, tokens)
    lifetime = getattr(page, "page_cache_seconds", None)
    if lifetime is not None:
        setattr(request, LIFETIME_ATTR, lifetime)


def note_search(request):
    """Before a search renders: its entry depends on the site and on every page (SEARCH_KEY)."""
    if not getattr(request, ELIGIBLE_ATTR, False):
        return
    keys = [SITE_KEY, SEARCH_KEY]
    tokens = _tokens(keys)
    if len(tokens) == len(keys):
        setattr(request, TOKENS_ATTR, tokens)
        setattr(request, LIFETIME_ATTR, SEARCH_SECONDS)


def _proxy_headers(response, etag, last_modified, remaining):
    # The browser always asks again (a 304 costs nothing); a proxy may keep it briefly.
    proxy_seconds = max(0, min(settings.PAGE_CACHE_PROXY_SECONDS, remaining))
    response["Cache-Control"] = f"public, max-age=0, s-maxage={proxy_seconds}"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))


def cached_response(request):
    """The stored response for this request, or None (process_view of the middleware)."""
    setattr(request, ELIGIBLE_ATTR, _request_may_use_cache(request))
    if not getattr(request, ELIGIBLE_ATTR):
        return None
    entry = cache.get(_entry_key(request))
    if entry is None:
        return None
    current = cache.get_many(list(entry["tokens"]))
    if current != entry["tokens"]:
        return None
    remaining = int(entry["expires"] - time.time())
    if remaining <= 0:
        return None
    response = HttpResponse(entry["content"], status=200)
    for name, value in entry["headers"]:
        response[name] = value
    _proxy_headers(response, entry["etag"], entry["last_modified"], remaining)
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
    )


def _response_may_be_stored(request, response):
    if request.method != "GET" or response.status_code != 200:
        return False
    if response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or CSRF_FIELD in response.content:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    # Rendered for a signed-in person, or for an anonymous session with something in it (a
    # password-protected page's pass, a half-done join): theirs alone.
    if request.user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    return session is None or not (session.modified or not session.is_empty())


def store(request, response):
    """After a page rendered: keep it when it is the same for every anonymous visitor."""
    tokens = getattr(request, TOKENS_ATTR, None)
    if tokens is None or not _response_may_be_stored(request, response):
        return response
    lifetime = min(
        getattr(request, LIFETIME_ATTR, settings.PAGE_CACHE_SECONDS),
        settings.PAGE_CACHE_SECONDS,
        _seconds_to_midnight(),
    )
    if lifetime <= 0:
        return response
    content = response.content
    etag = f'"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'
    now = int(time.time())
    _proxy_headers(response, etag, now, lifetime)
    entry = {
        "content": content,
        "headers": [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("cache-control", "etag", "last-modified", "vary")
        ],
        "tokens": tokens,
        "etag": etag,
        "last_modified": now,
        "expires": now + lifetime,
    }
    cache.set(_entry_key(request), entry, timeout=lifetime)
    return response


def entry_timeout(request):
    """Seconds left of the entry this request would be served from, or None (for tests)."""
    entry = cache.get(_entry_key(request))
    return None if entry is None else entry["expires"] - time.time()


class AnonymousPageCacheMiddleware:
    """Serves Wagtail pages to anonymous visitors from the cache and stores what may be shared."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, ELIGIBLE_ATTR, False) and not getattr(request, "_page_cache_hit", 0):
            return store(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not enabled() or match is None:
            return None
        if match.url_name != "wagtail_serve" and match.view_name != SEARCH_VIEW:
            return None
        response = cached_response(request)
        if response is not None:
            request._page_cache_hit = True
        elif match.view_name == SEARCH_VIEW:
            note_search(request)
        return response


# ---- purging --------------------------------------------------------------------------------


def purge_site():
    """Every page at once: a setting or snippet that every page shows has changed."""
    cache.delete(SITE_KEY)


def purge_paths(paths):
    """The pages at these tree paths, and every page whose parent is one of them."""
    keys = _page_token_keys(paths)
    if keys:
        # A page's change may add or remove a search result anywhere.
        cache.delete_many([*keys, SEARCH_KEY])


def _paths_of_pages_referring_to(obj):
    """Pages that show obj: a link, a chooser or a foreign key, as Wagtail's reference index
    records them (a case warning's handbook, a lesson's quiz, an image in a body)."""
    from wagtail.models import Page, ReferenceIndex

    # The index keeps object ids as text: read them, as numbers, rather than compare a text
    # subquery with the integer key (PostgreSQL refuses integer = character varying).
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=ReferenceIndex._get_base_content_type(Page))
        .values_list("object_id", flat=True)
        if str(object_id).isdigit()
    }
    if not page_ids:
        return set()
    return set(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True))


def purge_page(page):
    """A page changed: it, the pages that list it (its ancestors), the pages under it (their
    URLs or their parent's title changed) and the pages that refer to it."""
    from wagtail.models import Page

    steps = range(page.steplen, len(page.path) + 1, page.steplen)
    paths = {page.path[:end] for end in steps}
    paths.update(Page.objects.filter(path__startswith=page.path).values_list("path", flat=True))
    paths.update(_paths_of_pages_referring_to(page))
    purge_paths(paths)


def purge_pages_showing(obj):
    """A snippet, image or document changed: the pages that refer to it."""
    purge_paths(_paths_of_pages_referring_to(obj))
