"""My data at /account/ (included once from config/urls.py)."""

from django.urls import path

from . import my_data_views

app_name = "accounts_my_data"

urlpatterns = [
    path("", my_data_views.overview, name="overview"),
    path("edit/", my_data_views.edit, name="edit"),
    path("export.json", my_data_views.export, name="export"),
    path("delete/", my_data_views.delete, name="delete"),
]
