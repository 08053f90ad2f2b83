"""Writes on training sessions: scheduling, sign-up and the waiting list, direct enrolment.

Every write that counts places locks the session's row first (select_for_update), so two
sign-ups at once on PostgreSQL are served one after the other and the roster never holds more
confirmed people than the capacity. Refusals are ValidationErrors with the message to show.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import audit

from .models import Enrolment, TrainingSession
from .notify import notify, session_link
from .session_access import is_open_to

State = Enrolment.State


def when(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _locked(session):
    return (
        TrainingSession.objects.select_for_update()
        .select_related("lesson", "open_to")
        .get(pk=session.pk)
    )


def confirmed_count(session):
    return session.enrolments.filter(state=State.CONFIRMED).count()


def waiting_position(enrolment):
    """1 for the first on the waiting list (served in sign-up order)."""
    earlier = enrolment.session.enrolments.filter(state=State.WAITING).filter(
        signed_up_at__lt=enrolment.signed_up_at
    ) | enrolment.session.enrolments.filter(
        state=State.WAITING, signed_up_at=enrolment.signed_up_at, pk__lt=enrolment.pk
    )
    return earlier.count() + 1


def schedule_session(actor, instructors, **fields):
    """Create a session with its instructors."""
    with transaction.atomic():
        session = TrainingSession.objects.create(created_by=actor, **fields)
        session.instructors.set(instructors)
        audit.record(
            actor,
            "firesafety.session.schedule",
            instance=session,
            organisation=session.organisation,
            person=None,
            data={"lesson": session.lesson.title, "starts_at": when(session.starts_at)},
        )
    return session


def update_session(actor, session, instructors, **fields):
    """Change a session; more places promote the waiting list, fewer than the roster refused."""
    with transaction.atomic():
        locked = _locked(session)
        if locked.cancelled_at:
            raise ValidationError(_("This session was cancelled: it cannot be changed."))
        confirmed = confirmed_count(locked)
        if fields["capacity"] < confirmed:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)s people are on the roster: the capacity cannot be lower."
                    )
                    % {"count": confirmed}
                }
            )
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        locked.instructors.set(instructors)
        _promote_waiting(locked)
    return locked


def cancel_session(actor, session):
    """Cancel the session and tell everyone on its roster or waiting list."""
    with transaction.atomic():
        locked = _locked(session)
        if locked.cancelled_at:
            raise ValidationError(_("This session was cancelled already."))
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        title = _("Training session cancelled: %(lesson)s") % {"lesson": locked.lesson.title}
        body = _("The session on %(when)s at %(place)s will not take place.") % {
            "when": when(locked.starts_at),
            "place": locked.place,
        }
        people = [
            enrolment.user
            for enrolment in locked.enrolments.filter(
                state__in=(State.CONFIRMED, State.WAITING)
            ).select_related("user")
        ]
        for person in people:
            notify(person, title, body, session_link(locked))
        audit.record(
            actor,
            "firesafety.session.cancel",
            instance=locked,
            organisation=locked.organisation,
            person=None,
            data={"lesson": locked.lesson.title, "notified": len(people)},
        )
    return locked, len(people)


def _sign_up_refusal(session, now):
    if session.cancelled_at:
        return _("This session was cancelled.")
    if session.starts_at <= now:
        return _("This session has already started or is over: sign up for another one.")
    if session.signup_deadline < now:
        return _("Sign-up for this session closed on %(deadline)s.") % {
            "deadline": when(session.signup_deadline)
        }
    return None


def _place(session, enrolment, user, now, enrolled_by=None):
    """Put the person on the roster if a place is free, else on the waiting list."""
    state = State.CONFIRMED if confirmed_count(session) < session.capacity else State.WAITING
    if enrolment is None:
        enrolment = Enrolment(session=session, user=user)
    enrolment.state = state
    enrolment.signed_up_at = now
    enrolment.enrolled_by = enrolled_by
    enrolment.cancelled_at = None
    enrolment.promoted_at = None
    enrolment.save()
    return enrolment


def _already(enrolment):
    if enrolment.state == State.CONFIRMED:
        return _("You are already on the roster of this session.")
    return _("You are already on the waiting list of this session (number %(position)s).") % {
        "position": waiting_position(enrolment)
    }


def sign_up(user, session, now=None):
    """The person signs up; returns the enrolment (confirmed, or waiting when full)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(session)
        refusal = _sign_up_refusal(locked, now)
        if refusal:
            raise ValidationError(refusal)
        if not is_open_to(locked, user):
            raise ValidationError(
                _("This session is open to the members of %(organisation)s only.")
                % {"organisation": locked.open_to.name}
            )
        enrolment = Enrolment.objects.filter(session=locked, user=user).first()
        if enrolment is not None and enrolment.state != State.CANCELLED:
            raise ValidationError(_already(enrolment))
        return _place(locked, enrolment, user, now)


def cancel_place(user, session, now=None):
    """The person gives up their place (or their spot on the waiting list) before the start."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(session)
        enrolment = Enrolment.objects.filter(
            session=locked, user=user, state__in=(State.CONFIRMED, State.WAITING)
        ).first()
        if enrolment is None:
            raise ValidationError(_("You are not signed up for this session."))
        if locked.starts_at <= now:
            raise ValidationError(_("This session has already started: it cannot be cancelled."))
        was_confirmed = enrolment.state == State.CONFIRMED
        enrolment.state = State.CANCELLED
        enrolment.cancelled_at = now
        enrolment.save(update_fields=["state", "cancelled_at"])
        if was_confirmed:
            _promote_waiting(locked, now)
    return enrolment


def _promote_waiting(session, now=None):
    """Give free places to the waiting list in order, and tell each person promoted."""
    now = now or timezone.now()
    if session.cancelled_at or session.starts_at <= now:
        return []
    free = session.capacity - confirmed_count(session)
    if free <= 0:
        return []
    promoted = list(
        session.enrolments.filter(state=State.WAITING)
        .select_related("user")
        .order_by("signed_up_at", "pk")[:free]
    )
    title = _("You have a place: %(lesson)s") % {"lesson": session.lesson.title}
    body = _(
        "A place became free on the session on %(when)s at %(place)s: you are on the roster now. "
        "If you cannot come, cancel your place so the next person gets it."
    ) % {"when": when(session.starts_at), "place": session.place}
    for enrolment in promoted:
        enrolment.state = State.CONFIRMED
        enrolment.promoted_at = now
        enrolment.save(update_fields=["state", "promoted_at"])
        notify(enrolment.user, title, body, session_link(session))
    return promoted


def enrol_directly(actor, session, person, now=None):
    """A coordinator puts a person in scope on the roster (or the waiting list when full)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(session)
        # A coordinator may enrol after the sign-up deadline, not into a cancelled or past one.
        if locked.cancelled_at:
            raise ValidationError(_("This session was cancelled."))
        if locked.starts_at <= now:
            raise ValidationError(_("This session has already started or is over."))
        enrolment = Enrolment.objects.filter(session=locked, user=person).first()
        if enrolment is not None and enrolment.state != State.CANCELLED:
            raise ValidationError(
                _("%(name)s is already on the roster or the waiting list.") % {"name": person.name}
            )
        enrolment = _place(locked, enrolment, person, now, enrolled_by=actor)
        audit.record(
            actor,
            "firesafety.session.enrol",
            instance=enrolment,
            organisation=locked.organisation,
            person=person,
            data={"lesson": locked.lesson.title, "state": enrolment.state},
        )
        title = _("You are enrolled: %(lesson)s") % {"lesson": locked.lesson.title}
        body = _("%(when)s at %(place)s.") % {
            "when": when(locked.starts_at),
            "place": locked.place,
        }
        notify(person, title, body, session_link(locked))
    return enrolment
