"""The audit log of what coordinators and editors do to people and records.

`record()` is the one door: every service that acts on a person or a record calls it with the
actor, an action name registered in wagtail_hooks (so the admin's 日志 report can label it), the
object and the organisation it happened in. (Being completed by the audit-log work: a log model
with the organisation, /manage/audit/, exports.)
"""

from wagtail.log_actions import log


def record(actor, action, *, instance, organisation=None, data=None):
    """Write one audit entry: actor did action to instance, in organisation (if any)."""
    data = dict(data or {})
    if organisation is not None:
        data.setdefault("organisation_id", organisation.pk)
    return log(instance=instance, action=action, user=actor, data=data)
