from django.urls import path

from . import signoff_views

app_name = "drills"

urlpatterns = [
    path(
        "drills/sessions/<id:session_id>/skills/",
        signoff_views.roster,
        name="signoff_roster",
    ),
    path(
        "drills/sessions/<id:session_id>/skills/<id:enrolment_id>/",
        signoff_views.person,
        name="signoff_person",
    ),
]
