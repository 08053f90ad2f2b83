from django.urls import path

from . import drill_views

app_name = "drills"

urlpatterns = [
    path("drills/units/", drill_views.my_units, name="units"),
    path("drills/units/<id:unit_id>/", drill_views.unit_page, name="unit"),
    path("drills/units/<id:unit_id>/new/", drill_views.new_drill, name="new"),
    path("drills/drills/<id:pk>/", drill_views.drill_page, name="drill"),
    path("drills/drills/<id:pk>/correct/", drill_views.correct_drill, name="correct"),
    path("drills/problems/<id:pk>/hazard/", drill_views.problem_hazard, name="problem_hazard"),
    path("drills/photos/<id:pk>", drill_views.drill_photo, name="drill_photo"),
    path("drills/overview/", drill_views.overview, name="overview"),
    path("drills/overview/export.xlsx", drill_views.overview_export, name="overview_export"),
]
