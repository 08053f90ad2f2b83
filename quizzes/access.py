"""Who may start a quiz: the quiz's own rules, then any checks other apps register.

courses registers a check that refuses a quiz belonging to a lesson the person may not see;
quizzes does not import courses, the dependency points the other way.
"""

from django.utils.translation import gettext as _

_start_checks = []


def register_start_check(func):
    """Add func(user, quiz) -> None (no objection) or a reason string (start refused, 403).

    Usable as a decorator; registering the same function twice has no effect.
    """
    if func not in _start_checks:
        _start_checks.append(func)
    return func


def unregister_start_check(func):
    if func in _start_checks:
        _start_checks.remove(func)


_cycle_starts = []


def register_cycle_start(func):
    """Add func(user, quiz) -> datetime or None: when the person's current cycle for the quiz
    began. Attempts before the latest such moment are history (a lapsed cycle's pass no longer
    counts); courses registers its enrolment cycles."""
    if func not in _cycle_starts:
        _cycle_starts.append(func)
    return func


def current_cycle_start(user, quiz):
    """The latest start any registered provider gives, or None (every attempt is current)."""
    starts = [start for func in _cycle_starts if (start := func(user, quiz)) is not None]
    return max(starts) if starts else None


def start_refusal(user, quiz, *, graded_attempts=None):
    """The reason this person may not start this quiz now, or None if they may."""
    if not quiz.active or not quiz.live:
        return _("This quiz is closed.")
    if not user.is_authenticated:
        return _("Sign in to take this quiz.")
    if quiz.attempts_allowed:
        if graded_attempts is None:
            graded_attempts = quiz.attempts.graded().filter(user=user).count()
        if graded_attempts >= quiz.attempts_allowed:
            return _("You have used all %(count)s attempts allowed for this quiz.") % {
                "count": quiz.attempts_allowed
            }
    for check in _start_checks:
        reason = check(user, quiz)
        if reason:
            return str(reason)
    return None
