from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("volunteer/", views.my_page, name="mine"),
    path("volunteer/log/", views.log_activity, name="log"),
    path("volunteer/records/<int:pk>/edit/", views.edit_activity, name="edit"),
    path("volunteer/records/<int:pk>/photo", views.photo, name="photo"),
    path("manage/volunteers/", views.team_list, name="teams"),
    path("manage/volunteers/<int:team_id>/", views.team, name="team"),
    path("manage/volunteers/<int:team_id>/decide/", views.decide, name="decide"),
    path("manage/volunteers/<int:team_id>/log/", views.log_for_members, name="log_group"),
    path("manage/volunteers/<int:team_id>/settings/", views.team_settings, name="settings"),
    path("manage/volunteers/<int:team_id>/export.xlsx", views.export, name="export"),
    path("reports/volunteers/", views.district, name="district"),
]
