from django.urls import path  # noqa: F401 - the routes come with the sessions and drills

app_name = "drills"

urlpatterns = []
