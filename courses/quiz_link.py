"""How courses use quizzes without quizzes knowing of courses (DESIGN.md's layering).

Passing a quiz completes every live lesson that uses it in a course the person may take, and a
quiz that belongs to lessons may only be started by someone who may take one of those courses.
"""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from quizzes.access import register_start_check
from quizzes.signals import attempt_graded

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


@receiver(attempt_graded, dispatch_uid="courses.complete_quiz_lessons")
def complete_quiz_lessons(sender, attempt, **kwargs):
    """A passed attempt completes the quiz lessons of the courses its taker may take."""
    if not attempt.passed:
        return
    from . import services

    for lesson in _lessons_using(attempt.quiz):
        course = _course_of(lesson)
        if course is not None and course.is_open_to(attempt.user):
            services.complete_lesson(attempt.user, lesson)
