"""Signals other apps receive; quizzes knows nothing of who listens.

attempt_graded is sent once per attempt, inside the grading transaction (what receivers
write is committed with the grade, or not at all), with sender=Attempt and attempt=<the graded
Attempt>. The courses app receives it to complete the lesson a passed quiz belongs to.
"""

from django.dispatch import Signal

attempt_graded = Signal()

# Sent once per re-grade (an editor's explicit action after fixing a key), after it commits,
# with sender=Attempt and changes=[RegradedAttempt(attempt, old_score, old_passed) …] holding
# only the attempts whose grade changed. Courses receives it to follow the new scores.
attempts_regraded = Signal()
