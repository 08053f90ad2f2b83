"""What the content apps' demo loaders share."""

from wagtail.models import Site


def default_site_root():
    """The default site's root page (home.demo's home page), or None before home.demo has run.

    Found through Wagtail's Site rather than home.models: home is the layer above every content app.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else None
