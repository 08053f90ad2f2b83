"""Upcoming sessions of the practical lessons a person still needs (我的学习's panel).

Registered into courses.learning_panels (courses knows nothing of drills): 我的学习 calls it
only when the person has practical lessons to do, and it reads them in one query.
"""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from courses.learning_panels import register_learning_panel
from courses.models import LessonProgress
from organisations.models import Organisation

from .models import Enrolment, TrainingSession

SHOWN_AT_MOST = 10


def _ancestor_or_self_paths(paths):
    step = Organisation.steplen
    return {path[:end] for path in paths for end in range(step, len(path) + 1, step)}


def upcoming_for(needs, now=None):
    """Sessions not cancelled, still to start, open to the person, of lessons not yet done; each
    with `my_state` (the person's enrolment, if any) and `confirmed` (places taken)."""
    now = now or timezone.now()
    if not needs.lesson_ids or not needs.membership_paths:
        return TrainingSession.objects.none()
    done = LessonProgress.objects.filter(
        enrolment_id__in=needs.enrolment_ids,
        lesson_id=OuterRef("lesson_id"),
        completed_at__isnull=False,
    )
    mine = Enrolment.objects.filter(session=OuterRef("pk"), user=needs.user).exclude(
        state=Enrolment.State.CANCELLED
    )
    return (
        TrainingSession.objects.filter(
            lesson_id__in=needs.lesson_ids,
            cancelled_at__isnull=True,
            starts_at__gt=now,
            # Open to the person: open_to is one of their organisations or above one.
            open_to__path__in=_ancestor_or_self_paths(needs.membership_paths),
        )
        .exclude(Exists(done))
        # Past the deadline a session is shown only to those on it (to cancel their place).
        .filter(Q(signup_deadline__gte=now) | Q(Exists(mine)))
        .select_related("lesson")
        .annotate(
            my_state=Subquery(mine.values("state")[:1]),
            confirmed=Count("enrolments", filter=Q(enrolments__state=Enrolment.State.CONFIRMED)),
        )
        .order_by("starts_at", "pk")
    )


def learning_panel(needs, now):
    sessions = list(upcoming_for(needs, now)[:SHOWN_AT_MOST])
    if not sessions:
        return None
    return {"template": "drills/learn_sessions.html", "sessions": sessions, "now": now}


def register():
    register_learning_panel("training_sessions", learning_panel)
