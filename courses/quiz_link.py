"""How courses use quizzes without quizzes knowing of courses (DESIGN.md's layering).

Passing a quiz completes every live lesson that uses it in a course the person may take, and a
quiz that belongs to lessons may only be started by someone who may take one of those courses.
"""

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from quizzes.access import register_cycle_start, register_start_check
from quizzes.outcomes import register_outcome
from quizzes.signals import attempt_graded, attempts_regraded

from .models import CoursePage, LessonPage


def _lessons_using(quiz):
    return list(LessonPage.objects.live().filter(quiz=quiz, kind=LessonPage.Kind.QUIZ))


def _course_of(lesson):
    return CoursePage.objects.live().filter(pk=lesson.get_parent().pk).first()


@register_start_check
def lesson_quiz_start_check(user, quiz):
    lessons = _lessons_using(quiz)
    if not lessons:
        return None
    for lesson in lessons:
        course = _course_of(lesson)
        if course is not None and course.is_open_to(user):
            return None
    return _("This quiz belongs to a course you cannot take.")


@register_cycle_start
def enrolment_cycle_start(user, quiz):
    """When the person's current cycle began in the courses using this quiz; a lapsed
    completion with no renewal yet means the cycle ended at its expiry."""
    from .progress import current_enrolment, lapsed_at

    starts = []
    for lesson in _lessons_using(quiz):
        course = _course_of(lesson)
        enrolment = current_enrolment(user, course) if course is not None else None
        if enrolment is None:
            continue
        lapsed = lapsed_at(user, course, enrolment)
        if lapsed is not None:
            starts.append(lapsed)
        elif enrolment.cycle > 1:
            # As in _best_by_cycle: a first cycle also owns the attempts made before it began.
            starts.append(enrolment.started_at)
    return max(starts) if starts else None


@register_outcome
def course_outcome(attempt):
    """The courses a graded attempt's quiz belongs to: complete or not, and the certificate."""
    from .models import Certificate, Enrolment

    found = []
    for lesson in _lessons_using(attempt.quiz):
        course = _course_of(lesson)
        if course is None:
            continue
        enrolment = (
            Enrolment.objects.filter(user=attempt.user, course=course).order_by("-cycle").first()
        )
        complete = enrolment is not None and enrolment.is_valid_completion()
        certificate = (
            Certificate.objects.filter(enrolment=enrolment, revoked_at__isnull=True).first()
            if complete
            else None
        )
        found.append(
            {
                "title": course.title,
                "complete": complete,
                "url": course.url,
                "certificate_url": certificate
                and reverse("courses:verify", args=[certificate.code]),
                "certificate_pdf_url": certificate
                and reverse("courses:certificate_pdf", args=[certificate.code]),
                "next_url": reverse("courses:learn"),
            }
        )
    return found


@receiver(attempt_graded, dispatch_uid="courses.follow_graded_attempt")
def follow_graded_attempt(sender, attempt, **kwargs):
    """A graded attempt on a course's quiz keeps the person's best score in their enrolment;
    a passed one also completes the quiz lessons. Only courses the taker may take count."""
    from . import services

    for lesson in _lessons_using(attempt.quiz):
        course = _course_of(lesson)
        if course is None or not course.is_open_to(attempt.user):
            continue
        enrolment = services.start_course(attempt.user, course)
        if attempt.score is not None:
            services.record_best_score(enrolment, attempt.score)
        if attempt.passed:
            services.complete_lesson(attempt.user, lesson)


def _best_by_cycle(course, user_ids=None):
    """{enrolment: best score} from the graded attempts on the course's quizzes.

    Each attempt goes to the latest enrolment started before it was submitted, else to the
    person's first.
    """
    from quizzes.models import Attempt

    from .models import Enrolment

    quiz_ids = [
        lesson.quiz_id
        for lesson in course.get_lessons()
        if lesson.quiz_id and lesson.kind == LessonPage.Kind.QUIZ
    ]
    if not quiz_ids:
        return {}
    attempts = Attempt.objects.graded().filter(quiz_id__in=quiz_ids, score__isnull=False)
    if user_ids is not None:
        attempts = attempts.filter(user_id__in=user_ids)
    enrolments = {}
    for enrolment in Enrolment.objects.filter(
        course=course, user_id__in=attempts.values("user_id")
    ).order_by("user_id", "started_at"):
        enrolments.setdefault(enrolment.user_id, []).append(enrolment)
    best = {}  # enrolment -> best score among the attempts it receives
    for user_id, submitted_at, score in attempts.values_list("user_id", "submitted_at", "score"):
        cycles = enrolments.get(user_id)
        if not cycles:
            continue
        started = [cycle for cycle in cycles if cycle.started_at <= submitted_at]
        cycle = started[-1] if started else cycles[0]
        best[cycle] = max(best.get(cycle, score), score)
    return best


def carry_over_scores(course):
    """Write into enrolments the best scores already earned on the course's quizzes.

    For scores graded before a quiz became part of the course (the demo grades its quizzes
    before the courses exist; an editor may add a quiz to a lesson later).
    """
    from .models import Enrolment

    best = _best_by_cycle(course)
    changed = [
        cycle
        for cycle, score in best.items()
        if cycle.best_score is None or cycle.best_score < score
    ]
    for cycle in changed:
        cycle.best_score = best[cycle]
    Enrolment.objects.bulk_update(changed, ["best_score"])
    return len(changed)


@receiver(attempts_regraded, dispatch_uid="courses.follow_regraded_attempts")
def follow_regraded_attempts(sender, changes, **kwargs):
    """After an editor's re-grade: best scores follow the new grades, up or down, and an
    attempt that now passes completes the quiz lessons as any pass does.

    An attempt that no longer passes takes nothing back: the lesson stays complete and a
    certificate already issued stays valid, because the learner met the test as it was set
    and a silent revocation would punish them for the editor's mistake. The re-grade page
    counts these attempts so the editor can revoke a certificate in the admin if it must
    not stand (docs/quizzes.md).
    """
    from . import services
    from .models import Enrolment

    by_quiz = {}
    for change in changes:
        by_quiz.setdefault(change.attempt.quiz_id, []).append(change)
    for quiz_changes in by_quiz.values():
        quiz = quiz_changes[0].attempt.quiz
        user_ids = {change.attempt.user_id for change in quiz_changes}
        for lesson in _lessons_using(quiz):
            course = _course_of(lesson)
            if course is None:
                continue
            best = _best_by_cycle(course, user_ids)
            moved = [cycle for cycle, score in best.items() if cycle.best_score != score]
            for cycle in moved:
                cycle.best_score = best[cycle]
            Enrolment.objects.bulk_update(moved, ["best_score"])
            for change in quiz_changes:
                user = change.attempt.user
                if change.new_passed and not change.old_passed and course.is_open_to(user):
                    services.start_course(user, course)
                    services.complete_lesson(user, lesson)
