from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("display/text-size/", views.set_text_size, name="text_size"),
]
