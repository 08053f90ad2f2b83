from django.urls import path

from . import attendance, campaigns, views

app_name = "courses"

urlpatterns = [
    path("learn/", views.learn, name="learn"),
    path("learn/courses/<id:course_id>/start/", views.start_course, name="start"),
    path("learn/lessons/<id:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("learn/lessons/<id:lesson_id>/video/", views.video_progress, name="video_progress"),
    path("learn/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/verify/", views.verify_form, name="verify_form"),
    path("certificates/verify/<str:code>/", views.verify_certificate, name="verify"),
    path("manage/requirements/", views.requirement_list, name="requirements"),
    path("manage/attendance/", attendance.practical_lessons, name="attendance_lessons"),
    path("manage/attendance/<id:lesson_id>/", attendance.attendance, name="attendance"),
    path("manage/requirements/new/", views.requirement_create, name="requirement_create"),
    path("manage/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("manage/campaigns/<id:campaign_id>/", campaigns.campaign_overview, name="campaign"),
    path(
        "manage/campaigns/<id:campaign_id>/classes/<id:class_id>/",
        campaigns.class_roster_view,
        name="campaign_roster",
    ),
    path(
        "manage/campaigns/<id:campaign_id>/classes/<id:class_id>/join-code/",
        campaigns.class_join_code,
        name="campaign_join_code",
    ),
]
