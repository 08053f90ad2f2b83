from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report, name="report"),
    path("reports/people/", views.people_list, name="people"),
    path("reports/reminders/", views.reminders, name="reminders"),
    path("reports/export/<str:what>.<str:file_format>", views.export, name="export"),
]
