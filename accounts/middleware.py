from django.conf import settings
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
