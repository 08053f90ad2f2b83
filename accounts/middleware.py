from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


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
