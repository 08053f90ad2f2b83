"""The quiz editor's read-out of what the draw can give: each rule's pool, shortfalls, total."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import Panel

from .draw_plan import plan_for_quiz
from .forms import rule_shortage_message
from .models import Difficulty, Question, QuestionTag
from .pool_views import pool_text


class DrawPlanPanel(Panel):
    """Shows, as of the last save (or the form just posted), how many questions each rule has."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("What each attempt gets"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "quizzes/admin/panels/draw_plan.html"

        # Here, not on RulePoolPanel: Wagtail gathers media from top-level panels only.
        class Media:
            js = ["js/quiz-draw-pool.js"]

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            # A posted form that was refused already worked the plan out from what was typed.
            plan = getattr(self.form, "draw_plan", None) or plan_for_quiz(self.instance)
            tags = QuestionTag.objects.in_bulk([rule.tag_id for rule in plan.rules])
            difficulties = dict(Difficulty.choices)
            context["plan"] = plan
            context["rules"] = [
                {
                    "plan": rule,
                    "label": " · ".join(
                        str(part)
                        for part in (tags.get(rule.tag_id, "—"), difficulties.get(rule.difficulty))
                        if part
                    ),
                    "shortage": rule_shortage_message(rule) if rule.short else "",
                }
                for rule in plan.rules
            ]
            context["not_drawable"] = list(
                Question.objects.filter(id__in=plan.fixed_not_drawable).only("id", "stem")
            )
            return context


class RulePoolPanel(Panel):
    """One draw rule's pool, under its fields; the editor's script recounts it on a change."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "quizzes/admin/panels/rule_pool.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            rule = self.instance
            size = None
            if rule is not None and rule.tag_id:
                size = Question.objects.pool(rule.tag_id, rule.difficulty).count()
            context.update(
                pool_text=pool_text(size) if size is not None else "",
                url=reverse("quizzes_rule_pool"),
            )
            return context
