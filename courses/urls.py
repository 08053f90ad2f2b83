from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("learn/", views.learn, name="learn"),
    path("learn/courses/<int:course_id>/start/", views.start_course, name="start"),
    path("learn/lessons/<int:lesson_id>/complete/", views.complete_lesson, name="complete"),
    path("learn/lessons/<int:lesson_id>/video/", views.video_progress, name="video_progress"),
    path("learn/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/verify/<str:code>/", views.verify_certificate, name="verify"),
    path("manage/requirements/", views.requirement_list, name="requirements"),
    path("manage/requirements/new/", views.requirement_create, name="requirement_create"),
]
