from django.urls import path

from . import views

app_name = "videos"

urlpatterns = [
    # Before the file route, which would take captions.vtt for a file name.
    path("videos/<id:video_id>/captions.vtt", views.captions, name="captions"),
    path("videos/<id:video_id>/<str:filename>", views.serve, name="serve"),
    path("videos/<id:video_id>/<id:height>p/<str:filename>", views.rendition, name="rendition"),
]
