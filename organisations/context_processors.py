from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from accounts import admin_access
from accounts.models import Notice

from .models import Membership
from .scope import coordinating_memberships

# Compiled once per process and per database: the query is the same for everyone but for the
# user's id, and building it with the ORM (four subqueries) cost more than running it.
_SENTINEL_ID = -7_310_119
_FIGURES = ("unread", "volunteer", "coordinator", "admin")
_compiled = {}
# Figures of the apps above this one (layering: they register, this module never imports them),
# read in the same query: {name: callable returning an expression on the user row}.
_registered = {}


def register_figure(name, expression):
    """Add a figure to the header's one query; the context gets it as a boolean `name`."""
    _registered[name] = expression
    _compiled.clear()


def _figures_queryset(user_id):
    unread = (
        Notice.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        get_user_model()
        .objects.filter(pk=user_id)
        .values(
            unread=Coalesce(Subquery(unread), 0),
            volunteer=Exists(Membership.objects.volunteering().filter(user=OuterRef("pk"))),
            coordinator=Exists(coordinating_memberships().filter(user=OuterRef("pk"))),
            admin=admin_access.exists(),
            **{name: expression() for name, expression in _registered.items()},
        )
    )


def header_figures(user):
    """{unread, volunteer, coordinator, admin} of the user, in one query."""
    alias = get_user_model().objects.db
    if alias not in _compiled:
        query = _figures_queryset(_SENTINEL_ID).query
        _compiled[alias] = query.get_compiler(alias).as_sql()
    sql, params = _compiled[alias]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user.pk if param == _SENTINEL_ID else param for param in params])
        row = cursor.fetchone()
    if row is None:
        return dict.fromkeys((*_FIGURES, *_registered), False) | {"unread": 0}
    # The columns come in the order .values() named them; booleans as the database gives them.
    unread, volunteer, coordinator, admin, *more = row
    return {
        "unread": unread or 0,
        "volunteer": bool(volunteer),
        "coordinator": bool(coordinator),
        "admin": bool(admin),
    } | {name: bool(value) for name, value in zip(_registered, more, strict=True)}


def header(request):
    """Context processor: what the header shows a signed-in person, read in one query.

    `unread_notice_count` (messages not read yet), `is_volunteer` (serves in a volunteer team now,
    so has a 我的志愿服务 page), `may_manage` (coordinates something, so 管理 leads somewhere
    rather than to a refusal) and `may_use_admin`. The answer also seeds `scope.is_volunteer`'s
    and `admin_access`'s caches, so a page body that asks again costs nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # A signed-out coordinator finds 管理 and is asked to sign in.
        return {"is_volunteer": False, "may_manage": True, "may_use_admin": False} | dict.fromkeys(
            _registered, False
        )
    figures = header_figures(user)
    user._is_volunteer_cache = figures["volunteer"]
    may_use_admin = user.is_active and (user.is_superuser or figures["admin"])
    admin_access.remember(user, may_use_admin)
    return {
        "unread_notice_count": figures["unread"],
        "is_volunteer": figures["volunteer"],
        "may_manage": user.is_superuser or figures["coordinator"],
        # Only they get Wagtail's editor bar, whose own check would cost two queries.
        "may_use_admin": may_use_admin,
    } | {name: figures[name] for name in _registered}
