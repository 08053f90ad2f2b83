from django.urls import include, path

app_name = "organisations"

urlpatterns = [
    path("", include("organisations.urls_join")),
]
