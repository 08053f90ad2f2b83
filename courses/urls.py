from django.urls import path

from . import attendance, campaigns, views

app_name = "courses"

urlpatterns = [
    path("learn/", views.learn, name="learn"),
    path("learn/courses/<int:course_id>/start/", views.start_course, name="start"),
    path("learn/lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("learn/lessons/<int:lesson_id>/video/", views.video_progress, name="video_progress"),
    path("learn/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/verify/<str:code>/", views.verify_certificate, name="verify"),
    path("manage/requirements/", views.requirement_list, name="requirements"),
    path("manage/attendance/", attendance.practical_lessons, name="attendance_lessons"),
    path("manage/attendance/<int:lesson_id>/", attendance.attendance, name="attendance"),
    path("manage/requirements/new/", views.requirement_create, name="requirement_create"),
    path("manage/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("manage/campaigns/<int:campaign_id>/", campaigns.campaign_overview, name="campaign"),
    path(
        "manage/campaigns/<int:campaign_id>/classes/<int:class_id>/",
        campaigns.class_roster_view,
        name="campaign_roster",
    ),
    path(
        "manage/campaigns/<int:campaign_id>/classes/<int:class_id>/join-code/",
        campaigns.class_join_code,
        name="campaign_join_code",
    ),
]
