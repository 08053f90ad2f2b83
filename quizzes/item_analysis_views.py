"""The question-bank statistics page and the dashboard panel of questions to review."""

from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import item_analysis
from .admin_views import PermissionRequired

PERMISSION = "quizzes.change_question"
PANEL_LIMIT = 10


class ItemAnalysisView(PermissionRequired, WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/item_analysis.html"
    page_title = gettext_lazy("Question statistics")
    header_icon = "table"
    permission = PERMISSION

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            items=item_analysis.analyse(), min_answers=item_analysis.min_answers(), **kwargs
        )


class FlaggedQuestionsPanel(Component):
    name = "flagged_questions"
    order = 150
    template_name = "quizzes/admin/flagged_panel.html"

    def __init__(self, items):
        self.items = items

    def get_context_data(self, parent_context=None):
        return {"items": self.items[:PANEL_LIMIT], "more": len(self.items) > PANEL_LIMIT}


def homepage_panel(request, panels):
    if not request.user.has_perm(PERMISSION):
        return
    items = item_analysis.flagged()
    if items:
        panels.append(FlaggedQuestionsPanel(items))
