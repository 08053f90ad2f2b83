from django.urls import path

from . import overview_views, refresher_views, views

app_name = "inspections"

urlpatterns = [
    path("inspections/", views.home, name="home"),
    path("inspections/overview/", overview_views.overview, name="overview"),
    path(
        "inspections/overview/export.xlsx", overview_views.overview_export, name="overview_export"
    ),
    path(
        "inspections/overview/units/<id:unit_id>/",
        overview_views.overview_unit,
        name="overview_unit",
    ),
    path("inspections/units/<id:unit_id>/start/", views.start, name="start"),
    path("inspections/units/<id:unit_id>/inspectors/", views.nominate, name="nominate"),
    path("inspections/inspectors/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("inspections/rounds/<id:pk>/", views.round_detail, name="round"),
    path(
        "inspections/rounds/<id:pk>/points/<id:point_id>/answer/",
        views.answer,
        name="answer",
    ),
    path("inspections/rounds/<id:pk>/sign/", views.sign, name="sign"),
    path(
        "inspections/rounds/<id:pk>/refresher/",
        refresher_views.round_refresher,
        name="refresher",
    ),
    path(
        "inspections/refresher/",
        refresher_views.district_refresher,
        name="district_refresher",
    ),
    path(
        "inspections/rounds/<id:pk>/points/<id:point_id>/correct/",
        views.correct,
        name="correct",
    ),
    path("inspections/rounds/<id:pk>/record.pdf", views.round_record_download, name="record"),
    path("inspections/hazards/<id:pk>/", views.hazard_detail, name="hazard"),
    path("inspections/hazards/<id:pk>/change/", views.hazard_change, name="hazard_change"),
    path("inspections/hazards/<id:pk>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("inspections/hazards/<id:pk>/close/", views.hazard_close, name="hazard_close"),
    path("inspections/answers/<id:pk>/photo", views.answer_photo, name="answer_photo"),
    path("inspections/hazards/<id:pk>/fix-photo", views.fix_photo, name="fix_photo"),
]
