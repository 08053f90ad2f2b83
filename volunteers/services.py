"""Writes of the volunteers app: logging activities and deciding on them, in transactions."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.storage import DiskFull, saving_files
from organisations import audit

from .models import MAX_HOURS_PER_DAY, ServiceRecord

Status = ServiceRecord.Status


def check_activity(volunteer, team, date, kind, hours, exclude_pk=None):
    """Raise ValidationError (by field) for a future date, a duplicate, or a day over 24 hours."""
    errors = {}
    if date > timezone.localdate():
        errors["date"] = _("The date is in the future: log an activity once it has happened.")
    others = ServiceRecord.objects.active().filter(volunteer=volunteer, date=date)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.filter(team=team, kind=kind).exists():
        errors["kind"] = _(
            "%(name)s already has this activity on %(date)s for this team: it was not logged "
            "twice. Change the existing record instead."
        ) % {"name": volunteer.get_full_name() or volunteer.get_username(), "date": date}
    logged = others.aggregate(total=Sum("hours"))["total"] or 0
    if hours is not None and logged + hours > MAX_HOURS_PER_DAY:
        errors["hours"] = _(
            "%(name)s would have more than 24 hours on %(date)s (%(logged)s already logged)."
        ) % {
            "name": volunteer.get_full_name() or volunteer.get_username(),
            "date": date,
            "logged": logged,
        }
    if errors:
        raise ValidationError(errors)


def _save_checked(record):
    """Save inside a savepoint; the database refuses a duplicate a parallel request slipped in."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as duplicate:
        raise ValidationError(
            {"kind": _("This activity is already logged for this day.")}
        ) from duplicate
    return record


def _save_photo(files, record, photo):
    """Write the photo for the record; a full disk is an error at the photo field."""
    try:
        files.save(record.photo, photo.name, photo)
    except DiskFull as error:
        raise ValidationError({"photo": error.user_message}) from error


def log_activity(volunteer, team, *, date, kind, hours, place, description, photo=None):
    """A volunteer logs an activity of their own; it waits for the coordinator."""
    with saving_files() as files, transaction.atomic():
        check_activity(volunteer, team, date, kind, hours)
        record = ServiceRecord(
            volunteer=volunteer,
            team=team,
            date=date,
            kind=kind,
            hours=hours,
            place=place,
            description=description,
            submitted_by=volunteer,
        )
        if photo:
            _save_photo(files, record, photo)
        return _save_checked(record)


def change_activity(record, *, date, kind, hours, place, description, photo=None):
    """A volunteer corrects an unverified record; a rejected one goes back for verification."""
    if not record.is_editable_by_volunteer:
        raise ValidationError(_("This record was verified and can no longer be changed."))
    with saving_files() as files, transaction.atomic():
        check_activity(record.volunteer, record.team, date, kind, hours, exclude_pk=record.pk)
        record.date, record.kind, record.hours = date, kind, hours
        record.place, record.description = place, description
        replaced = record.photo.name if photo else ""
        if photo:
            _save_photo(files, record, photo)
        record.status = Status.SUBMITTED
        record.reject_reason = ""
        record.verified_by = record.verified_at = None
        _save_checked(record)
        if replaced:
            # A replaced photo is personal data nobody can reach any more: delete it.
            storage = record.photo.storage
            transaction.on_commit(lambda: storage.delete(replaced))
        return record


@dataclass
class GroupResult:
    created: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (person, message)


def log_for_members(coordinator, team, members, *, date, kind, hours, place, description):
    """A coordinator logs one activity for several members: verified records, one each.

    Everything is written in one transaction; a member who already has the activity that day,
    or whose day would pass 24 hours, is reported and skipped.
    """
    result = GroupResult()
    now = timezone.now()
    with transaction.atomic():
        for member in members:
            try:
                check_activity(member, team, date, kind, hours)
                # Nobody verifies their own hours: the coordinator's record waits for another.
                own = member.pk == coordinator.pk
                record = _save_checked(
                    ServiceRecord(
                        volunteer=member,
                        team=team,
                        date=date,
                        kind=kind,
                        hours=hours,
                        place=place,
                        description=description,
                        status=Status.SUBMITTED if own else Status.VERIFIED,
                        submitted_by=coordinator,
                        verified_by=None if own else coordinator,
                        verified_at=None if own else now,
                    )
                )
            except ValidationError as error:
                if "date" in error.message_dict:
                    raise
                result.refused.append((member, " ".join(error.messages)))
            else:
                result.created.append(record)
    return result


def _decidable(coordinator, records):
    """The waiting records among these that this coordinator may decide: not their own."""
    return ServiceRecord.objects.filter(
        pk__in=[record.pk for record in records], status=Status.SUBMITTED
    ).exclude(volunteer=coordinator)


def verify_records(coordinator, records):
    """Verify the waiting records among these (never one's own); returns how many."""
    with transaction.atomic():
        decided = list(
            _decidable(coordinator, records)
            .select_for_update(of=("self",))
            .select_related("team", "volunteer")
        )
        ServiceRecord.objects.filter(pk__in=[record.pk for record in decided]).update(
            status=Status.VERIFIED, verified_by=coordinator, verified_at=timezone.now()
        )
        _record_decisions(coordinator, "firesafety.volunteer.verify", decided)
    return len(decided)


def _record_decisions(coordinator, action, records, **data):
    """One audit entry per decided record, grouped by team (its organisation)."""
    by_team = {}
    for record in records:
        by_team.setdefault(record.team, []).append(record)
    for team, team_records in by_team.items():
        audit.record_many(
            coordinator,
            action,
            team_records,
            organisation=team,
            data=data,
        )


def reject_records(coordinator, records, reason):
    """Reject the waiting records among these with a reason the volunteer sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the record is rejected.")})
    with transaction.atomic():
        decided = list(
            _decidable(coordinator, records)
            .select_for_update(of=("self",))
            .select_related("team", "volunteer")
        )
        ServiceRecord.objects.filter(pk__in=[record.pk for record in decided]).update(
            status=Status.REJECTED,
            reject_reason=reason[:200],
            verified_by=coordinator,
            verified_at=timezone.now(),
        )
        _record_decisions(coordinator, "firesafety.volunteer.reject", decided, reason=reason[:200])
    return len(decided)


def set_required_course(team, course):
    """The course new members must finish before their hours count (None: no such rule)."""
    from .models import TeamSettings

    settings, _created = TeamSettings.objects.update_or_create(
        team=team, defaults={"required_course": course}
    )
    return settings
