from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations import audit
from organisations.models import Organisation
from quizzes.models import Attempt

from .models import Dispatch, DispatchRecipient

# Without a kind chosen, an alert goes to the places that have a responsible person to read it.
DEFAULT_TARGET_KINDS = (Organisation.Kind.UNIT, Organisation.Kind.SCHOOL)


def target_organisations(root, *, kind="", place_type="", sector=""):
    """The active organisations at or below root that match the filters."""
    targets = Organisation.objects.filter(path__startswith=root.path, is_active=True)
    targets = targets.filter(kind__in=[kind] if kind else DEFAULT_TARGET_KINDS)
    if place_type:
        targets = targets.filter(place_types__name=place_type)
    if sector:
        targets = targets.filter(sector=sector)
    return targets


def send_alert(
    page, sender, root, *, kind="", place_type="", sector="", within=None, check_quiz=None
):
    """Send a live alert to the matching units: one dispatch, one recipient row per unit.

    `within` limits the units to an organisation queryset (a coordinator's scope).
    """
    if not page.live:
        raise ValidationError(_("Only a published alert can be sent."))
    with transaction.atomic():
        targets = target_organisations(root, kind=kind, place_type=place_type, sector=sector)
        if within is not None:
            targets = targets.filter(pk__in=within.values("pk"))
        unit_ids = list(targets.order_by("path").values_list("pk", flat=True).distinct())
        if not unit_ids:
            raise ValidationError(_("No unit matches these choices, so nothing was sent."))
        dispatch = Dispatch.objects.create(
            page=page,
            sent_by=sender,
            root=root,
            kind=kind,
            place_type=place_type,
            sector=sector,
            recipient_count=len(unit_ids),
            check_quiz=check_quiz,
        )
        DispatchRecipient.objects.bulk_create(
            [DispatchRecipient(dispatch=dispatch, organisation_id=pk) for pk in unit_ids]
        )
        audit.record(
            sender,
            "firesafety.alert.dispatch",
            instance=dispatch,
            organisation=root,
            data={
                "alert": page.title,
                "kind": kind,
                "place_type": place_type,
                "sector": sector,
                "recipients": len(unit_ids),
            },
        )
    return dispatch


def acknowledge(recipient, user):
    """Record that the user read the alert for their unit; the first confirmation stands."""
    quiz = recipient.dispatch.check_quiz
    if quiz is not None and not Attempt.objects.filter(user=user, quiz=quiz, passed=True).exists():
        raise ValidationError(
            _("Pass the check quiz “%(quiz)s” first, then confirm.") % {"quiz": quiz.title}
        )
    with transaction.atomic():
        DispatchRecipient.objects.filter(pk=recipient.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=user, acknowledged_at=timezone.now()
        )
    recipient.refresh_from_db()
    return recipient
