from django.urls import path

from . import checkin_views, drill_views, session_views, signoff_views

app_name = "drills"

urlpatterns = [
    path("drills/", session_views.index, name="index"),
    path("drills/sessions/", session_views.mine, name="mine"),
    path("drills/sessions/new/", session_views.schedule, name="schedule"),
    path("drills/sessions/<id:pk>/", session_views.detail, name="session"),
    path("drills/sessions/<id:pk>/edit/", session_views.edit, name="edit"),
    path("drills/sessions/<id:pk>/cancel/", session_views.cancel, name="cancel"),
    path("drills/sessions/<id:pk>/enrol/", session_views.enrol, name="enrol"),
    path("drills/sessions/<id:pk>/sign-up/", session_views.sign_up, name="sign_up"),
    path("drills/sessions/<id:pk>/cancel-place/", session_views.cancel_place, name="cancel_place"),
    path("drills/sessions/<id:pk>/session.ics", session_views.calendar, name="calendar"),
    path("drills/sessions/<id:pk>/checkin/", checkin_views.qr_page, name="checkin"),
    path("drills/sessions/<id:pk>/checkin/code/", checkin_views.qr_code, name="checkin_code"),
    path("drills/sessions/<id:pk>/check-in/<slug:token>/", checkin_views.check_in, name="check_in"),
    path("drills/sessions/<id:pk>/roster/<id:enrolment_id>/", checkin_views.mark, name="mark"),
    path("drills/sessions/<id:pk>/roster/accept/", checkin_views.accept, name="accept"),
    path("drills/sessions/<id:pk>/roster/close/", checkin_views.close_roster, name="close_roster"),
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
    path("drills/units/", drill_views.my_units, name="units"),
    path("drills/units/<id:unit_id>/", drill_views.unit_page, name="unit"),
    path("drills/units/<id:unit_id>/new/", drill_views.new_drill, name="new"),
    path("drills/drills/<id:pk>/", drill_views.drill_page, name="drill"),
    path("drills/drills/<id:pk>/correct/", drill_views.correct_drill, name="correct"),
    path("drills/problems/<id:pk>/hazard/", drill_views.problem_hazard, name="problem_hazard"),
    path("drills/photos/<id:pk>", drill_views.drill_photo, name="drill_photo"),
    path("drills/overview/", drill_views.overview, name="overview"),
    path("drills/overview/export.xlsx", drill_views.overview_export, name="overview_export"),
]
