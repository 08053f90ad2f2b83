"""Editors' views in the Wagtail admin: question import (题库导入) and quiz statistics."""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from spreadsheets import writing

from . import importer, services, word_bank
from .forms import ImportUploadForm
from .models import AnswerChoice, Attempt, Question, QuestionImport, Quiz

SESSION_KEY = "quizzes_import"
PREVIEW_PROBLEM_ROWS = 200
# The sample banks offered on the import page (content/samples/), by the name in ?sample=.
SAMPLES = {
    "tidy": ("题库示例（整齐）.docx", "question-bank-tidy.docx"),
    "messy": ("题库示例（杂乱，含错误）.docx", "question-bank-messy.docx"),
}


def batch_listing_url(batch):
    """The question listing showing one import's questions, where the reviewer approves them."""
    return f"{reverse('wagtailsnippets_quizzes_question:list')}?imported_in={batch.pk}"


class PermissionRequired:
    """Editors' pages: a permission, and the page title as the last breadcrumb."""

    permission = ""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportView(PermissionRequired, WagtailAdminTemplateMixin, TemplateView):
    """Upload → preview (nothing saved) → confirm (valid rows saved in one transaction)."""

    permission = "quizzes.add_question"
    template_name = "quizzes/admin/import.html"
    page_title = gettext_lazy("Import questions")
    header_icon = "upload"

    def get(self, request, *args, **kwargs):
        if request.GET.get("template"):
            return writing.xlsx_response("question-bank-template.xlsx", importer.template_sheets())
        if request.GET.get("sample") in SAMPLES:
            name, file = SAMPLES[request.GET["sample"]]
            path = settings.BASE_DIR / "content" / "samples" / file
            return FileResponse(path.open("rb"), as_attachment=True, filename=name)
        return self.render_to_response(self.get_context_data(form=ImportUploadForm()))

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.confirm(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if form.extension in form.DOCUMENTS:
            preview = word_bank.read_bank(form.cleaned_data["file"])
        else:
            preview = importer.read_workbook(form.cleaned_data["file"])
        token = ""
        if preview.valid_rows:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token,
                "rows": [r.as_data() for r in preview.valid_rows],
                "file_name": form.cleaned_data["file"].name[:255],
            }
        return self.render_to_response(
            self.get_context_data(
                form=ImportUploadForm(),
                preview=preview,
                token=token,
                problem_rows=preview.problem_rows[:PREVIEW_PROBLEM_ROWS],
                hidden_problems=max(0, len(preview.problem_rows) - PREVIEW_PROBLEM_ROWS),
                valid_sample=preview.valid_rows[:PREVIEW_PROBLEM_ROWS],
            ),
            # A refused file is a bad request; a preview, even of rows with problems, is not.
            status=400 if preview.error else 200,
        )

    def confirm(self, request):
        stored = request.session.get(SESSION_KEY) or {}
        if not stored or stored.get("token") != request.POST.get("token"):
            messages.error(request, _("That preview has expired; upload the file again."))
            return redirect("quizzes_import")
        batch = QuestionImport.objects.create(
            file_name=stored.get("file_name", ""), imported_by=request.user
        )
        created = services.import_questions(stored["rows"], batch=batch)
        del request.session[SESSION_KEY]
        skipped = len(stored["rows"]) - created
        messages.success(
            request,
            _(
                "%(created)s questions imported as drafts and submitted for review; "
                "%(skipped)s already in the bank were skipped. None is drawn into an attempt "
                "before a reviewer approves it."
            )
            % {"created": created, "skipped": skipped},
            buttons=[
                messages.button(batch_listing_url(batch), _("See the batch"), new_window=False)
            ]
            if created
            else None,
        )
        return redirect("quizzes_import")


def quiz_statistics():
    """Per quiz: graded attempts, passes and mean score, in one query."""
    graded = Q(attempts__status=Attempt.Status.GRADED)
    return Quiz.objects.annotate(
        attempt_count=Count("attempts", filter=graded),
        pass_count=Count("attempts", filter=graded & Q(attempts__passed=True)),
        mean_score=Avg("attempts__score", filter=graded),
    ).order_by("title")


def question_statistics(quiz):
    """Per question of the quiz's graded attempts: answered, right, and picks per choice.

    Three aggregate queries and the questions with their choices; the hardest come first so a
    misleading question (a wrong choice picked more than the right one) stands out.
    """
    answers = (
        quiz.attempts.graded()
        .values("answers__question_id")
        .annotate(
            answered=Count("answers"),
            right=Count("answers", filter=Q(answers__is_correct=True)),
        )
    )
    counts = {row["answers__question_id"]: row for row in answers if row["answers__question_id"]}
    picks = dict(
        AnswerChoice.objects.filter(
            answer__attempt__quiz=quiz, answer__attempt__status=Attempt.Status.GRADED
        )
        .values("choice_id")
        .annotate(n=Count("id"))
        .values_list("choice_id", "n")
    )
    rows = []
    for question in Question.objects.filter(id__in=counts).prefetch_related("choices"):
        answered = counts[question.id]["answered"]
        right = counts[question.id]["right"]
        choices = [(c, picks.get(c.id, 0)) for c in question.choices.all()]
        most_picked_right = max((n for c, n in choices if c.is_correct), default=0) >= max(
            (n for c, n in choices if not c.is_correct), default=0
        )
        rows.append(
            {
                "question": question,
                "answered": answered,
                "right": right,
                "rate": round(right * 100 / answered) if answered else None,
                "choices": [
                    (c, n, round(n * 100 / answered) if answered else 0) for c, n in choices
                ],
                "suspect": answered > 0 and not most_picked_right,
            }
        )
    rows.sort(key=lambda r: (r["rate"] if r["rate"] is not None else 101, r["question"].id))
    return rows


def _unwrapped(instance):
    """request.user is a lazy proxy (twice, with django-otp); Wagtail's log registry looks the
    log model up by the object's real type, and silently logs nothing for a proxy."""
    while isinstance(instance, SimpleLazyObject):
        instance.pk  # noqa: B018 - evaluates the proxy
        instance = instance._wrapped
    return instance


def _log_export(user, instance, what):
    """Exports are audited through Wagtail's log: courses files quizzes in the audit log."""
    instance = _unwrapped(instance)
    log(
        instance=instance,
        action="firesafety.export.download",
        user=user,
        data={"what": what, "format": "xlsx", "scope": str(instance)},
    )


def _rate(part, whole):
    return round(part * 100 / whole) if whole else None


class StatisticsView(PermissionRequired, WagtailAdminTemplateMixin, TemplateView):
    """Attempts, pass rate and mean score of every quiz; Excel export."""

    permission = "quizzes.change_quiz"
    template_name = "quizzes/admin/statistics.html"
    page_title = gettext_lazy("Quiz statistics")
    header_icon = "table"

    def get(self, request, *args, **kwargs):
        quizzes = list(quiz_statistics())
        for quiz in quizzes:
            quiz.pass_rate = _rate(quiz.pass_count, quiz.attempt_count)
        if request.GET.get("export") == "xlsx":
            # No single quiz: the entry is filed on the editor's own account.
            _log_export(request.user, request.user, "quizzes.statistics")
            return writing.xlsx_response("quiz-statistics.xlsx", self.sheets(quizzes))
        return self.render_to_response(self.get_context_data(quizzes=quizzes))

    def sheets(self, quizzes):
        header = [_("Quiz"), _("Attempts"), _("Pass rate (%)"), _("Mean score")]
        rows = [
            [
                quiz.title,
                quiz.attempt_count,
                quiz.pass_rate,
                round(quiz.mean_score, 1) if quiz.mean_score is not None else None,
            ]
            for quiz in quizzes
        ]
        return [(_("Quizzes"), [header, *rows], writing.Layout(bold_rows=frozenset({0})))]


class QuizStatisticsView(PermissionRequired, WagtailAdminTemplateMixin, TemplateView):
    """One quiz's questions: how often right, how often each choice was picked."""

    permission = "quizzes.change_quiz"
    template_name = "quizzes/admin/quiz_statistics.html"
    header_icon = "table"

    def get(self, request, pk, *args, **kwargs):
        self.quiz = quiz = get_object_or_404(quiz_statistics(), pk=pk)
        quiz.pass_rate = _rate(quiz.pass_count, quiz.attempt_count)
        rows = question_statistics(quiz)
        if request.GET.get("export") == "xlsx":
            _log_export(request.user, quiz, "quizzes.quiz_statistics")
            return writing.xlsx_response(
                f"quiz-{quiz.slug}-statistics.xlsx", self.sheets(quiz, rows)
            )
        return self.render_to_response(
            self.get_context_data(
                quiz=quiz,
                rows=rows,
                index_url=reverse("quizzes_statistics"),
            )
        )

    def get_page_title(self):
        return self.quiz.title

    def sheets(self, quiz, rows):
        header = [
            _("Question"),
            _("Answered"),
            _("Right"),
            _("Right (%)"),
            _("Choice"),
            _("Right answer"),
            _("Picked"),
            _("Picked (%)"),
        ]
        lines = [
            [
                row["question"].stem,
                row["answered"],
                row["right"],
                row["rate"],
                choice.text,
                "✔" if choice.is_correct else "",
                picked,
                share,
            ]
            for row in rows
            for choice, picked, share in row["choices"]
        ]
        return [(_("Questions"), [header, *lines], writing.Layout(bold_rows=frozenset({0})))]
