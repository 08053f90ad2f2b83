from django.urls import path

from . import views

app_name = "alerts"

# Django's URLs are matched before Wagtail's page tree, so none of these sits under /alerts/.
urlpatterns = [
    path("manage/alerts/", views.manage_alerts, name="manage"),
    path("manage/alerts/<id:page_id>/send/", views.send_alert, name="send"),
    path("manage/alerts/dispatches/<id:pk>/", views.dispatch_detail, name="dispatch"),
    path(
        "manage/alerts/dispatches/<id:pk>/export.<str:file_format>",
        views.dispatch_export,
        name="dispatch_export",
    ),
    path("notices/", views.notices, name="notices"),
    path("notices/<id:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
