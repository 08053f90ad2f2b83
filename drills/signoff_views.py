"""The instructor's skills sign-off pages, made for a phone at the venue.

A session's instructors sign off; coordinators of the organisation that runs it see the same
pages read-only; anybody else gets 404. Views read and call drills.signoffs.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from idempotency.submits import submit_once

from . import signoffs
from .signoff_forms import SignOffForm


def _session_or_404(user, session_id):
    return get_object_or_404(
        signoffs.viewable_sessions(user).select_related("lesson", "organisation"), pk=session_id
    )


@login_required
def roster(request, session_id):
    """The people who checked in, each with how far their sign-off has come."""
    session = _session_or_404(request.user, session_id)
    lesson = session.lesson
    checklist = lesson.skill_checklist()
    enrolments = list(signoffs.checked_in_roster(session))
    verdicts = signoffs.latest_verdicts(lesson, [e.user_id for e in enrolments])
    rows = [
        {"enrolment": e, "state": signoffs.person_state(checklist, verdicts[e.user_id])}
        for e in enrolments
    ]
    context = {
        "session": session,
        "lesson": lesson,
        "checklist": checklist,
        "rows": rows,
        "instructor": signoffs.is_instructor(request.user, session),
    }
    return render(request, "drills/signoff_roster.html", context)


def _person_page(request, session, enrolment, form=None, refused=None, status=200):
    lesson = session.lesson
    checklist = lesson.skill_checklist()
    verdicts = signoffs.latest_verdicts(lesson, [enrolment.user_id])[enrolment.user_id]
    instructor = signoffs.is_instructor(request.user, session)
    if refused is None and instructor:
        refused = signoffs.refusal(request.user, enrolment)
    if form is None and instructor and not refused:
        form = SignOffForm(checklist=checklist, current=verdicts)
    history = enrolment.user.skill_signoffs.filter(lesson=lesson).select_related("signed_by")
    context = {
        "session": session,
        "lesson": lesson,
        "enrolment": enrolment,
        "person": enrolment.user,
        "state": signoffs.person_state(checklist, verdicts),
        "form": form,
        "instructor": instructor,
        "refused": refused,
        "history": history[:100],
        "next_sessions_url": signoffs.next_sessions_url(),
    }
    return render(request, "drills/signoff_person.html", context, status=status)


@login_required
@submit_once("drills.signoff")
def person(request, session_id, enrolment_id):
    """One person's skills: the instructor marks each 达标 / 未达标 with a note."""
    session = _session_or_404(request.user, session_id)
    enrolment = get_object_or_404(session.enrolments.select_related("user"), pk=enrolment_id)
    enrolment.session = session
    if request.method != "POST":
        return _person_page(request, session, enrolment)
    if not signoffs.is_instructor(request.user, session):
        # Coordinators read; only an instructor's POST does anything.
        return _person_page(request, session, enrolment, status=403)
    refused = signoffs.refusal(request.user, enrolment)
    if refused:
        return _person_page(request, session, enrolment, refused=refused, status=400)
    form = SignOffForm(request.POST, checklist=session.lesson.skill_checklist())
    if not form.is_valid():
        return _person_page(request, session, enrolment, form=form, status=400)
    try:
        result = signoffs.sign_off(request.user, enrolment, form.results())
    except signoffs.SignOffRefused as error:
        return _person_page(
            request, session, enrolment, refused=" ".join(error.messages), status=400
        )
    name = enrolment.user.name or enrolment.user.username
    if result.completed_now:
        messages.success(
            request, _("%(name)s passed every skill: the lesson is complete.") % {"name": name}
        )
    elif result.state.failed:
        messages.warning(
            request,
            _("Saved. %(name)s has skills not passed and is offered the next session.")
            % {"name": name},
        )
    else:
        messages.success(request, _("Saved: %(name)s") % {"name": name})
    return redirect("drills:signoff_roster", session.pk)
