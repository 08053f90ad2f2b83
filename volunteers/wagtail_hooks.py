"""Service records are filed in the audit log (organisations.audit)."""

from wagtail import hooks

from organisations.models import AuditEntry

from .models import ServiceRecord


@hooks.register("register_log_actions")
def register_audited_records(actions):
    actions.register_model(ServiceRecord, AuditEntry)
