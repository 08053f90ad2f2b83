from django.urls import path

from . import notices, two_factor_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.ChangePasswordView.as_view(), name="password_change"),
    path(
        "password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("two-factor/", two_factor_views.overview, name="two_factor"),
    path("two-factor/setup/", two_factor_views.enrol, name="two_factor_enrol"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("messages/", notices.notice_list, name="notices"),
    path("messages/read/", notices.mark_all_read, name="notices_read"),
]
