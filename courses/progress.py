"""Read-only views of a person's learning: progress in a course, statuses of requirements."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .catalogue import live_courses
from .learning_panels import PracticalNeeds, learning_panels
from .models import Enrolment, LessonProgress
from .outline import course_outline, course_outlines

EXPIRING_WITHIN = timedelta(days=30)
# How many courses 我的学习 suggests.
RECOMMENDED_COURSES = 6


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    OVERDUE = "overdue"

    LABELS = {
        NOT_STARTED: pgettext_lazy("training status", "Not started"),
        IN_PROGRESS: pgettext_lazy("training status", "In progress"),
        COMPLETED: _("Completed"),
        EXPIRING: _("Expiring soon"),
        EXPIRED: _("Expired"),
        OVERDUE: _("Overdue"),
    }
    # The statuses in which a person counts as trained for a requirement.
    CURRENT = (COMPLETED, EXPIRING)


def current_enrolment(user, course):
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(user=user, course=course).order_by("-cycle").first()


def completion_counts(enrolment):
    """Completed lesson ids of an enrolment."""
    if enrolment is None:
        return set()
    return set(
        LessonProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )


def course_progress_for(user, course):
    lessons = list(course.get_lessons())
    enrolment = current_enrolment(user, course)
    lapsed = lapsed_at(user, course, enrolment)
    done = set() if lapsed else completion_counts(enrolment)
    next_lesson = next((lesson for lesson in lessons if lesson.pk not in done), None)
    percent = (
        round(100 * len(done & {lesson.pk for lesson in lessons}) / len(lessons)) if lessons else 0
    )
    return {
        "lessons": lessons,
        "enrolment": enrolment,
        "completed_lesson_ids": done,
        "percent": percent,
        "next_lesson": next_lesson,
        "lapsed_at": lapsed,
        "certificate": getattr(enrolment, "certificate", None)
        if enrolment and enrolment.completed_at
        else None,
    }


def _enrolment_with_refresher(user, course, lesson):
    """current_enrolment, and whether an assignment of this lesson is open (in that query)."""
    from .models import LessonAssignment

    if not user.is_authenticated:
        return None
    open_assignment = LessonAssignment.objects.filter(
        user=user, lesson_id=lesson.pk, completed_at__isnull=True
    )
    return (
        Enrolment.objects.filter(user=user, course=course)
        .annotate(refresher_open=Exists(open_assignment))
        .order_by("-cycle")
        .first()
    )


def lesson_context_for(user, lesson):
    course = lesson.course
    siblings = course_outline(course)
    index = next((i for i, sibling in enumerate(siblings) if sibling.pk == lesson.pk), 0)
    enrolment = _enrolment_with_refresher(user, course, lesson)
    progress, completed = None, set()
    if enrolment is not None:
        # This lesson's row (a video's position, if not completed) and the completed ones, at once.
        for row in LessonProgress.objects.filter(enrolment=enrolment).filter(
            Q(lesson=lesson) | Q(completed_at__isnull=False)
        ):
            if row.lesson_id == lesson.pk:
                progress = row
            if row.completed_at is not None:
                completed.add(row.lesson_id)
    # Only the current cycle's lessons count: a lapsed completion is the past cycle's.
    lapsed = lapsed_at(user, course, enrolment) is not None
    done = set() if lapsed else completed & {s.pk for s in siblings}
    return {
        "course_percent": round(100 * len(done) / len(siblings)) if siblings else 0,
        "course": course,
        "enrolment": enrolment,
        "progress": progress,
        "lesson_done": bool(progress and progress.completed_at) and not lapsed,
        # An assignment (针对性培训) asks for this lesson again: it may be completed once more.
        "refresher_open": bool(enrolment and enrolment.refresher_open),
        "lesson_number": index + 1,
        "lesson_count": len(siblings),
        "previous_lesson": siblings[index - 1] if index > 0 else None,
        "next_lesson_page": siblings[index + 1] if index + 1 < len(siblings) else None,
    }


@dataclass
class RequiredCourse:
    requirement: object
    course: object
    enrolment: object
    status: str
    percent: int
    due_date: date
    expires_at: object = None

    @property
    def status_label(self):
        return Status.LABELS[self.status]


def add_months(moment, months):
    """The same day and time `months` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def completion_expiry(requirement, enrolment):
    """When a completion stops counting for a requirement: its renewal period or the course's."""
    if enrolment is None or enrolment.completed_at is None:
        return None
    expiries = [enrolment.expires_at] if enrolment.expires_at else []
    if requirement is not None and requirement.renewal_months:
        expiries.append(add_months(enrolment.completed_at, requirement.renewal_months))
    return min(expiries) if expiries else None


def lapsed_at(user, course, enrolment, now=None):
    """When the enrolment's completion lapsed, or None while it stands (or was never reached).

    A completion lapses at its own expiry or at the renewal date of a requirement the person is
    under for the course, whichever comes first. From then on a new cycle is due: its progress,
    ticks and attempts start again (the renewal starts at 0), and the old cycle is history.
    """
    from .models import TrainingRequirement

    if enrolment is None or enrolment.completed_at is None:
        return None
    now = now or timezone.now()
    requirements = [r for r in TrainingRequirement.applying_to(user) if r.course_id == course.pk]
    expiries = [completion_expiry(requirement, enrolment) for requirement in requirements]
    expiries.append(completion_expiry(None, enrolment))
    passed = [expiry for expiry in expiries if expiry is not None and expiry <= now]
    return min(passed) if passed else None


def completion_valid(requirement, enrolment, now=None):
    """Whether a completed cycle still counts for the requirement (None: for the course alone)."""
    if enrolment is None or enrolment.completed_at is None:
        return False
    expiry = completion_expiry(requirement, enrolment)
    return expiry is None or expiry > (now or timezone.now())


def requirement_status(requirement, latest, last_completed, now=None):
    """One person's status for one requirement, from their latest and last completed cycles."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expiry = completion_expiry(requirement, last_completed)
    if completion_valid(requirement, last_completed, now):
        if expiry is not None and expiry - now <= EXPIRING_WITHIN:
            return Status.EXPIRING
        return Status.COMPLETED
    due = timezone.localdate(expiry) if expiry is not None else requirement.due_date
    if latest is not None and latest.completed_at is None:
        return Status.OVERDUE if due < today else Status.IN_PROGRESS
    if last_completed is not None:
        return Status.EXPIRED
    if due < today:
        return Status.OVERDUE
    return Status.NOT_STARTED


def latest_enrolments(user, course_ids):
    """{course_id: (latest enrolment, last completed enrolment)} in one query."""
    return latest_enrolments_by_user([user.pk], course_ids).get(user.pk, {})


def latest_enrolments_by_user(user_ids, course_ids):
    """{user id: {course id: (latest enrolment, last completed enrolment)}} in one query."""
    if not user_ids or not course_ids:
        return {}
    enrolments = (
        Enrolment.objects.filter(user_id__in=user_ids, course_id__in=course_ids)
        .select_related("certificate")
        .order_by("user_id", "course_id", "-cycle")
    )
    return _cycles(enrolments)


def _cycles(enrolments):
    """{user id: {course id: (latest, last completed)}} of enrolments ordered newest cycle first."""
    result = {}
    for enrolment in enrolments:
        cycles = result.setdefault(enrolment.user_id, {})
        latest, completed = cycles.get(enrolment.course_id, (None, None))
        if latest is None:
            latest = enrolment
        if completed is None and enrolment.completed_at is not None:
            completed = enrolment
        cycles[enrolment.course_id] = (latest, completed)
    return result


def my_learning(user, now=None):
    """Everything 我的学习 shows, in a fixed number of queries (five, and one per list shown)."""
    from organisations.models import Membership

    from .assignments import my_assignments, shown_assignments
    from .models import TrainingRequirement

    now = now or timezone.now()
    # Whether any assignment is shown rides on the memberships' query, so 我的学习 reads the
    # assignments only for the few who have some (assignments go to current members).
    rows = list(
        Membership.objects.current()
        .filter(user=user, organisation__is_active=True)
        .annotate(assigned=Exists(shown_assignments(user, now)))
        .values_list("organisation__path", "role", "assigned")
    )
    memberships = [(path, role) for path, role, _assigned in rows]
    any_assigned = any(assigned for _path, _role, assigned in rows)
    requirements = TrainingRequirement.applying_to(user, memberships=memberships)
    # One requirement per course: the one due first.
    by_course = {}
    for requirement in sorted(requirements, key=lambda r: r.due_date):
        by_course.setdefault(requirement.course_id, requirement)
    # Every cycle of every course at once: the latest of each, certificates and credit hours.
    completed_lessons = (
        LessonProgress.objects.filter(
            enrolment=OuterRef("pk"), completed_at__isnull=False, lesson__live=True
        )
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = list(
        Enrolment.objects.filter(user=user)
        .select_related("certificate", "course")
        .annotate(done=Coalesce(Subquery(completed_lessons), 0))
        .order_by("course_id", "-cycle")
    )
    cycles = _cycles(enrolments).get(user.pk, {})
    course_ids = set(by_course) | set(cycles)
    live = live_courses()
    courses = {course.pk: course for course in live if course.pk in course_ids}
    outlines = course_outlines(courses.values())
    totals = {pk: len(lessons) for pk, lessons in outlines.items()}

    def percent(course_id):
        latest, _completed = cycles.get(course_id, (None, None))
        total = totals.get(course_id, 0)
        if latest is None or not total:
            return 0
        if latest.completed_at:
            return 100
        return min(100, round(100 * latest.done / total))

    required = []
    for course_id, requirement in by_course.items():
        if course_id not in courses:
            continue
        latest, completed = cycles.get(course_id, (None, None))
        status = requirement_status(requirement, latest, completed, now)
        expiry = completion_expiry(requirement, completed)
        required.append(
            RequiredCourse(
                requirement=requirement,
                course=courses[course_id],
                enrolment=latest,
                status=status,
                # A lapsed completion is the past cycle's; the renewal has not begun yet.
                percent=0 if status == Status.EXPIRED else percent(course_id),
                due_date=timezone.localdate(expiry)
                if status in (Status.EXPIRED, Status.EXPIRING) and expiry
                else requirement.due_date,
                expires_at=expiry,
            )
        )
    required.sort(key=lambda item: item.due_date)

    in_progress = [
        {"course": courses[course_id], "enrolment": latest, "percent": percent(course_id)}
        for course_id, (latest, _completed) in cycles.items()
        if course_id in courses and course_id not in by_course and latest.completed_at is None
    ]
    certificates = sorted(
        (
            enrolment.certificate
            for enrolment in enrolments
            if getattr(enrolment, "certificate", None) is not None
        ),
        key=lambda certificate: certificate.issued_at,
        reverse=True,
    )
    year_start = now.astimezone(timezone.get_current_timezone()).replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    credit_hours = sum(
        (
            enrolment.course.credit_hours
            for enrolment in enrolments
            if enrolment.completed_at is not None and enrolment.completed_at >= year_start
        ),
        start=0,
    )
    roles = {role for _path, role in memberships}
    assigned = my_assignments(user, live, now) if any_assigned else []
    needs = _practical_needs(user, memberships, outlines, cycles, required, assigned)
    return {
        "required": required,
        "assigned": assigned,
        "practical_needs": needs,
        "learning_panels": learning_panels(needs, now),
        "in_progress": in_progress,
        "certificates": certificates,
        "credit_hours_this_year": credit_hours,
        "learner_roles": roles,
        "recommended": [
            course
            for course in live
            if not course.restricted
            and course.pk not in course_ids
            and roles & set(course.audience_roles)
        ][:RECOMMENDED_COURSES],
    }


def _practical_needs(user, memberships, outlines, cycles, required, assigned):
    """The practical lessons of courses not yet done (required or begun) and of open assignments."""
    from .models import LessonPage

    required_ids = {item.course.pk for item in required}
    done = {item.course.pk for item in required if item.status in Status.CURRENT}
    done |= {
        course_id
        for course_id, (latest, _completed) in cycles.items()
        if latest.completed_at is not None and course_id not in required_ids
    }
    practical = LessonPage.Kind.PRACTICAL
    lesson_ids = {
        lesson.pk
        for course_id, lessons in outlines.items()
        if course_id not in done
        for lesson in lessons
        if lesson.kind == practical
    }
    lesson_ids |= {
        item.assignment.lesson_id
        for item in assigned
        if item.assignment.completed_at is None and item.lesson.kind == practical
    }
    return PracticalNeeds(
        user=user,
        lesson_ids=lesson_ids,
        membership_paths=sorted({path for path, _role in memberships}),
        # A completed cycle is a past one here (the course is due again): its ticks do not count.
        enrolment_ids=[
            latest.pk for latest, _completed in cycles.values() if latest.completed_at is None
        ],
    )


def training_due(user, now=None):
    """Whether any required course is not currently done by the person, or a lesson assigned to
    them (针对性培训) is still open."""
    from .assignments import has_open_assignments
    from .models import TrainingRequirement

    requirements = list(TrainingRequirement.applying_to(user))
    if not requirements:
        return has_open_assignments(user)
    cycles = latest_enrolments(user, {requirement.course_id for requirement in requirements})
    return any(
        requirement_status(requirement, *cycles.get(requirement.course_id, (None, None)), now)
        not in Status.CURRENT
        for requirement in requirements
    ) or has_open_assignments(user)
