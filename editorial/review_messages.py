"""A message for the reviewer after approving or requesting changes in Wagtail's workflow.

Wagtail's workflow action view (the 批准 / 请求修改 buttons of the dashboard, posted by its
workflow-action.js) redirects without a word, so a reviewer could not tell that anything had
happened. Wagtail announces each decision with its `task_approved` / `task_rejected` signals, which
carry the task state but not the request: `RememberRequestMiddleware` keeps the request at hand for
the signal's receiver, which then uses Wagtail's own admin messages; Wagtail's views stay as
they are.
"""

from contextvars import ContextVar

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from wagtail.admin import messages
from wagtail.models import WorkflowState
from wagtail.signals import task_approved, task_rejected

_current_request = ContextVar("editorial_current_request", default=None)


class RememberRequestMiddleware:
    """Keeps the admin request being answered where the workflow signals' receivers find it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _admin_request():
    """The admin request being answered; None in a shell, a command, or on the public site."""
    request = _current_request.get()
    if request is None or not request.path.startswith(reverse("wagtailadmin_home")):
        return None
    if request.resolver_match and request.resolver_match.url_name == "wagtail_bulk_action":
        return None  # a bulk action reports its own count, not one message per item
    return request


def _title(task_state):
    return str(task_state.workflow_state.content_object)


@receiver(task_approved, dispatch_uid="editorial.approved_message")
def tell_the_reviewer_it_is_approved(sender, instance, user, **kwargs):
    request = _admin_request()
    if request is None:
        return
    workflow_state = instance.workflow_state
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        text = _("“%(title)s” is approved and published.")
    else:
        text = _("“%(title)s” is approved and goes on to the next review step.")
    messages.success(request, text % {"title": _title(instance)})


@receiver(task_rejected, dispatch_uid="editorial.rejected_message")
def tell_the_reviewer_changes_are_requested(sender, instance, user, **kwargs):
    request = _admin_request()
    if request is None:
        return
    text = _(
        "Changes requested for “%(title)s”: it goes back to its editor, and stays unpublished."
    )
    messages.success(request, text % {"title": _title(instance)})
