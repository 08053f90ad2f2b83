"""Where a person lands after signing in when no ?next= is given.

Apps above accounts register a function; accounts does not import them (DESIGN.md's layering).
courses registers 我的学习 for a learner with required training due.
"""

from django.conf import settings

_landings = []


def register_landing(func):
    """Add func(user) -> a local URL or None. The first URL given wins."""
    if func not in _landings:
        _landings.append(func)
    return func


def landing_url(user):
    for func in _landings:
        url = func(user)
        if url:
            return url
    return settings.LOGIN_REDIRECT_URL
