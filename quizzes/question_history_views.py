"""Editors' views that keep learners' records whole: retire a question, re-grade after a fix.

A question someone has answered is never deleted (the answers point at it, PROTECT); the
delete page explains that and offers to retire it (停用) instead. A fixed key changes no old
grade by itself; re-grading is this explicit, permission-checked and audited action.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from . import regrading
from .admin_views import PermissionRequired
from .models import Answer, Question

RETIRE_ACTION = "firesafety.quiz.retire"
# The preview and the result list this many attempts; the counts are always complete.
LISTED_ATTEMPTS = 500


def questions_url():
    return reverse("wagtailsnippets_quizzes_question:list")


def refuse_deleting_questions_in_use(request, questions):
    """The before_delete_snippet hook: an answered question is retired instead (never a 500)."""
    questions = [q for q in questions if isinstance(q, Question)]
    if not questions:
        return None
    answered = set(
        Answer.objects.filter(question__in=questions).values_list("question_id", flat=True)
    )
    in_use = [q for q in questions if q.pk in answered]
    if not in_use:
        return None
    return TemplateResponse(
        request,
        "quizzes/admin/delete_refused.html",
        {
            "questions": in_use,
            "can_retire": request.user.has_perm("quizzes.change_question"),
            "index_url": questions_url(),
            "page_title": _("This question cannot be deleted"),
            "header_icon": "warning",
        },
        status=409 if request.method == "POST" else 200,
    )


class RetireView(PermissionRequired, View):
    """POST: mark the question inactive, so it is never drawn again; its answers stay."""

    permission = "quizzes.change_question"
    http_method_names = ["post"]

    def post(self, request, pk):
        question = get_object_or_404(Question, pk=pk)
        if question.active:
            question.active = False
            question.save(update_fields=["active", "updated_at"])
            log(instance=question, action=RETIRE_ACTION, user=request.user)
        messages.success(
            request,
            _("“%(question)s” is retired: it is no longer drawn, and past answers stay.")
            % {"question": question},
        )
        return redirect(questions_url())


class RegradeView(PermissionRequired, WagtailAdminTemplateMixin, TemplateView):
    """GET: which graded attempts the current key would change; POST: apply it, list them."""

    permission = "quizzes.regrade_attempt"
    template_name = "quizzes/admin/regrade.html"
    page_title = gettext_lazy("Re-grade after a key fix")
    header_icon = "resubmit"
    breadcrumbs_items = []

    @cached_property
    def question(self):
        # Looked up after the permission check, so ids say nothing to those without it.
        return get_object_or_404(Question, pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.question)

    def get(self, request, *args, **kwargs):
        return self.render(regrading.plan_regrade(self.question), applied=False)

    def post(self, request, *args, **kwargs):
        if self.question.has_unpublished_changes:
            # The row holds the approved key; a fix still in review must be approved first, or
            # the re-grade would apply the very key the editor is correcting.
            messages.error(
                request,
                _("A change to this question waits for review: re-grade once it is approved."),
            )
            response = self.render(regrading.plan_regrade(self.question), applied=False)
            response.status_code = 409
            return response
        plan = regrading.regrade_question(self.question, request.user)
        changed = sum(1 for item in plan if item.changed)
        messages.success(
            request,
            _("Re-graded: %(changed)s attempts changed their grade.") % {"changed": changed},
        )
        return self.render(plan, applied=True)

    def render(self, plan, applied):
        changed = [item for item in plan if item.changed]
        return self.render_to_response(
            self.get_context_data(
                question=self.question,
                key=[c for c in self.question.choices.all() if c.is_correct],
                applied=applied,
                pending_change=self.question.has_unpublished_changes,
                changed=changed[:LISTED_ATTEMPTS],
                changed_count=len(changed),
                hidden_count=max(0, len(changed) - LISTED_ATTEMPTS),
                rekeyed_only=len(plan) - len(changed),
                lost_pass=sum(1 for item in changed if item.old_passed and not item.new_passed),
                edit_url=reverse("wagtailsnippets_quizzes_question:edit", args=[self.question.pk]),
            )
        )
