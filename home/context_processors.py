from django.conf import settings

LARGE_TYPE_COOKIE = settings.LARGE_TYPE_COOKIE


def display_preferences(request):
    """The reader's display choices, so the page is rendered right without waiting for script."""
    return {"large_type": request.COOKIES.get(LARGE_TYPE_COOKIE) == "1"}
