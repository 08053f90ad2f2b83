"""批准发布 on the question listing: a reviewer approves a batch after reading it on one page."""

from django.shortcuts import get_list_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from . import review
from .models import Question


class ApproveBulkAction(SnippetBulkAction):
    display_name = pgettext_lazy("bulk action on questions", "Approve")
    action_type = "approve"
    aria_label = _("Approve the selected questions")
    template_name = "quizzes/admin/confirm_bulk_approve.html"
    action_priority = 20
    models = [Question]

    def check_perm(self, question):
        # Own submissions and questions not in review land under "items with no access".
        return review.may_approve(question, self.request.user)

    @classmethod
    def get_queryset(cls, model, object_ids):
        # ?id= comes from the address bar: an id that is not a number is a 404, not a 500.
        ids = [value for value in object_ids if str(value).isdigit()]
        return get_list_or_404(model.objects.prefetch_related("choices"), pk__in=ids)

    @classmethod
    def execute_action(cls, objects, **kwargs):
        result = review.approve_all(objects, kwargs["self"].request.user)
        return result.approved, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d question approved: it is drawn into new attempts from now on.",
            "%(count)d questions approved: they are drawn into new attempts from now on.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
