"""Where a form sends a person back to: a path on this site, or a fallback."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url_or(request, fallback):
    """The posted `next` when it is a path on this host; otherwise the fallback (a URL or name).

    Only a path is taken: "NaN" or "-1" would otherwise be read as a URL name by `redirect()`
    (NoReverseMatch, a 500) and a relative "x" would land somewhere unplanned.
    """
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return resolve_url(fallback)
