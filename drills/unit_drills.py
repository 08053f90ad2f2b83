"""Writes and lookups of units' drills (演练): who may record them, the record, its corrections,
and a problem made into a hazard of the self-inspection app. Each write in one transaction.

A unit's drills are recorded by its 消防安全责任人 or 管理人 (inspections.services.led_units, who
lead the unit's rounds) and by a coordinator of the unit itself; coordinators above see them
through organisations.scope.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.photos import shrink_photo
from config.storage import DiskFull, saving_files
from inspections import services as inspections
from inspections.models import Hazard
from organisations import audit
from organisations.models import Membership, Organisation
from organisations.scope import visible_organisations

from .drill_status import DRILLING_KINDS
from .models import DrillPhoto, DrillProblem, UnitDrill

MAX_PROBLEMS = 20
MAX_PHOTOS = 6
MAX_REASON_CHARS = 300


# Who -------------------------------------------------------------------------------------------


def recording_units(user):
    """Units whose drills the user records: led ones, and those they coordinate themselves."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    coordinated = Membership.objects.current().filter(user=user, role=Membership.Role.COORDINATOR)
    return Organisation.objects.filter(
        Q(pk__in=inspections.led_units(user).values("pk"))
        | Q(pk__in=coordinated.values("organisation")),
        kind__in=DRILLING_KINDS,
        is_active=True,
    )


def may_record(user, unit):
    return recording_units(user).filter(pk=unit.pk).exists()


def viewable_units(user):
    """Units whose drills the user may read: those they record for, and those in their scope."""
    return Organisation.objects.filter(
        Q(pk__in=recording_units(user).values("pk"))
        | Q(pk__in=visible_organisations(user).values("pk")),
        kind__in=DRILLING_KINDS,
    )


def visible_drills(user):
    return UnitDrill.objects.filter(unit__in=viewable_units(user).values("pk"))


unit_members = inspections.unit_members


# Writes ----------------------------------------------------------------------------------------


def _clean_problems(problems):
    cleaned = [text.strip() for text in problems if text and text.strip()]
    if len(cleaned) > MAX_PROBLEMS:
        raise ValidationError({"problems": _("At most 20 problems per drill.")})
    if any(len(text) > 200 for text in cleaned):
        raise ValidationError({"problems": _("Each problem is at most 200 characters.")})
    return cleaned


def _check(unit, *, held_on, kind, participants, others_count, evacuation_seconds):
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("The drill cannot be in the future.")
    if kind in UnitDrill.TIMED_KINDS and not evacuation_seconds:
        errors["evacuation_seconds"] = _("Give the time everyone took to get out, in seconds.")
    if evacuation_seconds is not None and not 0 < evacuation_seconds <= 3600:
        errors["evacuation_seconds"] = _("The time to evacuate is between 1 and 3600 seconds.")
    if not 0 <= others_count <= 10000:
        errors["others_count"] = _("Between 0 and 10000 people.")
    members = set(unit_members(unit).values_list("pk", flat=True))
    if any(person.pk not in members for person in participants):
        errors["participants"] = _("Participants are chosen from the unit's current members.")
    if errors:
        raise ValidationError(errors)


def record_drill(
    user,
    unit,
    *,
    held_on,
    kind,
    plan_version,
    participants=(),
    others_count=0,
    evacuation_seconds=None,
    problems=(),
    photos=(),
    note="",
    corrects=None,
    reason="",
):
    """Record a drill of the unit (or, with `corrects`, a correction of an earlier record)."""
    if not may_record(user, unit):
        raise ValidationError(_("You cannot record drills for this unit."))
    participants = list(participants)
    _check(
        unit,
        held_on=held_on,
        kind=kind,
        participants=participants,
        others_count=others_count,
        evacuation_seconds=evacuation_seconds,
    )
    problems = _clean_problems(problems)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most 6 photos per drill.")})
    reason = (reason or "").strip()
    if corrects is not None and not reason:
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": _("At most 300 characters.")})
    if kind not in UnitDrill.TIMED_KINDS:
        evacuation_seconds = None
    with saving_files() as files, transaction.atomic():
        if corrects is not None:
            locked = UnitDrill.objects.select_for_update().get(pk=corrects.pk)
            if locked.unit_id != unit.pk or UnitDrill.objects.filter(corrects=locked).exists():
                raise ValidationError(
                    _("This record was corrected already: correct the latest record.")
                )
        drill = UnitDrill.objects.create(
            unit=unit,
            held_on=held_on,
            kind=kind,
            others_count=others_count,
            evacuation_seconds=evacuation_seconds,
            plan_version=plan_version.strip(),
            note=(note or "").strip(),
            recorded_by=user,
            corrects=corrects,
            reason=reason,
        )
        drill.participants.set(participants)
        DrillProblem.objects.bulk_create(
            [
                DrillProblem(drill=drill, order=number, text=text)
                for number, text in enumerate(problems, start=1)
            ]
        )
        for upload in photos:
            photo = DrillPhoto(drill=drill)
            try:
                files.save(photo.photo, upload.name, shrink_photo(upload))
            except DiskFull as error:
                raise ValidationError({"photos": error.user_message}) from error
            photo.save()
        data = {
            "held_on": held_on.isoformat(),
            "kind": kind,
            "participants": len(participants),
            "others": others_count,
            "problems": len(problems),
        }
        if corrects is not None:
            data.update(corrects=corrects.pk, reason=reason)
        audit.record(
            user,
            "firesafety.drill.correct" if corrects is not None else "firesafety.drill.record",
            instance=drill,
            organisation=unit,
            data=data,
        )
    return drill


def problem_to_hazard(user, problem, *, severity, responsible):
    """Make a problem found in a drill a hazard of the unit, to rectify like a round's."""
    drill = problem.drill
    if not may_record(user, drill.unit):
        raise ValidationError(_("You cannot record drills for this unit."))
    with transaction.atomic():
        locked = DrillProblem.objects.select_for_update().get(pk=problem.pk)
        if locked.hazard_id is not None:
            raise ValidationError(_("This problem is a hazard already."))
        hazard = inspections.record_hazard(
            user,
            drill.unit,
            source=Hazard.Source.DRILL,
            # What the drill was is on the hazard page's link back (in the reader's language).
            item=locked.text,
            severity=severity,
            responsible=responsible,
        )
        locked.hazard = hazard
        locked.save(update_fields=["hazard"])
    return hazard


def hazard_found_in(hazard):
    """(label, url) of the drill a hazard came from, for the hazard's page."""
    problem = DrillProblem.objects.filter(hazard=hazard).select_related("drill").first()
    if problem is None:
        return None
    drill = problem.drill
    label = _("Drill: %(kind)s %(date)s") % {
        "kind": drill.get_kind_display(),
        "date": drill.held_on.isoformat(),
    }
    return label, drill.get_absolute_url()
