from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import two_factor


class NoStoreForSignedInMiddleware:
    """Signed-in pages carry personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ForcePasswordChangeMiddleware:
    """After a coordinator resets a password, the person must choose their own before going on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and request.path not in self.allowed_paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            return redirect_to_password_change(request)
        return self.get_response(request)

    @staticmethod
    def allowed_paths():
        return {reverse("accounts:password_change"), reverse("accounts:logout")}


def redirect_to_password_change(request):
    return redirect(f"{reverse('accounts:password_change')}?next={request.get_full_path()}")


class TwoFactorMiddleware:
    """A second factor before anything else: the code for those with an app, and (where
    TWO_FACTOR_REQUIRED) enrolment for the powerful who have none.

    The site's sign-in asks for the code before it signs anyone in; this also catches sessions
    begun another way, and a session whose app was removed by a reset. Deciding costs a few
    queries, so sign-in notes in the session when it owes nothing (until the next sign-in or a
    change of the setting), except in the Wagtail admin, which is checked on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
        ):
            response = self.second_factor_owed(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def second_factor_owed(self, request, user):
        if user.is_verified():
            return None
        in_admin = request.path.startswith(reverse("wagtailadmin_home"))
        exempt = request.session.get(two_factor.EXEMPT_SESSION_KEY)
        if not in_admin and exempt == two_factor.exemption_key(user):
            return None
        owed = two_factor.second_factor_owed(user)
        logout_path = reverse("accounts:logout")
        if owed == "verify":
            verify_path = reverse("accounts:two_factor_verify")
            if request.path in {verify_path, logout_path}:
                return None
            return redirect_with_next(verify_path, request)
        if owed == "enrol":
            enrol_path = reverse("accounts:two_factor_enrol")
            allowed = {enrol_path, logout_path, *ForcePasswordChangeMiddleware.allowed_paths()}
            allowed.add(reverse("accounts:password_change_done"))
            if request.path in allowed:
                return None
            return redirect_with_next(enrol_path, request)
        if exempt is None:
            # A session begun before this rule existed: decide once, then remember.
            request.session[two_factor.EXEMPT_SESSION_KEY] = two_factor.exemption_key(user)
        return None


def redirect_with_next(path, request):
    return redirect(f"{path}?{urlencode({'next': request.get_full_path()})}")


class RefuseNullCharactersMiddleware:
    """A NUL character in the path, the query or a posted form is a 400, never a 500.

    PostgreSQL cannot store or even compare text holding NUL (DataError), and many views filter
    on a query or path value directly; no form field of the site takes one.
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or self._holds_null(request.GET):
            raise SuspiciousOperation("NUL character in the URL")
        posts_a_form = request.method == "POST" and request.content_type in self.FORM_TYPES
        if posts_a_form and self._holds_null(request.POST):
            raise SuspiciousOperation("NUL character in a posted field")
        return self.get_response(request)

    @staticmethod
    def _holds_null(query):
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in query.lists()
        )
