from wagtail import hooks

from . import page_cache
from .reviewed import drop_publish_item

hooks.register("construct_snippet_action_menu", drop_publish_item)


@hooks.register("before_serve_page", order=1000)
def note_page_for_cache(page, request, serve_args, serve_kwargs):
    # Late, so that a page a view restriction holds back is never noted.
    page_cache.note_page(page, request)
