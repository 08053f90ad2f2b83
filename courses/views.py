import json

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Notice
from idempotency.submits import submit_once
from organisations.scope import is_coordinator, visible_organisations

from . import services
from .certificates import render_certificate_pdf
from .forms import TrainingRequirementForm
from .models import Certificate, CoursePage, LessonPage, TrainingRequirement
from .progress import course_progress_for, my_learning


@login_required
def learn(request):
    """我的学习: required courses by due date, courses in progress, certificates, suggestions."""
    context = my_learning(request.user)
    # Read only when the header's figures (one query every page makes) count unread messages.
    context["notices"] = Notice.objects.filter(user=request.user, read_at__isnull=True).order_by(
        "-created_at"
    )[:5]
    return render(request, "courses/learn.html", context)


def _open_lesson_or_404(user, lesson_id, kinds):
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id, kind__in=kinds)
    course = CoursePage.objects.live().filter(pk=lesson.get_parent().pk).first()
    if course is None or not course.is_open_to(user):
        raise Http404
    return lesson, course


@login_required
@require_POST
def start_course(request, course_id):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    services.start_course(request.user, course)
    next_lesson = course_progress_for(request.user, course)["next_lesson"]
    return redirect(next_lesson.url if next_lesson else course.url)


@login_required
@require_POST
def complete_lesson(request, lesson_id):
    lesson, course = _open_lesson_or_404(request.user, lesson_id, [LessonPage.Kind.READING])
    enrolment = services.complete_lesson(request.user, lesson)
    if enrolment.completed_at:
        messages.success(request, _("Well done: you have completed this course."))
        return redirect(course.url)
    next_lesson = course_progress_for(request.user, course)["next_lesson"]
    return redirect(next_lesson.url if next_lesson else course.url)


@login_required
@require_POST
def video_progress(request, lesson_id):
    """The player's report of what it played since the last report."""
    lesson, _course = _open_lesson_or_404(request.user, lesson_id, [LessonPage.Kind.VIDEO])
    try:
        # RecursionError: json.loads of deeply nested brackets ("[[[[…") would end in a 500.
        data = json.loads(request.body or b"{}")
        start, end, position = float(data["start"]), float(data["end"]), float(data["position"])
    except (ValueError, KeyError, TypeError, RecursionError):
        return JsonResponse({"error": _("Malformed progress report.")}, status=400)
    progress = services.record_video_progress(request.user, lesson, start, end, position)
    return JsonResponse(
        {
            "watched": round(progress.watched_seconds(), 1),
            "duration": lesson.video_duration_seconds,
            "position": progress.video_position,
            "completed": progress.completed_at is not None,
        }
    )


@login_required
def certificate_pdf(request, code):
    certificates = Certificate.objects.all()
    if not request.user.is_superuser:
        certificates = certificates.filter(user=request.user)
    certificate = get_object_or_404(certificates, code=code)
    verify_url = request.build_absolute_uri(reverse("courses:verify", args=[certificate.code]))
    response = HttpResponse(
        render_certificate_pdf(certificate, verify_url, issuer=_issuer(request)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


def _issuer(request):
    # The organiser lives in the home app's footer setting; home sits above courses in the
    # import layering, so the model is looked up by name rather than imported.
    footer = apps.get_model("home", "FooterSettings")
    return footer.for_request(request).organiser


def _normal_code(code):
    return code.strip().upper()[:20]


def verify_form(request):
    """A box to type a code; a code goes to its own verification page, a blank one says so."""
    code = _normal_code(request.GET.get("code", ""))
    if code.isascii() and code.isalnum():
        return redirect("courses:verify", code=code)
    if code:  # No certificate code has other characters; "/" would not even make a URL.
        return verify_certificate(request, code)
    blank = "code" in request.GET
    return render(
        request,
        "courses/certificate_verify.html",
        {"ask": True, "blank": blank, "code": ""},
        status=400 if blank else 200,
    )


def verify_certificate(request, code):
    """Public check of a certificate by its code: masked name, course, dates, status."""
    certificate = Certificate.objects.filter(code=_normal_code(code)).first() if code else None
    return render(
        request,
        "courses/certificate_verify.html",
        {"certificate": certificate, "code": code},
        status=200 if certificate else 404,
    )


def _coordinator_or_403(user):
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators can manage training requirements."))


@login_required
def requirement_list(request):
    _coordinator_or_403(request.user)
    requirements = (
        TrainingRequirement.objects.filter(organisation__in=visible_organisations(request.user))
        .select_related("course", "organisation")
        .order_by("due_date")
    )
    return render(request, "courses/manage/requirements.html", {"requirements": requirements})


@login_required
@submit_once("courses.requirement_create")
def requirement_create(request):
    _coordinator_or_403(request.user)
    form = TrainingRequirementForm(
        request.POST or None, organisations=visible_organisations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        requirement = form.save(commit=False)
        requirement.created_by = request.user
        requirement.save()
        messages.success(request, _("The requirement has been saved."))
        return redirect("courses:requirements")
    return render(request, "courses/manage/requirement_form.html", {"form": form})
