"""Two-factor pages: the code step after the password, enrolment, recovery codes.

After a correct password, someone with an authenticator app is not signed in yet: the session
only remembers who passed the password (for a few minutes), and Django's login() happens when the
code is right. So the lockout's counter, which a successful sign-in clears, is cleared only by
both factors: a stolen password gives no fresh guesses at the code.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import two_factor
from .forms import EnrolmentForm, SecondFactorForm
from .two_factor import EXEMPT_SESSION_KEY, PENDING_SESSION_KEY
from .views import lockout


def _pending_sign_in(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending:
        return None, None
    if time.time() - pending.get("since", 0) > settings.TWO_FACTOR_PENDING_SECONDS:
        del request.session[PENDING_SESSION_KEY]
        messages.info(request, _("The code was not entered in time. Please sign in again."))
        return None, None
    person = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    return person, pending


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: the app's code or a recovery code."""
    if request.user.is_authenticated:
        # Signed in some other way (or before the app was set up elsewhere): prove it now.
        person, pending = request.user, None
        if request.user.is_verified() or not two_factor.has_two_factor(person):
            return redirect(_safe_next(request, request.GET.get("next")))
    else:
        person, pending = _pending_sign_in(request)
        if person is None:
            return redirect("accounts:login")

    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        credentials = {"username": person.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(PENDING_SESSION_KEY, None)
            return lockout(request, credentials=credentials)
        if form.is_valid():
            device = two_factor.verify_second_factor(person, form.cleaned_data["code"])
            if device is not None:
                return _finish_sign_in(request, person, pending, device)
            form.reject()
            # Counted with the wrong passwords: 5 for the account, 50 for the address.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if request.axes_locked_out:
                request.session.pop(PENDING_SESSION_KEY, None)
                return lockout(request, credentials=credentials)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "person": person})


def _finish_sign_in(request, person, pending, device):
    if pending is not None:
        del request.session[PENDING_SESSION_KEY]
        auth_login(request, person, backend=pending["backend"])
        next_url = pending["next"]
    else:
        next_url = request.GET.get("next")
    otp_login(request, device)
    if isinstance(device, StaticDevice):
        messages.warning(
            request,
            _(
                "You signed in with a recovery code; it cannot be used again. "
                "%(count)s recovery codes are left."
            )
            % {"count": two_factor.recovery_codes_left(person)},
        )
    return redirect(_safe_next(request, next_url))


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), enter one code."""
    user = request.user
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if two_factor.has_two_factor(user):
        return redirect("accounts:two_factor")
    device = two_factor.enrolment_device(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(device, form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session.pop(EXEMPT_SESSION_KEY, None)
            return _show_recovery_codes(request, codes, _safe_next(request, next_url))
        form.reject()
    context = {
        "form": form,
        "qr_data_uri": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_text(device),
        "required": two_factor.is_required() and two_factor.must_use_two_factor(user),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_enrol.html", context)


def _show_recovery_codes(request, codes, next_url):
    # Rendered in the answer to the POST, never stored for a later page: shown once.
    return render(
        request,
        "accounts/two_factor_recovery_codes.html",
        {"codes": codes, "next": next_url},
    )


@login_required
@require_http_methods(["GET", "POST"])
def overview(request):
    """Whether two-factor sign-in is on, and new recovery codes (after a code from the app)."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and enabled and form.is_valid():
        if two_factor.verify_second_factor(user, form.cleaned_data["code"]) is not None:
            codes = two_factor.new_recovery_codes(user)
            return _show_recovery_codes(request, codes, reverse("accounts:two_factor"))
        form.reject()
    context = {
        "enabled": enabled,
        "must_use": two_factor.must_use_two_factor(user),
        "required": two_factor.is_required(),
        "codes_left": two_factor.recovery_codes_left(user) if enabled else 0,
        "form": form,
    }
    return render(request, "accounts/two_factor.html", context)
