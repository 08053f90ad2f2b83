from django.urls import include, path

from . import audit_views, manage_views, membership_views, two_factor_views

app_name = "organisations"

urlpatterns = [
    # The coordinator area (docs/org-manage.md).
    path("manage/", manage_views.tree, name="manage"),
    path(
        "manage/organisations/<id:pk>/",
        manage_views.organisation_detail,
        name="manage_organisation",
    ),
    path(
        "manage/organisations/<id:pk>/members/",
        manage_views.member_list,
        name="manage_members",
    ),
    path(
        "manage/organisations/<id:pk>/members/add/",
        manage_views.add_member,
        name="manage_add_member",
    ),
    path("manage/members/<id:pk>/", manage_views.member_detail, name="manage_member"),
    path("manage/members/<id:pk>/role/", manage_views.change_role, name="manage_change_role"),
    path("manage/members/<id:pk>/move/", manage_views.move_member, name="manage_move_member"),
    path("manage/members/<id:pk>/end/", manage_views.end_membership, name="manage_end_membership"),
    path(
        "manage/members/<id:pk>/deactivate/",
        manage_views.deactivate_person,
        name="manage_deactivate",
    ),
    path(
        "manage/members/<id:pk>/reset-password/",
        manage_views.reset_password,
        name="manage_reset_password",
    ),
    path(
        "manage/members/<id:pk>/move-phone/",
        manage_views.move_proven_phone,
        name="manage_move_proven_phone",
    ),
    path("manage/audit/", audit_views.audit_log, name="manage_audit"),
    path("manage/audit/export/", audit_views.audit_export, name="manage_audit_export"),
    path(
        "manage/people/<id:pk>/two-factor/",
        two_factor_views.person_two_factor,
        name="manage_person_two_factor",
    ),
    path(
        "memberships/<id:pk>/leave/",
        membership_views.leave_membership,
        name="leave_membership",
    ),
    path("", include("organisations.urls_join")),
]
