from itertools import pairwise

from django.utils.translation import gettext_lazy as _

from wagtail.models import AbstractGroupApprovalTask, Revision


def _substance(revision, model):
    """What a person wrote in a revision: the editable fields and the child items, without ids
    and bookkeeping (timestamps, lock, publishing state)."""
    editable = {f.name for f in model._meta.concrete_fields if f.editable}
    content = {}
    for key, value in revision.content.items():
        if isinstance(value, list):
            content[key] = [
                {k: v for k, v in child.items() if k != "pk"} if isinstance(child, dict) else child
                for child in value
            ]
        elif key in editable:
            content[key] = value
    return content


def changed_while_in_review(obj, user):
    """Whether the person changed the item's content since it was submitted for this step."""
    state = getattr(obj, "current_workflow_task_state", None)
    if state is None or state.revision_id is None:
        return False
    revisions = list(
        Revision.objects.filter(
            base_content_type=state.revision.base_content_type,
            object_id=state.revision.object_id,
            pk__gte=state.revision_id,
        ).order_by("pk")
    )
    model = type(obj)
    for previous, revision in pairwise(revisions):
        if revision.user_id == user.pk and _substance(revision, model) != _substance(
            previous, model
        ):
            return True
    return False


def wrote_it(obj, user):
    """Whether the person submitted the item for review or changed it while it waited.

    The second matters when a reviewer edits what waits for them: their own words would
    otherwise go live on their own approval.
    """
    if user is None or not user.pk:
        return False
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id == user.pk:
        return True
    return changed_while_in_review(obj, user)


class ReviewTask(AbstractGroupApprovalTask):
    """A group's approval in which nobody approves what they submitted or wrote themselves.

    Wagtail's group task lets any member approve, the author included; a question's key or a
    page's advice then goes live with one pair of eyes. The same task serves pages and snippets.
    """

    def get_actions(self, obj, user):
        if wrote_it(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, but never what they submitted themselves")

    class Meta:
        verbose_name = _("review by another person")
        verbose_name_plural = _("reviews by another person")
