from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from organisations.models import AuditEntry
from quizzes.models import Question, Quiz

from .admin_forms import RevokeCertificateForm, TrainingRequirementAdminForm
from .models import Certificate, TrainingRequirement


class TrainingRequirementViewSet(ModelViewSet):
    model = TrainingRequirement
    icon = "date"
    menu_label = _("Training requirements")
    list_display = ["course", "organisation", "due_date", "renewal_months", "is_active"]
    list_filter = ["is_active"]
    form_fields = ["course", "organisation", "roles", "due_date", "renewal_months", "is_active"]

    def get_form_class(self, for_update=False):
        return TrainingRequirementAdminForm


class RevokeOnlyPermissionPolicy(ModelPermissionPolicy):
    """Certificates come from completed courses and stay in the record: no adding or deleting."""

    forbidden = {"add", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.forbidden and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, set(actions) - self.forbidden)


register_permission_policy(Certificate, RevokeOnlyPermissionPolicy(Certificate))


class CertificateViewSet(ModelViewSet):
    """Certificates are issued by the system; in the admin they can only be revoked."""

    model = Certificate
    icon = "success"
    menu_label = _("Certificates")
    list_display = ["code", "holder_name", "course_title", "issued_at", "expires_at", "revoked_at"]
    search_fields = ["code", "holder_name", "course_title"]
    form_fields = ["revoked_reason"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return RevokeCertificateForm


class LearningViewSetGroup(ViewSetGroup):
    menu_label = _("Learning")
    menu_icon = "tasks"
    menu_order = 250
    items = (TrainingRequirementViewSet, CertificateViewSet)


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return LearningViewSetGroup()


@hooks.register("register_log_actions")
def register_audited_records(actions):
    # Quizzes know nothing of organisations, so their log entries (statistics exports) are
    # filed in the audit log from here.
    actions.register_model(Certificate, AuditEntry)
    actions.register_model(Quiz, AuditEntry)
    # Re-grades and retirements of questions change learners' records: same audit log.
    actions.register_model(Question, AuditEntry)
