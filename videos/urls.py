from django.urls import path

from . import views

app_name = "videos"

urlpatterns = [
    path("videos/<id:video_id>/<str:filename>", views.serve, name="serve"),
    path("videos/<id:video_id>/<id:height>p/<str:filename>", views.rendition, name="rendition"),
]
