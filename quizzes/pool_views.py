"""The quiz editor's live pool read-out: how many questions a draw rule's topic has."""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .models import Difficulty, Question, QuestionTag

EDITOR_PERMISSIONS = ("quizzes.add_quiz", "quizzes.change_quiz")


def pool_text(size):
    return _("Pool: %(count)s approved questions") % {"count": size}


def rule_pool(request):
    """GET ?tag=<id>&difficulty=<1-3 or empty> → {"pool": size, "text": …}, for quiz editors."""
    if not any(request.user.has_perm(p) for p in EDITOR_PERMISSIONS):
        return JsonResponse({"error": _("You may not build quizzes.")}, status=403)
    tag = request.GET.get("tag", "")
    difficulty = request.GET.get("difficulty", "")
    if not (tag.isascii() and tag.isdigit() and len(tag) <= 18):
        return JsonResponse({"error": _("Choose a topic.")}, status=400)
    if difficulty and difficulty not in {str(value) for value in Difficulty.values}:
        return JsonResponse({"error": _("Choose a difficulty from the list.")}, status=400)
    if not QuestionTag.objects.filter(pk=int(tag)).exists():
        return JsonResponse({"error": _("That topic does not exist.")}, status=404)
    size = Question.objects.pool(int(tag), int(difficulty) if difficulty else None).count()
    return JsonResponse({"pool": size, "text": pool_text(size)})
