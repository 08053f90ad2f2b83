"""The audit log of what coordinators and editors do to people and records.

`record()` is the one door: every service that acts on a person or a record calls it with the
actor, an action name registered in wagtail_hooks (so the admin's 日志 report can label it), the
object and the organisation it happened in. Entries are `AuditEntry` rows, Wagtail log entries
with the organisation added: /manage/audit/ shows each coordinator the entries of their scope.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import get_active_log_context
from wagtail.log_actions import registry as log_action_registry

from .models import AuditEntry, Membership

# Every action record() accepts, registered in wagtail_hooks: (action, label, message). Labels
# name the action in filters; messages read as a sentence in the admin's 日志 report.
ACTIONS = [
    ("firesafety.member.add", _("Add member"), _("Added a member")),
    (
        "firesafety.member.role_change",
        _("Change role"),
        _("Changed a member's role"),
    ),
    ("firesafety.member.move", _("Move member"), _("Moved a member")),
    (
        "firesafety.member.end",
        _("End membership"),
        _("Ended a membership"),
    ),
    (
        "firesafety.member.leave",
        _("Leave an organisation"),
        _("Left an organisation"),
    ),
    (
        "firesafety.member.deactivate",
        _("Close account"),
        _("Closed an account"),
    ),
    (
        "firesafety.member.reactivate",
        _("Reopen account"),
        _("Reopened an account"),
    ),
    (
        "firesafety.member.reset_password",
        _("Reset password"),
        _("Reset a password"),
    ),
    (
        "firesafety.member.refused",
        _("Account action refused"),
        _("Was refused an account action (outside their authority)"),
    ),
    (
        "firesafety.import.confirm",
        _("Confirm member import"),
        _("Confirmed a member import"),
    ),
    (
        "firesafety.export.download",
        _("Download export"),
        _("Downloaded an export"),
    ),
    ("firesafety.reminder.send", _("Send reminders"), _("Sent reminders")),
    ("firesafety.alert.dispatch", _("Send alert"), _("Sent an alert")),
    (
        "firesafety.volunteer.verify",
        _("Verify service hours"),
        _("Verified service hours"),
    ),
    (
        "firesafety.volunteer.reject",
        _("Reject service hours"),
        _("Rejected service hours"),
    ),
    (
        "firesafety.attendance.record",
        _("Record attendance"),
        _("Recorded practical-training attendance"),
    ),
    (
        "firesafety.certificate.revoke",
        _("Revoke certificate"),
        _("Revoked a certificate"),
    ),
    (
        "firesafety.two_factor.reset",
        _("Reset two-factor sign-in"),
        _("Reset two-factor sign-in"),
    ),
    (
        "firesafety.member.phone_transfer",
        _("Move phone number"),
        _("Moved a phone number to another account"),
    ),
    (
        "firesafety.phone.transfer",
        _("Move phone number"),
        _("Moved a phone number to another account"),
    ),
    (
        "firesafety.inspection.nominate",
        _("Name an inspector"),
        _("Named a member to walk inspection rounds"),
    ),
    (
        "firesafety.inspection.unnominate",
        _("Withdraw an inspector"),
        _("Withdrew a member's nomination to walk inspection rounds"),
    ),
    ("firesafety.inspection.start", _("Start inspection round"), _("Started an inspection round")),
    ("firesafety.inspection.sign", _("Sign inspection round"), _("Signed an inspection round")),
    (
        "firesafety.inspection.correct",
        _("Correct inspection record"),
        _("Filed a correction of a signed inspection round"),
    ),
    (
        "firesafety.hazard.change",
        _("Change hazard"),
        _("Changed a hazard's severity, person or deadline"),
    ),
    ("firesafety.hazard.rectify", _("Rectify hazard"), _("Reported a hazard rectified")),
    (
        "firesafety.hazard.close",
        _("Close hazard"),
        _("Confirmed a rectification and closed a hazard"),
    ),
    (
        "firesafety.refresher.assign",
        _("Assign refresher lesson"),
        _("Assigned a lesson as targeted refresher training"),
    ),
    (
        "firesafety.skills.sign_off",
        _("Sign off skills"),
        _("Signed off a person's skills at a practical training session"),
    ),
    (
        "firesafety.hazard.remind",
        _("Hazard reminder"),
        _("Reminded the responsible person of a hazard's deadline"),
    ),
    (
        "firesafety.refresher.remind",
        _("Refresher reminder"),
        _("Reminded a person of an assigned lesson's due date"),
    ),
    (
        "firesafety.session.schedule",
        _("Schedule training session"),
        _("Scheduled a hands-on training session"),
    ),
    (
        "firesafety.session.cancel",
        _("Cancel training session"),
        _("Cancelled a hands-on training session"),
    ),
    (
        "firesafety.session.enrol",
        _("Enrol in training session"),
        _("Enrolled a person in a hands-on training session"),
    ),
    (
        "firesafety.session.attendance",
        _("Record session attendance"),
        _("Recorded a person's attendance at a hands-on training session"),
    ),
    (
        "firesafety.hazard.record",
        _("Record hazard from a drill"),
        _("Made a problem found in a drill into a hazard to rectify"),
    ),
    ("firesafety.drill.record", _("Record drill"), _("Recorded a unit's drill (演练)")),
    (
        "firesafety.drill.correct",
        _("Correct drill record"),
        _("Filed a correction of a unit's drill record"),
    ),
]

# Fields through which a record names the person it is about.
PERSON_FIELDS = ("user", "volunteer")


def person_of(instance, actor=None):
    """The person an action on instance is about: the account itself, or the record's owner.

    An action filed on the actor's own account (an import, an export of everything) is about
    nobody in particular.
    """
    User = get_user_model()
    if isinstance(instance, User):
        return None if actor is not None and instance.pk == actor.pk else instance
    for name in PERSON_FIELDS:
        person = getattr(instance, name, None)
        if isinstance(person, User):
            return person
    return None


def _label(instance):
    if instance is None:
        return ""
    if isinstance(instance, get_user_model()):
        # Never the phone: a person's label is their name (students have no phone anyway).
        return instance.name or instance.username
    return str(instance) or f"{type(instance).__name__} {instance.pk}"


def _entry(actor, action, instance, organisation, data, person, uuid, now):
    if not log_action_registry.action_exists(action):
        raise ValidationError(f"The audit action {action!r} is not registered.")
    return AuditEntry(
        content_type=(
            ContentType.objects.get_for_model(instance, for_concrete_model=False)
            if instance is not None
            else None
        ),
        object_id="" if instance is None else str(instance.pk),
        label=_label(instance),
        action=action,
        timestamp=now,
        data=dict(data or {}),
        uuid=uuid,
        user=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        subject=person,
    )


def record(actor, action, *, instance, organisation=None, data=None, person=None):
    """Write one audit entry: actor did action to instance, in organisation (if any).

    instance may be None for an action on no single object (an export of a whole scope); the
    person acted on defaults to the instance's account or owner.
    """
    context = get_active_log_context()
    entry = _entry(
        actor,
        action,
        instance,
        organisation,
        data,
        person if person is not None else person_of(instance, actor),
        context.uuid,
        timezone.now(),
    )
    entry.save()
    return entry


def record_many(actor, action, instances, *, organisation=None, data=None):
    """One entry per instance in one INSERT (a batch of verified records, an attendance list)."""
    context = get_active_log_context()
    now = timezone.now()
    entries = [
        _entry(
            actor,
            action,
            instance,
            organisation,
            data,
            person_of(instance, actor),
            context.uuid,
            now,
        )
        for instance in instances
    ]
    return AuditEntry.objects.bulk_create(entries)


def home_organisation(actor):
    """The organisation a coordinator acts from when an action names none (their top one)."""
    membership = (
        Membership.objects.current()
        .filter(user=actor, role=Membership.Role.COORDINATOR)
        .select_related("organisation")
        .order_by("organisation__depth", "organisation__path")
        .first()
    )
    return membership.organisation if membership else None
