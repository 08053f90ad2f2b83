"""Where a snippet type has a review workflow, it goes live only through that workflow.

Wagtail lets anyone with the publish permission publish directly, past the workflow; for a
reviewer that is approving their own work. Approval still needs the permission (Wagtail
publishes as the approver), so the direct route is closed in the editor instead.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from wagtail.admin import messages
from wagtail.models import WorkflowMixin

from .models import wrote_it

PUBLISH = "publish"
APPROVE = "approve"
SUBMIT = "submit"


def review_required(model, instance=None):
    if not issubclass(model, WorkflowMixin):
        return False
    workflow = instance.get_workflow() if instance is not None else model.get_default_workflow()
    return workflow is not None and workflow.active


class ReviewedEditingMixin:
    """For a snippet create/edit view: no publish action when review is required, and no second
    submission of what already waits for review (a stale form; Wagtail would fail with a 500).
    Either request falls back to saving a draft."""

    def get_available_actions(self):
        actions = super().get_available_actions()
        instance = getattr(self, "object", None)
        refused = set()
        if review_required(self.model, instance):
            refused.add(PUBLISH)
        if instance is not None and getattr(instance, "workflow_in_progress", False):
            refused.add(SUBMIT)
        return [action for action in actions if action not in refused]

    def workflow_action_action(self):
        # Approving from the editor saves the form first: a reviewer who changed the content
        # has written part of it, and another person approves it (ReviewTask).
        if self.workflow_action == APPROVE and wrote_it(self.object, self.request.user):
            messages.warning(
                self.request,
                _("Your changes are saved; another reviewer approves them, not you."),
            )
            return None
        return super().workflow_action_action()

    def get_success_message(self, *args, **kwargs):
        # Wagtail ships no Chinese for "created and submitted for moderation", and the author
        # should read what happens next.
        if getattr(self, "action", None) == SUBMIT:
            return _(
                "%(model_name)s “%(object)s” submitted for review: it goes live once another "
                "person approves it."
            ) % {"model_name": capfirst(self.model._meta.verbose_name), "object": self.object}
        return super().get_success_message(*args, **kwargs)


def drop_publish_item(menu_items, request, context):
    """construct_snippet_action_menu hook: no 发布 button where review is required."""
    if review_required(context["model"], context.get("instance")):
        menu_items[:] = [item for item in menu_items if item.name != f"action-{PUBLISH}"]
