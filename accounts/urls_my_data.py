"""My data at /account/ (included once from config/urls.py)."""

from django.urls import path

from . import my_data_views

app_name = "accounts_my_data"

urlpatterns = [
    path("", my_data_views.overview, name="overview"),
    path("edit/", my_data_views.edit, name="edit"),
    path("phone/confirm/", my_data_views.confirm_phone, name="confirm_phone"),
    path("phone/send-code/", my_data_views.confirm_current_phone, name="confirm_current_phone"),
    path("export.json", my_data_views.export, name="export"),
    path("delete/", my_data_views.delete, name="delete"),
]
