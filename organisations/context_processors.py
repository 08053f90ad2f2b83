from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts import admin_access
from accounts.models import Notice

from .models import Membership
from .scope import coordinating_memberships


def header(request):
    """Context processor: what the header shows a signed-in person, read in one query.

    `unread_notice_count` (messages not read yet), `is_volunteer` (serves in a volunteer team now,
    so has a 我的志愿服务 page) and `may_manage` (coordinates something, so 管理 leads somewhere
    rather than to a refusal). The answer also seeds `scope.is_volunteer`'s cache, so a page body
    that asks again costs nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # A signed-out coordinator finds 管理 and is asked to sign in.
        return {"is_volunteer": False, "may_manage": True, "may_use_admin": False}
    unread = (
        Notice.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    figures = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            unread=Coalesce(Subquery(unread), 0),
            volunteer=Exists(Membership.objects.volunteering().filter(user=OuterRef("pk"))),
            coordinator=Exists(coordinating_memberships().filter(user=OuterRef("pk"))),
            admin=admin_access.exists(),
        )
        .first()
    ) or {"unread": 0, "volunteer": False, "coordinator": False, "admin": False}
    user._is_volunteer_cache = figures["volunteer"]
    may_use_admin = user.is_active and (user.is_superuser or figures["admin"])
    admin_access.remember(user, may_use_admin)
    return {
        "unread_notice_count": figures["unread"],
        "is_volunteer": figures["volunteer"],
        "may_manage": user.is_superuser or figures["coordinator"],
        # Only they get Wagtail's editor bar, whose own check would cost two queries.
        "may_use_admin": may_use_admin,
    }
