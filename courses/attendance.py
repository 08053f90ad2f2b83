"""Practical lessons (实操培训) are completed when a coordinator records who attended."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organisations import audit
from organisations.models import Membership
from organisations.scope import (
    get_visible_organisation_or_404,
    is_coordinator,
    visible_organisations,
)

from . import services
from .models import LessonPage


def record_attendance(lesson, users, *, actor=None, organisation=None):
    """Complete a practical lesson for each attendee, all or nothing; one audit entry each."""
    with transaction.atomic():
        for user in users:
            services.complete_lesson(user, lesson)
        audit.record_many(
            actor,
            "firesafety.attendance.record",
            users,
            organisation=organisation,
            data={"lesson": lesson.title, "lesson_id": lesson.pk},
        )
    return len(users)


@login_required
def practical_lessons(request):
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only coordinators can record attendance."))
    lessons = LessonPage.objects.live().filter(kind=LessonPage.Kind.PRACTICAL).order_by("path")
    return render(request, "courses/manage/attendance_lessons.html", {"lessons": lessons})


@login_required
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
        else:
            count = record_attendance(
                lesson,
                [allowed[pk] for pk in sorted(chosen)],
                actor=request.user,
                organisation=organisation,
            )
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
