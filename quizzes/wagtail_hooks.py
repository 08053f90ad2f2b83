import django_filters

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import ImportView, QuizStatisticsView, StatisticsView
from .forms import QuestionAdminForm
from .models import Question, QuestionTag, Quiz

MENU_HOOK = "register_quizzes_menu_item"


class QuestionFilterSet(WagtailFilterSet):
    tag = django_filters.ModelChoiceFilter(
        label=_("topic"),
        field_name="tagged_items__tag",
        queryset=QuestionTag.objects.order_by("name"),
    )

    class Meta:
        model = Question
        fields = ["kind", "difficulty", "active"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_hook = MENU_HOOK
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionAdminForm)
    list_display = ["__str__", "kind", "difficulty", "active", "updated_at"]
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


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "form"
    menu_label = _("Quizzes")
    menu_hook = MENU_HOOK
    list_display = [
        "title",
        Column("slug", label=pgettext_lazy("url", "slug")),
        "pass_mark",
        "time_limit_minutes",
        "active",
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
        path("quizzes/statistics/", StatisticsView.as_view(), name="quizzes_statistics"),
        path(
            "quizzes/statistics/<int:pk>/",
            QuizStatisticsView.as_view(),
            name="quizzes_quiz_statistics",
        ),
    ]


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
