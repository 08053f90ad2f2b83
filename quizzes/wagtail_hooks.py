import django_filters

from django.contrib import messages
from django.db.models import Q
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import InlinePanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column, LiveStatusTagColumn
from wagtail.admin.widgets import ListingButton
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from editorial.reviewed import ReviewedEditingMixin

from . import item_analysis_views, pool_views, question_history_views, regrading
from .admin_views import ImportView, QuizStatisticsView, StatisticsView
from .bulk_approve import ApproveBulkAction
from .draw_plan import plan_for_quiz
from .forms import QuestionAdminForm, QuizAdminForm
from .models import DrawRule, Question, QuestionImport, QuestionTag, Quiz
from .panels import DrawPlanPanel, RulePoolPanel

MENU_HOOK = "register_quizzes_menu_item"


class QuestionFilterSet(WagtailFilterSet):
    tag = django_filters.ModelChoiceFilter(
        label=_("topic"),
        field_name="tagged_items__tag",
        queryset=QuestionTag.objects.order_by("name"),
    )
    review = django_filters.ChoiceFilter(
        label=pgettext_lazy("editorial", "review"),
        choices=[
            ("waiting", _("waiting for review")),
            ("draft", _("draft, not submitted")),
            ("live", _("approved (live)")),
        ],
        method="filter_review",
    )
    imported_in = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("question bank", "import"), queryset=QuestionImport.objects.all()
    )

    class Meta:
        model = Question
        fields = ["kind", "difficulty", "active"]

    def filter_review(self, queryset, name, value):
        waiting = Q(workflow_states__status=WorkflowState.STATUS_IN_PROGRESS)
        if value == "waiting":
            return queryset.filter(waiting).distinct()
        if value == "draft":
            return queryset.filter(live=False).exclude(waiting).distinct()
        return queryset.filter(live=True)


class QuestionCreateView(ReviewedEditingMixin, snippet_views.CreateView):
    pass


class QuestionEditView(ReviewedEditingMixin, snippet_views.EditView):
    pass


class QuestionViewSet(SnippetViewSet):
    model = Question
    # 审核后发布: a question goes live only by another person's approval.
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    icon = "help"
    menu_label = _("Question bank")
    menu_hook = MENU_HOOK
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionAdminForm)
    list_display = [
        "__str__",
        "kind",
        "difficulty",
        BooleanColumn("active", label=pgettext_lazy("enabled", "active")),
        LiveStatusTagColumn(),
        "updated_at",
    ]
    filterset_class = QuestionFilterSet
    search_fields = ["stem", "explanation"]
    list_per_page = 50


class QuestionTagViewSet(SnippetViewSet):
    model = QuestionTag
    icon = "tag"
    menu_label = _("Question topics")
    menu_hook = MENU_HOOK
    list_display = ["name", "slug"]
    search_fields = ["name"]


def _quiz_panels():
    """The model's panels with each rule's pool under it and the draw read-out after them."""
    panels = []
    for panel in Quiz.panels:
        if isinstance(panel, InlinePanel) and panel.relation_name == "draw_rules":
            rule_panels = [*DrawRule.panels, RulePoolPanel()]
            panels += [
                InlinePanel("draw_rules", label=panel.label, panels=rule_panels),
                DrawPlanPanel(),
            ]
        else:
            panels.append(panel)
    return panels


class QuizCreateView(ReviewedEditingMixin, snippet_views.CreateView):
    pass


class QuizEditView(ReviewedEditingMixin, snippet_views.EditView):
    pass


class QuizViewSet(SnippetViewSet):
    model = Quiz
    add_view_class = QuizCreateView
    edit_view_class = QuizEditView
    icon = "form"
    menu_label = _("Quizzes")
    menu_hook = MENU_HOOK
    edit_handler = ObjectList(_quiz_panels(), base_form_class=QuizAdminForm)
    list_display = [
        "title",
        Column("slug", label=pgettext_lazy("url", "slug")),
        "pass_mark",
        "time_limit_minutes",
        BooleanColumn("active", label=_("open")),
        LiveStatusTagColumn(),
    ]
    list_filter = ["active", "review_policy"]
    search_fields = ["title", "slug"]


class QuizzesGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, QuestionTagViewSet, QuizViewSet)
    menu_icon = "help"
    menu_label = _("Quizzes")
    menu_name = "quizzes"
    menu_order = 250
    submenu_hook = MENU_HOOK


register_snippet(QuizzesGroup)


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def quizzes_admin_urls():
    return [
        path("quizzes/import/", ImportView.as_view(), name="quizzes_import"),
        path("quizzes/rule-pool/", pool_views.rule_pool, name="quizzes_rule_pool"),
        path(
            "quizzes/statistics/questions/",
            item_analysis_views.ItemAnalysisView.as_view(),
            name="quizzes_item_analysis",
        ),
        path("quizzes/statistics/", StatisticsView.as_view(), name="quizzes_statistics"),
        path(
            "quizzes/statistics/<id:pk>/",
            QuizStatisticsView.as_view(),
            name="quizzes_quiz_statistics",
        ),
        path(
            "quizzes/questions/<id:pk>/retire/",
            question_history_views.RetireView.as_view(),
            name="quizzes_question_retire",
        ),
        path(
            "quizzes/questions/<id:pk>/regrade/",
            question_history_views.RegradeView.as_view(),
            name="quizzes_question_regrade",
        ),
    ]


hooks.register("register_bulk_action", ApproveBulkAction)

# Deleting an answered question is refused with a page offering to retire it, for the delete
# view and the listing's bulk delete alike (both run this hook before anything is deleted).
hooks.register("before_delete_snippet", question_history_views.refuse_deleting_questions_in_use)


@hooks.register("register_snippet_listing_buttons")
def regrade_listing_button(snippet, user, next_url=None):
    if isinstance(snippet, Question) and user.has_perm("quizzes.regrade_attempt"):
        yield ListingButton(
            _("Re-grade"),
            reverse("quizzes_question_regrade", args=[snippet.pk]),
            icon_name="resubmit",
            priority=60,
        )


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def warn_of_quiz_without_questions(request, instance):
    # Saved all the same: an editor may build a quiz before its questions are approved.
    if isinstance(instance, Quiz) and plan_for_quiz(instance).is_empty:
        messages.warning(
            request,
            _(
                "This quiz has no questions a learner can get: add fixed questions or a draw "
                "rule whose topic has approved questions. Learners cannot start it until then."
            ),
        )


@hooks.register("register_log_actions")
def register_quiz_log_actions(actions):
    actions.register_action(
        regrading.ACTION, _("Re-grade attempts"), _("Re-graded attempts after a key fix")
    )
    actions.register_action(
        question_history_views.RETIRE_ACTION, _("Retire question"), _("Retired a question")
    )


@hooks.register(MENU_HOOK)
def import_menu_item():
    return PermissionMenuItem(
        _("Import questions"),
        reverse("quizzes_import"),
        icon_name="upload",
        order=900,
        permission="quizzes.add_question",
    )


@hooks.register(MENU_HOOK)
def statistics_menu_item():
    return PermissionMenuItem(
        _("Quiz statistics"),
        reverse("quizzes_statistics"),
        icon_name="table",
        order=910,
        permission="quizzes.change_quiz",
    )


@hooks.register(MENU_HOOK)
def item_analysis_menu_item():
    return PermissionMenuItem(
        _("Question statistics"),
        reverse("quizzes_item_analysis"),
        icon_name="table",
        order=920,
        permission=item_analysis_views.PERMISSION,
    )


hooks.register("construct_homepage_panels", item_analysis_views.homepage_panel)
