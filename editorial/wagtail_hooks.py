from wagtail import hooks

from .reviewed import drop_publish_item

hooks.register("construct_snippet_action_menu", drop_publish_item)
