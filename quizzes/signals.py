"""Signals other apps receive; quizzes knows nothing of who listens.

attempt_graded is sent once per attempt, inside the grading transaction, with sender=Attempt
and attempt=<the graded Attempt>: what a receiver writes commits or rolls back with the grade
(a receiver that raises undoes the grading). The courses app receives it to complete the
lesson a passed quiz belongs to.
"""

from django.dispatch import Signal

attempt_graded = Signal()
