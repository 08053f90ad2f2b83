"""Writes of self-inspection: start, answer and sign rounds, follow hazards; each in a transaction.

Who may do what is decided here (views only call), so a signed round refuses a late answer
whichever door it comes through.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import Notice
from config.photos import shrink_photo
from config.storage import DiskFull, saving_files
from handbooks.blocks import Severity
from organisations import audit
from organisations.models import Membership, Organisation
from organisations.scope import coordinating_memberships, visible_organisations

from .models import (
    Answer,
    Hazard,
    HazardEntry,
    Round,
    RoundNominee,
    RoundPoint,
    default_deadline,
)

Role = Membership.Role
# Social units walk rounds; schools have a handbook of their own (中小学校) and do the same.
INSPECTING_KINDS = (Organisation.Kind.UNIT, Organisation.Kind.SCHOOL)
LEADER_ROLES = (Role.RESPONSIBLE, Role.MANAGER)
ONLY_LEADERS_NAME = _lazy("Only the unit's responsible person or manager can name inspectors.")


# Who -------------------------------------------------------------------------------------------


def led_units(user):
    """Units where the user is the current 责任人 or 管理人."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind__in=INSPECTING_KINDS,
        is_active=True,
        memberships__in=Membership.objects.current().filter(user=user, role__in=LEADER_ROLES),
    ).distinct()


def inspecting_units(user):
    """Units whose rounds the user may start and walk: led ones, and those that named them."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    named = RoundNominee.objects.filter(
        user=user,
        unit__memberships__in=Membership.objects.current().filter(user=user),
    ).values("unit")
    return Organisation.objects.filter(
        Q(pk__in=led_units(user).values("pk")) | Q(pk__in=named),
        kind__in=INSPECTING_KINDS,
        is_active=True,
    )


def may_inspect(user, unit):
    return inspecting_units(user).filter(pk=unit.pk).exists()


def leads(user, unit):
    return led_units(user).filter(pk=unit.pk).exists()


def visible_rounds(user):
    """Rounds of the units the user inspects, and of the units in their coordinator scope."""
    return Round.objects.filter(
        Q(unit__in=inspecting_units(user)) | Q(unit__in=visible_organisations(user))
    )


def visible_hazards(user):
    """Hazards the user may open: as above, and those they are responsible for fixing."""
    if not user.is_authenticated:
        return Hazard.objects.none()
    return Hazard.objects.filter(
        Q(unit__in=inspecting_units(user))
        | Q(unit__in=visible_organisations(user))
        | Q(responsible=user)
    )


def visible_answers(user):
    """Answers whose photo the user may open: of the rounds they see, and the finding of a
    hazard they are responsible for (who fixes it needs to see what was found)."""
    if not user.is_authenticated:
        return Answer.objects.none()
    return Answer.objects.filter(
        Q(point__round__in=visible_rounds(user))
        | Q(pk__in=Hazard.objects.filter(responsible=user).values("answer"))
    )


def unit_members(unit):
    """People with a current membership of the unit (who may be made responsible for a fix)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__in=Membership.objects.current().filter(organisation=unit),
        )
        .distinct()
        .order_by("name", "pk")
    )


def nominate(actor, unit, person):
    """A unit's leader names a current member to walk rounds too."""
    if not leads(actor, unit):
        raise ValidationError(
            _("Only the unit's responsible person or manager can name inspectors.")
        )
    if not unit_members(unit).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("This person is not a current member of the unit.")})
    with transaction.atomic():
        nominee, created = RoundNominee.objects.get_or_create(
            unit=unit, user=person, defaults={"named_by": actor}
        )
        if created:
            audit.record(
                actor,
                "firesafety.inspection.nominate",
                instance=nominee,
                organisation=unit,
                person=person,
            )
    return nominee


def withdraw_nomination(actor, nominee):
    if not leads(actor, nominee.unit):
        raise ValidationError(
            _("Only the unit's responsible person or manager can name inspectors.")
        )
    with transaction.atomic():
        audit.record(
            actor,
            "firesafety.inspection.unnominate",
            instance=nominee,
            organisation=nominee.unit,
            person=nominee.user,
        )
        nominee.delete()


# Rounds ----------------------------------------------------------------------------------------


def _snapshot(handbook, kind):
    """The check points a round of this kind asks, copied from the handbook's sections."""
    points = []
    for section in handbook.sections:
        for point in section.value["checkpoints"]:
            if kind == Round.Kind.PATROL and not point.get("patrol_point"):
                continue
            lesson = point.get("lesson")
            points.append(
                RoundPoint(
                    order=len(points) + 1,
                    section_title=section.value["title"],
                    item=point["item"],
                    requirement=point["requirement"],
                    method=point.get("method") or "",
                    basis=point.get("basis") or "",
                    patrol_point=bool(point.get("patrol_point")),
                    default_severity=point.get("default_severity") or Severity.ORDINARY,
                    lesson_id=lesson.pk if lesson else None,
                )
            )
    return points


def start_round(user, unit, handbook, kind):
    """Begin a round from the handbook as published now; its check points are copied."""
    if not may_inspect(user, unit):
        raise ValidationError(_("You cannot start rounds for this unit."))
    # The page's own fields hold its published version; drafts wait in revisions.
    points = _snapshot(handbook, kind)
    if not points:
        raise ValidationError(
            {"kind": _("This handbook marks no daily patrol points: choose an inspection.")}
        )
    with transaction.atomic():
        round_ = Round.objects.create(
            unit=unit,
            handbook=handbook,
            handbook_title=handbook.title,
            handbook_revision_id=handbook.live_revision_id,
            kind=kind,
            started_by=user,
        )
        for point in points:
            point.round = round_
        RoundPoint.objects.bulk_create(points)
        audit.record(
            user,
            "firesafety.inspection.start",
            instance=round_,
            organisation=unit,
            data={"kind": kind, "handbook": handbook.title, "points": len(points)},
        )
    return round_


def _save_photo(files, field_file, photo, field="photo"):
    try:
        files.save(field_file, photo.name, shrink_photo(photo))
    except DiskFull as error:
        raise ValidationError({field: error.user_message}) from error


def answer_point(user, point, *, result, note="", photo=None):
    """Add an answer to a point of an open round; earlier answers stay, the latest counts."""
    round_ = point.round
    if not may_inspect(user, round_.unit):
        raise ValidationError(_("You cannot answer this round."))
    with saving_files() as files, transaction.atomic():
        # Read the status under the lock, so an answer cannot slip in beside a sign-off.
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.is_signed:
            raise ValidationError(_("This round is signed: it takes no more answers."))
        answer = Answer(point=point, result=result, note=note, answered_by=user)
        if photo:
            _save_photo(files, answer.photo, photo)
        answer.save()
    return answer


def current_answers(round_):
    """{point id: its latest answer} for the round (one query)."""
    latest = {}
    answers = Answer.objects.filter(point__round=round_).select_related("answered_by")
    for answer in answers.order_by("point_id", "-answered_at", "-pk"):
        latest.setdefault(answer.point_id, answer)
    return latest


def sign_round(user, round_, *, inspector_name, responsible, severities=None):
    """Sign a fully answered round; every point that failed becomes a hazard.

    severities maps a failed point's id to the severity chosen at sign-off (default: the
    point's own). A 重大 hazard tells the coordinators of the unit's town at once.
    """
    severities = severities or {}
    if not may_inspect(user, round_.unit):
        raise ValidationError(_("You cannot sign this round."))
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if locked.is_signed:
            raise ValidationError(_("This round is already signed."))
        answers = current_answers(locked)
        points = list(locked.points.all())
        unanswered = [point for point in points if point.pk not in answers]
        if unanswered:
            raise ValidationError(
                _("These check points have no answer yet: %(points)s")
                % {"points": "；".join(f"{p.order}. {p.item}" for p in unanswered)},
                code="unanswered",
            )
        failed = [point for point in points if answers[point.pk].result == Answer.Result.FAIL]
        if failed and not unit_members(locked.unit).filter(pk=responsible.pk).exists():
            raise ValidationError(
                {"responsible": _("The responsible person must be a current member of the unit.")}
            )
        now = timezone.now()
        locked.status = Round.Status.SIGNED
        locked.inspector_name = inspector_name
        locked.signed_by = user
        locked.signed_at = now
        locked.save(update_fields=["status", "inspector_name", "signed_by", "signed_at"])
        hazards = []
        for point in failed:
            severity = severities.get(point.pk) or point.default_severity
            hazards.append(
                Hazard(
                    round=locked,
                    point=point,
                    answer=answers[point.pk],
                    unit=locked.unit,
                    severity=severity,
                    responsible=responsible,
                    deadline=default_deadline(severity),
                    created_at=now,
                )
            )
        Hazard.objects.bulk_create(hazards)
        found = list(locked.hazards.select_related("point", "responsible"))
        HazardEntry.objects.bulk_create(
            [
                _entry(
                    hazard,
                    HazardEntry.Kind.FOUND,
                    user,
                    now,
                    severity=hazard.severity,
                    responsible=hazard.responsible.name,
                    deadline=hazard.deadline.isoformat(),
                )
                for hazard in found
            ]
        )
        audit.record(
            user,
            "firesafety.inspection.sign",
            instance=locked,
            organisation=locked.unit,
            data={"hazards": len(hazards), "inspector": inspector_name},
        )
        _tell_town_of_major(h for h in found if h.is_major)
    return locked


def town_coordinators(unit):
    """Current coordinators of the town or street the unit lies in."""
    towns = unit.get_ancestors().filter(kind__in=(Organisation.Kind.TOWN, Organisation.Kind.STREET))
    return coordinating_memberships().filter(organisation__in=towns).select_related("user")


def _tell_town_of_major(hazards):
    hazards = list(hazards)
    if not hazards:
        return
    unit = hazards[0].unit
    people = {membership.user for membership in town_coordinators(unit)}
    notices = [
        Notice(
            user=person,
            title=_("Major hazard at %(unit)s: %(item)s")
            % {"unit": unit.name, "item": hazard.title},
            body=_("Found by the unit's own inspection; to be rectified by %(deadline)s.")
            % {"deadline": hazard.deadline.isoformat()},
            link=reverse("inspections:hazard", args=[hazard.pk]),
        )
        for hazard in hazards
        for person in people
    ]
    Notice.objects.bulk_create(notices)


def record_hazard(user, unit, *, source, item, finding="", severity, responsible, at=None):
    """A hazard found outside a round (a drill's problem): the same states, deadline by
    severity, history and major-hazard notice as a round's. The caller decides who may do it
    (drills.unit_drills checks its recorders) and links back to the hazard.
    """
    if source == Hazard.Source.ROUND:
        raise ValidationError("A round's hazards come from signing the round.")
    item = (item or "").strip()
    if not item:
        raise ValidationError({"item": _("Say what was found.")})
    if severity not in dict(Hazard._meta.get_field("severity").choices):
        raise ValidationError({"severity": _("Choose a severity.")})
    if not unit_members(unit).filter(pk=responsible.pk).exists():
        raise ValidationError(
            {"responsible": _("The responsible person must be a current member of the unit.")}
        )
    now = at or timezone.now()
    with transaction.atomic():
        hazard = Hazard.objects.create(
            source=source,
            item=item[:200],
            finding=(finding or "").strip(),
            unit=unit,
            severity=severity,
            responsible=responsible,
            deadline=default_deadline(severity, timezone.localdate(now)),
            created_at=now,
        )
        _entry(
            hazard,
            HazardEntry.Kind.FOUND,
            user,
            now,
            severity=severity,
            responsible=responsible.name,
            deadline=hazard.deadline.isoformat(),
        ).save()
        audit.record(
            user,
            "firesafety.hazard.record",
            instance=hazard,
            organisation=unit,
            person=responsible,
            data={"source": source, "item": hazard.item},
        )
        if hazard.is_major:
            _tell_town_of_major([hazard])
    return hazard


# Hazards ---------------------------------------------------------------------------------------


def _entry(hazard, kind, actor, at=None, **data):
    """A step of the hazard's history (not saved: the caller saves or bulk-creates it)."""
    return HazardEntry(
        hazard=hazard,
        kind=kind,
        actor=actor,
        actor_name=actor.name or actor.username,
        at=at or timezone.now(),
        data=data,
    )


def change_hazard(user, hazard, *, severity, responsible, deadline):
    """The unit's leader corrects severity, responsible person or deadline of an open hazard."""
    if not leads(user, hazard.unit):
        raise ValidationError(_("Only the unit's responsible person or manager can change this."))
    errors = {}
    if hazard.state == Hazard.State.CLOSED:
        raise ValidationError(_("This hazard is closed."))
    if deadline < timezone.localdate() and deadline != hazard.deadline:
        errors["deadline"] = _("The deadline is in the past.")
    if not unit_members(hazard.unit).filter(pk=responsible.pk).exists():
        errors["responsible"] = _("The responsible person must be a current member of the unit.")
    if errors:
        raise ValidationError(errors)
    became_major = severity == Severity.MAJOR and not hazard.is_major
    before = {
        "severity": hazard.severity,
        "responsible": hazard.responsible_id,
        "deadline": hazard.deadline.isoformat(),
    }
    changes = {}
    if severity != hazard.severity:
        changes["severity"] = [hazard.severity, severity]
    if responsible.pk != hazard.responsible_id:
        changes["responsible"] = [hazard.responsible.name, responsible.name]
    if deadline != hazard.deadline:
        changes["deadline"] = [hazard.deadline.isoformat(), deadline.isoformat()]
    with transaction.atomic():
        hazard.severity, hazard.responsible, hazard.deadline = severity, responsible, deadline
        hazard.save(update_fields=["severity", "responsible", "deadline"])
        if changes:
            _entry(hazard, HazardEntry.Kind.CHANGED, user, **changes).save()
        audit.record(
            user,
            "firesafety.hazard.change",
            instance=hazard,
            organisation=hazard.unit,
            person=responsible,
            data={"before": before},
        )
        if became_major:
            _tell_town_of_major([hazard])
    return hazard


def may_rectify(user, hazard):
    return hazard.responsible_id == user.pk or leads(user, hazard.unit)


def rectify_hazard(user, hazard, *, note, photo):
    """The responsible person (or a leader) reports the fix, with a note and a photo of it."""
    if not may_rectify(user, hazard):
        raise ValidationError(_("Only the person responsible or the unit's leaders can do this."))
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("Say what was done to fix it.")
    if not photo:
        errors["photo"] = _("Add a photo that shows the fix.")
    if errors:
        raise ValidationError(errors)
    with saving_files() as files, transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if locked.state != Hazard.State.PENDING:
            raise ValidationError(_("This hazard is not waiting for a fix."))
        _save_photo(files, locked.fix_photo, photo)
        locked.fix_note = note.strip()
        locked.rectified_by = user
        locked.rectified_at = timezone.now()
        locked.state = Hazard.State.RECTIFIED
        locked.save()
        entry = _entry(locked, HazardEntry.Kind.RECTIFIED, user, locked.rectified_at)
        entry.data = {"note": locked.fix_note}
        entry.save()
        audit.record(
            user,
            "firesafety.hazard.rectify",
            instance=locked,
            organisation=locked.unit,
            person=locked.responsible,
        )
    return locked


def close_hazard(user, hazard):
    """A leader of the unit who did not make the fix confirms it: the hazard is closed (销号)."""
    if not leads(user, hazard.unit):
        raise ValidationError(_("Only the unit's responsible person or manager can confirm a fix."))
    with transaction.atomic():
        locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
        if locked.state != Hazard.State.RECTIFIED:
            raise ValidationError(_("This hazard has no fix to confirm."))
        if locked.rectified_by_id == user.pk:
            raise ValidationError(
                _("You made this fix: another responsible person or manager must confirm it.")
            )
        locked.state = Hazard.State.CLOSED
        locked.closed_by = user
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_by", "closed_at"])
        _entry(locked, HazardEntry.Kind.CLOSED, user, locked.closed_at).save()
        audit.record(
            user,
            "firesafety.hazard.close",
            instance=locked,
            organisation=locked.unit,
            person=locked.responsible,
        )
    return locked


# Corrections -----------------------------------------------------------------------------------

MAX_REASON_CHARS = 300


def correct_answer(user, point, *, result, note="", reason):
    """A leader corrects a signed round's answer: a new answer naming the old one, with a reason.

    The original stays in the record beside the correction. Whether a point failed is not
    corrected: a hazard found stays on the record until it is rectified, and one missed at
    the time is a finding of a new round.
    """
    round_ = point.round
    if not leads(user, round_.unit):
        raise ValidationError(
            _("Only the unit's responsible person or manager can correct a signed round.")
        )
    reason = (reason or "").strip()
    note = (note or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the record is corrected.")
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = _("At most 300 characters.")
    if result not in Answer.Result.values:
        errors["result"] = _("Choose a result.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_signed:
            raise ValidationError(_("This round is not signed yet: change the answer instead."))
        current = current_answers(locked).get(point.pk)
        if current is None:
            raise ValidationError(_("This check point has no answer to correct."))
        failed = Answer.Result.FAIL
        if (current.result == failed) != (result == failed):
            raise ValidationError(
                {
                    "result": _(
                        "Whether a point failed is not corrected: a hazard found is closed by "
                        "rectifying it, and one missed is recorded by a new round."
                    )
                }
            )
        if (current.result, current.note) == (result, note):
            raise ValidationError(_("The correction changes nothing."))
        correction = Answer(
            point=point,
            result=result,
            note=note,
            answered_by=user,
            corrects=current,
            reason=reason,
        )
        correction.save()
        audit.record(
            user,
            "firesafety.inspection.correct",
            instance=locked,
            organisation=locked.unit,
            data={
                "point": point.order,
                "item": point.item,
                "before": {"result": current.result, "note": current.note},
                "after": {"result": result, "note": note},
                "reason": reason,
            },
        )
    return correction
