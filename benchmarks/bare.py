"""The bare Django view of the serving benchmark: the framework's limit on this machine.

One query, a tiny template with the site's context processors, behind the site's whole
middleware stack. Its URLconf is this module (benchmarks.bare_settings), so it is never
reachable in the real site's URLs.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from wagtail.models import Site

# Compiled once per process, as the cached template loader does in production.
TEMPLATE = engines["django"].from_string(
    '<!doctype html><html lang="zh-hans"><title>{{ name }}</title><p>{{ name }}</p></html>'
)


def bare(request):
    """One query and a tiny template: what every page costs before it does anything."""
    name = Site.objects.values_list("site_name", flat=True).first()
    return HttpResponse(TEMPLATE.render({"name": name or "bare"}, request))


urlpatterns = [path("", bare, name="bare")]
