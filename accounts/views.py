from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import two_factor
from .forms import ChangePasswordForm, SignInForm
from .landing import landing_url


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        self.signing_in = user
        if two_factor.has_two_factor(user):
            two_factor.start_pending_sign_in(self.request, user, self.get_success_url())
            return redirect("accounts:two_factor_verify")
        return super().form_valid(form)

    def get_default_redirect_url(self):
        # Only without a safe ?next=: LoginView asks for this after checking next.
        return landing_url(getattr(self, "signing_in", None) or self.request.user)


class SignOutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            self.request.user.must_change_password = False
            self.request.user.save(update_fields=["must_change_password"])
        messages.success(self.request, _("Your password has been changed."))
        return response

    def get_success_url(self):
        next_url = self.request.POST.get("next") or self.request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return next_url
        return super().get_success_url()


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def lockout(request, original_response=None, credentials=None):
    """What django-axes shows once a login name or an address has failed too often (also for
    wrong second-factor codes)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = SignInForm(request, initial={"username": username})
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )


def too_many_codes(request, error, back_url):
    """429 with the time from which a new code may be asked for (a TooManyCodes error)."""
    response = render(
        request,
        "accounts/too_many_codes.html",
        {"retry_at": timezone.localtime(error.retry_at), "back_url": back_url},
        status=429,
    )
    response["Retry-After"] = str(error.retry_after_seconds())
    return response
