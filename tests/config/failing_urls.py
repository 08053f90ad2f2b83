"""A URL whose view fails, for the 500 page test; the site's own handler500 answers it."""

from django.urls import path


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]
handler500 = "config.faults.server_error"
