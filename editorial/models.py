from django.utils.translation import gettext_lazy as _

from wagtail.models import AbstractGroupApprovalTask


def wrote_it(obj, user):
    """Whether the person submitted the item for review or wrote its latest revision.

    The second matters when a reviewer edits what waits for them: their own words would
    otherwise go live on their own approval.
    """
    if user is None or not user.pk:
        return False
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id == user.pk:
        return True
    revision = obj.get_latest_revision() if hasattr(obj, "get_latest_revision") else None
    return revision is not None and revision.user_id == user.pk


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
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, but never what they submitted themselves")

    class Meta:
        verbose_name = _("review by another person")
        verbose_name_plural = _("reviews by another person")
