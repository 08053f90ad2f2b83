"""Who reaches the Wagtail admin (editors, reviewers, staff): one rule, read once per request.

Every page asks it (the editor's bar, two-factor sign-in, expired alerts shown to editors), and
Django's answer costs two queries for anyone but a superuser; the header's query reads it with
the other figures it shows (`exists`) and seeds the answer on the user object.
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

PERMISSION = "wagtailadmin.access_admin"
CACHE_ATTR = "_may_use_admin"


def may_use_admin(user):
    """Whether the person may open the Wagtail admin (Django's has_perm, read once)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, CACHE_ATTR, None)
    if cached is None:
        cached = user.has_perm(PERMISSION)
        remember(user, cached)
    return cached


def remember(user, answer):
    setattr(user, CACHE_ATTR, answer)


def exists(user_ref=None):
    """The permission as a subquery of a query over users (superusers are not in it)."""
    app_label, codename = PERMISSION.split(".")
    user_ref = user_ref if user_ref is not None else OuterRef("pk")
    return Exists(
        Permission.objects.filter(content_type__app_label=app_label, codename=codename).filter(
            Q(user=user_ref) | Q(group__user=user_ref)
        )
    )
