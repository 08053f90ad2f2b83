"""Who sees a training session, who runs it, and who may be put on its roster.

A session is seen by the coordinators whose scope holds its organiser, by its instructors, by
the people it is open to (a current membership in its `open_to` subtree) and by those on its
roster. It is run (QR, roster actions) only by its instructors and those coordinators; everyone
else gets a 404, as if it did not exist.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from organisations.models import Membership, Organisation
from organisations.scope import visible_organisations, visible_people

from .models import Enrolment, TrainingSession

# Kinds of organisation that hold hands-on training (a class trains with its school).
ORGANISING_KINDS = [kind for kind in Organisation.Kind.values if kind != Organisation.Kind.CLASS]
TOWN_KINDS = (Organisation.Kind.TOWN, Organisation.Kind.STREET)


def _open_to_membership(user):
    return Membership.objects.current().filter(
        user=user,
        organisation__is_active=True,
        organisation__path__startswith=OuterRef("open_to__path"),
    )


def _instructs(user):
    return TrainingSession.instructors.through.objects.filter(
        trainingsession=OuterRef("pk"), user=user
    )


def coordinated_sessions(user):
    """Sessions organised within the user's scope as a coordinator."""
    return TrainingSession.objects.filter(organisation__in=visible_organisations(user))


def visible_sessions(user):
    """Every session the user may see (its page, its calendar file)."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(
        Q(organisation__in=visible_organisations(user))
        | Q(Exists(_instructs(user)))
        | Q(Exists(_open_to_membership(user)))
        | Q(Exists(Enrolment.objects.filter(session=OuterRef("pk"), user=user)))
    )


def run_sessions(user):
    """Sessions the user runs: instructs, or coordinates the organiser of."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    return TrainingSession.objects.filter(
        Q(organisation__in=visible_organisations(user)) | Q(Exists(_instructs(user)))
    )


def get_session_or_404(queryset, pk):
    try:
        return queryset.select_related("lesson", "organisation", "open_to").get(pk=pk)
    except (TrainingSession.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def is_open_to(session, user):
    """Whether the person holds a current membership in the session's open_to subtree."""
    return (
        Membership.objects.current()
        .filter(
            user=user,
            organisation__is_active=True,
            organisation__path__startswith=session.open_to.path,
        )
        .exists()
    )


def enrollable_people(actor, session):
    """People a coordinator may put on the roster: in the actor's scope, and every current
    membership of theirs inside the session's open_to subtree."""
    current = Membership.objects.current().filter(user=OuterRef("pk"))
    inside = Q(organisation__path__startswith=session.open_to.path)
    return (
        visible_people(actor)
        .filter(is_active=True)
        .filter(Exists(current.filter(inside)))
        .exclude(Exists(current.exclude(inside)))
    )


def enrollable_by_instructor(session):
    """Whom an instructor may accept at the door: active, a current member within open_to."""
    inside = Membership.objects.current().filter(
        user=OuterRef("pk"), organisation__path__startswith=session.open_to.path
    )
    return get_user_model().objects.filter(is_active=True).filter(Exists(inside))


def instructor_choices(actor):
    """People within the coordinator's scope who may instruct a session."""
    return visible_people(actor).filter(is_active=True).order_by("name", "pk")


def organiser_choices(actor):
    return visible_organisations(actor).filter(kind__in=ORGANISING_KINDS, is_active=True)


def town_of(organisation):
    """The town (镇 or 街道) the organisation lies in, or the organisation itself above towns."""
    if organisation.kind in TOWN_KINDS:
        return organisation
    town = (
        organisation.get_ancestors().filter(kind__in=TOWN_KINDS).order_by("-depth").first()
        if organisation.depth > 1
        else None
    )
    return town or organisation


def find_person(text):
    """The active account whose login name or mobile number is `text`, or None."""
    text = (text or "").strip()
    if not text:
        return None
    return get_user_model().objects.filter(Q(username=text) | Q(phone=text)).first()
