from django.conf import settings
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.documents import urls as wagtaildocs_urls

from .ids import DatabaseIdConverter

# Before the includes below, which import the URLs that use <id:…> for database ids (the apps'
# and, through the register_admin_urls hook, the admin's: hence the admin included by name).
register_converter(DatabaseIdConverter, "id")

urlpatterns = [
    # Wagtail's own sign-in would skip the second factor: the admin signs in through the site's.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", include("wagtail.admin.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("account/", include("accounts.urls_my_data")),
    path("", include("organisations.urls")),
    path("", include("quizzes.urls")),
    path("", include("courses.urls")),
    path("", include("videos.urls")),
    path("", include("reports.urls")),
    path("", include("volunteers.urls")),
    path("", include("handbooks.urls")),
    path("", include("inspections.urls")),
    path("", include("drills.urls")),
    path("", include("alerts.urls")),
    path("", include("home.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]

# A database error outside any view (a middleware's) answers the 503 page too (config/faults.py).
handler500 = "config.faults.server_error"
