"""Which site a host is and which page a URL names, remembered between requests.

Wagtail finds the site with a query, then the page by fetching the root page and each level's
child by slug, and asks for the view restrictions of the page and its ancestors: ten queries for
a lesson, on every request, signed in or not. The answers change only when sites change and when
pages move, are published or unpublished, or get restrictions. A site entry maps (host, port) to
the site; a route entry maps (host, port, path) to the page's id and type, how much of the path
the page itself consumed (a routable page serves what follows) and whether any restriction
applies. A request it names loads only that page, in one query.

A route entry is checked against the page it names, loaded fresh: the page must still be live and
still have the URL path the entry was made for (a move, a slug change or a delete fail this), so an
entry cannot show a page somewhere it no longer is. What the page cannot tell is a new view
restriction on an ancestor or a changed site: those change a generation that every key holds
(`purge`), so that no entry made before survives them. Only unrestricted pages skip Wagtail's
check; a restricted one is checked by Wagtail as usual. With the cache unreachable Wagtail does
all of it, as without this module.
"""

import copy
import hashlib
import secrets

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from config.cache import prefetch_on_request

GENERATION_KEY = "routes:generation"
SITE_KEY = "routes:site:{}:{}"
ROUTE_KEY = "routes:page:{}:{}"
# A safety net for what no signal reports (a deploy that changes a page type's sub-routes).
ENTRY_SECONDS = 60 * 60
# Wagtail's own per-request memos, which its routing and settings read.
SITE_ATTR = "_wagtail_site"
ROUTE_ATTR = "_wagtail_route_for_request"


def _generation():
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _digest(*parts):
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def _where(request):
    # As Site.find_for_request reads it: the raw host, not checked against ALLOWED_HOSTS here.
    return request._get_raw_host(), request.get_port()


def _components(path):
    return [component for component in path.split("/") if component]


def _detached(site):
    """The site without the objects it has fetched (its root page): an entry holds only its row."""
    kept = copy.copy(site)
    kept._state = copy.copy(site._state)
    kept._state.fields_cache = {}
    return kept


def site_for(request, generation):
    """The request's site, from the cache when it is there."""
    key = SITE_KEY.format(generation, _digest(*_where(request)))
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is not None:
            cache.set(key, _detached(site), timeout=ENTRY_SECONDS)
    return site


def _load(entry):
    try:
        return apps.get_model(entry["model"]).objects.get(pk=entry["page"])
    except (LookupError, Page.DoesNotExist):
        return None


def _no_restrictions():
    return PageViewRestriction.objects.none()


def route_from_entry(request, site, path, key):
    """The route the entry at `key` gives for `path`, if there is one and it still holds."""
    entry = cache.get(key)
    if entry is None:
        return None
    page = _load(entry)
    components = _components(path)
    consumed = components[: entry["consumed"]]
    if page is None or not page.live:
        return None
    if page.url_path != entry["root"] + "".join(f"{part}/" for part in consumed):
        return None
    try:
        route = page.route(request, components[len(consumed) :])
    except Http404:
        return None
    if entry["unrestricted"]:
        # Wagtail's on_serve_page hook asks the page. None existed when the entry was made, and
        # one made since has changed the generation, so the entry is not read.
        route.page.get_view_restrictions = _no_restrictions
    return route


def _unrestricted(page):
    """Whether no view restriction applies to the page (one query; an alias is never marked, as
    Wagtail reads its source page's restrictions)."""
    if page.alias_of_id is not None:
        return False
    steps = range(page.steplen, len(page.path) + 1, page.steplen)
    return not PageViewRestriction.objects.filter(
        page__path__in=[page.path[:end] for end in steps]
    ).exists()


def remember(request, site, path, key):
    """After Wagtail routed `path`: keep what it found for the next request."""
    route = getattr(request, ROUTE_ATTR, None)
    if route is None:
        return
    page = route.page
    root = site.root_page.url_path  # Wagtail fetched the root page to route from it
    if not page.url_path.startswith(root):
        return
    entry = {
        "page": page.pk,
        "model": page._meta.label,
        "root": root,
        "consumed": len(_components(page.url_path[len(root) :])),
        "unrestricted": _unrestricted(page),
    }
    # A purge since the key was made changed the generation: this entry is never read.
    cache.set(key, entry, timeout=ENTRY_SECONDS)


def purge():
    """Forget every entry: a view restriction or a site changed."""
    cache.delete(GENERATION_KEY)


class RouteCacheMiddleware:
    """Gives every request its site from the cache, and Wagtail's page requests their route.

    After the anonymous page cache, whose hits need no route at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        generation = _generation()
        if generation is not None:
            site = site_for(request, generation)
            if site is not None:
                setattr(request, SITE_ATTR, site)
            request._route_generation = generation
        response = self.get_response(request)
        miss = getattr(request, "_route_miss", None)
        if miss is not None and 200 <= response.status_code < 300:
            remember(request, *miss)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        site = getattr(request, SITE_ATTR, None)
        generation = getattr(request, "_route_generation", None)
        if match is None or match.url_name != "wagtail_serve" or site is None or not generation:
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        key = ROUTE_KEY.format(generation, _digest(*_where(request), path))
        route = route_from_entry(request, site, path, key)
        if route is None:
            request._route_miss = (site, path, key)
        else:
            setattr(request, ROUTE_ATTR, route)
        return None


def _purge_now_and_after_commit(sender, **kwargs):
    # Now, for the request that made the change, and after the commit, so that an entry made
    # from the old rows between the two is not kept.
    purge()
    transaction.on_commit(purge)


def _keys_every_request_reads(request):
    # The generation (this middleware), and Wagtail's site root paths (every page URL built).
    return [(GENERATION_KEY, None), (SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION)]


def connect():
    """Connects the receivers (EditorialConfig.ready)."""
    prefetch_on_request(_keys_every_request_reads)
    for model in (PageViewRestriction, Site):
        for signal in (post_save, post_delete):
            signal.connect(
                _purge_now_and_after_commit, sender=model, dispatch_uid=f"routes_{model.__name__}"
            )
