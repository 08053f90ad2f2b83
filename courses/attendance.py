"""Practical lessons (实操培训) are completed when a coordinator records who attended."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from idempotency.submits import submit_once
from organisations.models import Membership
from organisations.scope import (
    get_visible_organisation_or_404,
    is_coordinator,
    visible_organisations,
)

from . import services
from .models import LessonPage


@login_required
def practical_lessons(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only coordinators can record attendance."))
    lessons = LessonPage.objects.live().filter(kind=LessonPage.Kind.PRACTICAL).order_by("path")
    return render(request, "courses/manage/attendance_lessons.html", {"lessons": lessons})


@login_required
@submit_once("courses.attendance")
def attendance(request, lesson_id):
    """Tick the members of one organisation in scope who attended the practical session."""
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only coordinators can record attendance."))
    lesson = get_object_or_404(
        LessonPage.objects.live(), pk=lesson_id, kind=LessonPage.Kind.PRACTICAL
    )
    organisations = visible_organisations(request.user).order_by("path")
    organisation = None
    members = []
    if request.GET.get("organisation") or request.POST.get("organisation"):
        organisation = get_visible_organisation_or_404(
            request.user, request.POST.get("organisation") or request.GET.get("organisation")
        )
        members = list(
            Membership.objects.current()
            .filter(organisation=organisation, user__is_active=True)
            .select_related("user")
            .order_by("user__name")
        )
    if request.method == "POST" and organisation is not None:
        allowed = {membership.user_id: membership.user for membership in members}
        try:
            chosen = {int(value) for value in request.POST.getlist("person")}
        except ValueError as bad:
            raise Http404 from bad
        if not chosen <= set(allowed):
            raise Http404
        if not chosen:
            messages.warning(request, _("Tick the people who attended."))
            return redirect(f"{request.path}?organisation={organisation.pk}")
        try:
            count = services.record_attendance(
                request.user, lesson, [allowed[pk] for pk in sorted(chosen)], organisation
            )
        except PermissionDenied as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, _("Attendance recorded for %(count)s people.") % {"count": count}
            )
            return redirect(f"{request.path}?organisation={organisation.pk}")
    context = {
        "lesson": lesson,
        "course": lesson.get_parent().specific,
        "organisations": organisations[:500],
        "organisation": organisation,
        "members": members,
    }
    return render(request, "courses/manage/attendance.html", context)
