from django.urls import path

from . import drill_views, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report, name="report"),
    path("reports/people/", views.people_list, name="people"),
    path("reports/refreshers/", views.refreshers, name="refreshers"),
    path(
        "reports/refreshers/export.<str:file_format>",
        views.refreshers_export,
        name="refreshers_export",
    ),
    path("reports/drills/", drill_views.drills, name="drills"),
    path("reports/drills/export.xlsx", drill_views.drills_export, name="drills_export"),
    path("reports/reminders/", views.reminders, name="reminders"),
    path("reports/export/<str:what>.<str:file_format>", views.export, name="export"),
    path("reports/exports/<uuid:pk>/", views.export_status, name="export_status"),
    path("reports/exports/<uuid:pk>/download", views.export_download, name="export_download"),
]
