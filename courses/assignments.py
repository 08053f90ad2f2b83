"""Targeted refresher training (针对性培训): lessons assigned to people by name, with a reason.

Who may assign is for the caller to decide (a unit's leaders after a failed round, a district's
coordinators for a place type: see inspections.refresher); this module keeps the records and
the one rule of their status, which 我的学习 and the reports share.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import audit

from .models import LessonAssignment, LessonPage
from .models.assignments import REASON_MAX_LENGTH
from .progress import Status

# One action assigns at most this many (person, lesson) pairs: a district's place type of a few
# hundred units fits, a slip that names the whole city does not.
MAX_ASSIGNMENTS = 20000
# 我的学习 keeps a closed assignment in view this long after it was done.
SHOWN_AFTER_DONE = timedelta(days=30)
# 我的学习 lists at most this many assignments (the open ones first).
SHOWN_AT_MOST = 30
CHUNK = 500


def assignment_status(assignment, now=None):
    """Completed, overdue (open after its due day) or not started: the rule the reports share."""
    now = now or timezone.now()
    if assignment.completed_at is not None and assignment.completed_at <= now:
        return Status.COMPLETED
    if assignment.due_date < timezone.localdate(now):
        return Status.OVERDUE
    return Status.NOT_STARTED


def status_conditions(now):
    """{status: Q} of assignments made by `now`, the same rule as assignment_status in SQL."""
    done = Q(completed_at__isnull=False, completed_at__lte=now)
    late = Q(due_date__lt=timezone.localdate(now))
    return {
        Status.COMPLETED: done,
        Status.OVERDUE: ~done & late,
        Status.NOT_STARTED: ~done & ~late,
    }


@dataclass
class AssignedLesson:
    """One assignment as 我的学习 shows it."""

    assignment: LessonAssignment
    course: object
    status: str

    @property
    def lesson(self):
        return self.assignment.lesson

    @property
    def status_label(self):
        return Status.LABELS[self.status]


ASSIGNMENT_FIELDS = ("id", "user_id", "lesson_id", "organisation_id", "reason", "due_date")
ASSIGNMENT_FIELDS += ("created_at", "completed_at")
LESSON_FIELDS = (
    "id",
    "title",
    "url_path",
    "path",
    "depth",
    "live",
    "slug",
    "content_type_id",
    "kind",
)


def shown_assignments(user, now):
    """The assignments 我的学习 shows: open ones, and those done in the last 30 days."""
    return LessonAssignment.objects.filter(user=user, lesson__live=True).filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=now - SHOWN_AFTER_DONE)
    )


def my_assignments(user, live_courses, now=None):
    """The person's open assignments and those done lately, open first (one query)."""
    now = now or timezone.now()
    rows = (
        shown_assignments(user, now)
        .select_related("lesson", "organisation")
        # What the list shows and links: not the lesson's body and the rest of its page row.
        .only(
            *ASSIGNMENT_FIELDS, *(f"lesson__{name}" for name in LESSON_FIELDS), "organisation__name"
        )
        .order_by(F("completed_at").asc(nulls_first=True), "due_date", "pk")[:SHOWN_AT_MOST]
    )
    courses = {course.path: course for course in live_courses}
    shown = []
    for assignment in rows:
        course = courses.get(assignment.lesson.path[: -LessonPage.steplen])
        if course is None:  # the course is not live: the lesson cannot be opened
            continue
        shown.append(AssignedLesson(assignment, course, assignment_status(assignment, now)))
    shown.sort(key=lambda item: (item.status == Status.COMPLETED, item.assignment.due_date))
    return shown


def has_open_assignments(user):
    return LessonAssignment.objects.filter(user=user, completed_at__isnull=True).exists()


def close_assignments(user, lesson, now=None):
    """The person completed the lesson: their open assignments of it made before now close."""
    now = now or timezone.now()
    return LessonAssignment.objects.filter(
        user=user, lesson_id=lesson.pk, completed_at__isnull=True, created_at__lte=now
    ).update(completed_at=now)


def _open_pairs(user_ids, lesson_ids):
    pairs = set()
    user_ids = list(user_ids)
    for start in range(0, len(user_ids), CHUNK):
        pairs.update(
            LessonAssignment.objects.filter(
                completed_at__isnull=True,
                user_id__in=user_ids[start : start + CHUNK],
                lesson_id__in=lesson_ids,
            ).values_list("user_id", "lesson_id")
        )
    return pairs


def assign_lessons(actor, *, people, lessons, due_date, audit_organisation, now=None):
    """Assign each lesson to each person, all or nothing; an open one is not assigned twice.

    `people`: (user, organisation it is assigned in) pairs; `lessons`: (lesson, reason) pairs.
    Each new assignment is one audit entry, filed under `audit_organisation`. Returns the new
    assignments.
    """
    now = now or timezone.now()
    if due_date < timezone.localdate(now):
        raise ValidationError({"due_date": _("The due date is in the past.")})
    if not people:
        raise ValidationError({"members": _("Choose at least one person.")})
    if not lessons:
        raise ValidationError({"lessons": _("Choose at least one lesson.")})
    live = set(
        LessonPage.objects.live()
        .filter(pk__in=[lesson.pk for lesson, _reason in lessons])
        .values_list("pk", flat=True)
    )
    if any(lesson.pk not in live for lesson, _reason in lessons):
        raise ValidationError({"lessons": _("This lesson is not published.")})
    people = list({user.pk: (user, organisation) for user, organisation in people}.values())
    if len(people) * len(lessons) > MAX_ASSIGNMENTS:
        raise ValidationError(
            _("That is more than %(limit)s assignments at once: choose fewer people or lessons.")
            % {"limit": MAX_ASSIGNMENTS}
        )
    for _attempt in range(2):
        try:
            return _create(actor, people, lessons, due_date, audit_organisation, now)
        except IntegrityError:
            # Someone assigned the same lesson to the same person at this moment: read again.
            continue
    return _create(actor, people, lessons, due_date, audit_organisation, now)


def _create(actor, people, lessons, due_date, audit_organisation, now):
    with transaction.atomic():
        open_pairs = _open_pairs(
            [user.pk for user, _organisation in people], [lesson.pk for lesson, _reason in lessons]
        )
        new = [
            LessonAssignment(
                user=user,
                lesson=lesson,
                organisation=organisation,
                reason=reason[:REASON_MAX_LENGTH],
                due_date=due_date,
                assigned_by=actor,
                created_at=now,
            )
            for lesson, reason in lessons
            for user, organisation in people
            if (user.pk, lesson.pk) not in open_pairs
        ]
        created = LessonAssignment.objects.bulk_create(new, batch_size=CHUNK)
        for lesson, reason in lessons:
            of_lesson = [assignment for assignment in created if assignment.lesson is lesson]
            if of_lesson:
                audit.record_many(
                    actor,
                    "firesafety.refresher.assign",
                    of_lesson,
                    organisation=audit_organisation,
                    data={
                        "lesson": lesson.title,
                        "lesson_id": lesson.pk,
                        "reason": reason[:REASON_MAX_LENGTH],
                        "due_date": due_date.isoformat(),
                    },
                )
    return created
