"""URLs of joining by code, join codes and posters for coordinators, and the member import."""

from django.urls import path

from . import imports_views, join_views

urlpatterns = [
    path("join/", join_views.enter_code, name="join"),
    path("join/welcome/", join_views.student_welcome, name="join_welcome"),
    path("join/<str:code>/", join_views.join_with_code, name="join_code"),
    path("join/<str:code>/confirm/", join_views.confirm_join, name="join_confirm"),
    path(
        "manage/organisations/<id:pk>/join-codes/",
        join_views.manage_join_codes,
        name="manage_join_codes",
    ),
    path(
        "manage/join-codes/<id:code_pk>/rotate/",
        join_views.rotate_join_code,
        name="rotate_join_code",
    ),
    path(
        "manage/join-codes/<id:code_pk>/disable/",
        join_views.disable_join_code,
        name="disable_join_code",
    ),
    path(
        "manage/join-codes/<id:code_pk>/poster.pdf",
        join_views.join_code_poster,
        name="join_code_poster",
    ),
    path("manage/import/", imports_views.upload, name="import_upload"),
    path("manage/import/template.xlsx", imports_views.template, name="import_template"),
    path("manage/import/<str:digest>/", imports_views.preview, name="import_preview"),
    path("manage/import/<str:digest>/columns/", imports_views.columns, name="import_columns"),
    path("manage/import/<str:digest>/confirm/", imports_views.confirm, name="import_confirm"),
    path("manage/import/result/<str:token>/", imports_views.result, name="import_result"),
    path(
        "manage/import/result/<str:token>/passwords.xlsx",
        imports_views.passwords,
        name="import_passwords",
    ),
]
