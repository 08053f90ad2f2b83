"""The skills sign-off (技能考核): who may sign off whom, the verdicts, and what follows from them.

An instructor of a session marks each skill of the lesson's checklist 达标 or 未达标 for a person
who checked in. Verdicts are appended (the latest per person and skill counts, across sessions of
the lesson, so a re-test at the next session need only cover what failed). When every skill of the
checklist is 达标 the lesson is completed through courses.services.record_attendance, as a
coordinator's attendance list completes it, so requirements, certificates and reports follow; a
未达标 sends the person a message offering the next session.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notice
from courses.access import user_may_take_course
from courses.services import record_attendance
from organisations import audit
from organisations.scope import visible_organisations

from .models import Enrolment, SkillSignOff, TrainingSession
from .models.signoffs import NOTE_LENGTH

CHECKED_IN = (Enrolment.Attendance.PRESENT, Enrolment.Attendance.LATE)


class SignOffRefused(ValidationError):
    """A sign-off the rules do not allow; its message says why, in the person's language."""


def next_sessions_url():
    """Where a person who did not pass every skill finds the next session."""
    return reverse("drills:mine")


# Who -------------------------------------------------------------------------------------------


def is_instructor(user, session):
    return user.is_authenticated and session.instructors.filter(pk=user.pk).exists()


def viewable_sessions(user):
    """Sessions whose sign-off pages the user may open: as an instructor, or as a coordinator
    of the organisation that runs it (read-only)."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(
        Q(instructors=user) | Q(organisation__in=visible_organisations(user).values("pk"))
    ).distinct()


def checked_in_roster(session):
    """The enrolments of people who checked in (present or late), by name."""
    return (
        session.enrolments.filter(state=Enrolment.State.CONFIRMED, attendance__in=CHECKED_IN)
        .select_related("user")
        .order_by("user__name", "pk")
    )


def is_checked_in(enrolment):
    return enrolment.state == Enrolment.State.CONFIRMED and enrolment.attendance in CHECKED_IN


def refusal(instructor, enrolment, now=None):
    """Why this instructor may not sign this person off now, or None if they may."""
    now = now or timezone.now()
    session = enrolment.session
    if not is_instructor(instructor, session):
        return _("Only the session's instructors can sign off skills.")
    if session.cancelled_at is not None:
        return _("This session was cancelled.")
    if session.starts_at > now:
        return _("This session has not started yet: skills are signed off at the session.")
    if enrolment.user_id == instructor.pk:
        return _("You cannot sign off your own skills: another instructor signs them off.")
    if not is_checked_in(enrolment):
        return _(
            "%(name)s has not checked in to this session: only people present can be signed off."
        ) % {"name": enrolment.user.name or enrolment.user.username}
    lesson = session.lesson
    if not lesson.live:
        return _("The lesson of this session is not published.")
    if not lesson.skill_checklist():
        return _("This lesson has no skills checklist yet: an editor adds it in the admin.")
    if not user_may_take_course(enrolment.user, lesson.course):
        return _("%(name)s may not take this course.") % {
            "name": enrolment.user.name or enrolment.user.username
        }
    return None


# Reading ---------------------------------------------------------------------------------------


def latest_verdicts(lesson, user_ids):
    """{user id: {skill id: latest SkillSignOff}} for these people on this lesson (one query)."""
    latest = {user_id: {} for user_id in user_ids}
    rows = SkillSignOff.objects.filter(lesson=lesson, user_id__in=list(user_ids)).select_related(
        "signed_by"
    )
    for row in rows.order_by("user_id", "skill_id", "-signed_at", "-pk"):
        latest[row.user_id].setdefault(row.skill_id, row)
    return latest


@dataclass
class SkillState:
    skill_id: str
    title: str
    standard: str
    latest: SkillSignOff | None = None


@dataclass
class PersonState:
    """A person's verdicts against the lesson's current checklist."""

    skills: list = field(default_factory=list)

    @property
    def passed(self):
        return [s for s in self.skills if s.latest is not None and s.latest.passed]

    @property
    def failed(self):
        return [s for s in self.skills if s.latest is not None and not s.latest.passed]

    @property
    def complete(self):
        return bool(self.skills) and len(self.passed) == len(self.skills)

    @property
    def status(self):
        """complete, failed (some 未达标), started (some signed) or open (none yet)."""
        if self.complete:
            return "complete"
        if self.failed:
            return "failed"
        return "started" if self.passed else "open"


def person_state(checklist, verdicts):
    """PersonState of one person from the checklist and their {skill id: latest verdict}."""
    return PersonState(
        [
            SkillState(skill_id, title, standard, verdicts.get(skill_id))
            for skill_id, title, standard in checklist
        ]
    )


# Writing ---------------------------------------------------------------------------------------


@dataclass
class SignOffResult:
    rows: list
    state: PersonState
    completed_now: bool


def _checked_results(results, checklist):
    if not results:
        raise SignOffRefused(_("Mark at least one skill as passed or not passed."))
    known = {skill_id for skill_id, _title, _standard in checklist}
    checked = {}
    for skill_id, verdict in results.items():
        if skill_id not in known:
            raise SignOffRefused(_("This skill is not in the lesson's skills checklist."))
        passed, note = verdict
        if not isinstance(passed, bool):
            raise SignOffRefused(_("Mark each skill as passed or not passed."))
        note = (note or "").strip()
        if len(note) > NOTE_LENGTH:
            raise SignOffRefused(
                _("A note has at most %(count)s characters.") % {"count": NOTE_LENGTH}
            )
        checked[skill_id] = (passed, note)
    return checked


def sign_off(instructor, enrolment, results, now=None):
    """Record the instructor's verdicts on a checked-in person: results {skill id: (passed, note)}.

    Refused (SignOffRefused) for anyone but the session's instructors, for oneself, for a person
    not checked in, before the session starts, and for a skill not in the lesson's checklist.
    One transaction: the verdicts, their audit entry, and then either the lesson's completion
    (every skill 达标) or a message offering the next session (a 未达标 among them).
    """
    now = now or timezone.now()
    with transaction.atomic():
        # The roster row is the lock: two instructors signing the same person queue here. It is
        # taken alone, so the lesson page and the organisation rows are not locked with it.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        enrolment = Enrolment.objects.select_related(
            "user", "session__lesson", "session__organisation"
        ).get(pk=enrolment.pk)
        reason = refusal(instructor, enrolment, now)
        if reason:
            raise SignOffRefused(reason)
        session, lesson, person = enrolment.session, enrolment.session.lesson, enrolment.user
        checklist = lesson.skill_checklist()
        checked = _checked_results(results, checklist)
        before = person_state(checklist, latest_verdicts(lesson, [person.pk])[person.pk])
        titles = {skill_id: (title, standard) for skill_id, title, standard in checklist}
        rows = []
        for skill_id, (passed, note) in checked.items():
            row = SkillSignOff(
                enrolment=enrolment,
                user=person,
                lesson=lesson,
                skill_id=skill_id,
                skill_title=titles[skill_id][0],
                skill_standard=(titles[skill_id][1] or "")[:300],
                passed=passed,
                note=note,
                signed_by=instructor,
                signed_at=now,
            )
            row.save()
            rows.append(row)
        verdicts = {s.skill_id: s.latest for s in before.skills if s.latest is not None}
        verdicts.update({row.skill_id: row for row in rows})
        after = person_state(checklist, verdicts)
        audit.record(
            instructor,
            "firesafety.skills.sign_off",
            instance=enrolment,
            organisation=session.organisation,
            data={
                "session_id": session.pk,
                "lesson": lesson.title,
                "lesson_id": lesson.pk,
                "results": [
                    {"skill": row.skill_title, "passed": row.passed, "note": row.note}
                    for row in rows
                ],
                "complete": after.complete,
            },
        )
        completed_now = after.complete and not before.complete
        if completed_now:
            record_attendance(instructor, lesson, [person], session.organisation, now=now)
        if any(not row.passed for row in rows):
            Notice.objects.create(
                user=person,
                title=_("Not every skill passed yet: %(lesson)s") % {"lesson": lesson.title},
                body=_("Not passed: %(skills)s. Sign up for the next session to be checked again.")
                % {"skills": "、".join(s.title for s in after.failed)},
                link=next_sessions_url(),
            )
    return SignOffResult(rows=rows, state=after, completed_now=completed_now)
