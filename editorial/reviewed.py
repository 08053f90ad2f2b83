"""Where a snippet type has a review workflow, it goes live only through that workflow.

Wagtail lets anyone with the publish permission publish directly, past the workflow; for a
reviewer that is approving their own work. Approval still needs the permission (Wagtail
publishes as the approver), so the direct route is closed in the editor instead.
"""

from wagtail.models import WorkflowMixin

PUBLISH = "publish"
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


def drop_publish_item(menu_items, request, context):
    """construct_snippet_action_menu hook: no 发布 button where review is required."""
    if review_required(context["model"], context.get("instance")):
        menu_items[:] = [item for item in menu_items if item.name != f"action-{PUBLISH}"]
