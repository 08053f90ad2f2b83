"""Targeted refresher training (针对性培训) from failed check points.

After a signed round, the unit's 责任人 or 管理人 may assign the lessons that teach its failed
check points to chosen members (or the whole unit); a district's coordinators may assign the
lessons of the check points failed most in their district to every member of the units of one
place type. The assignments themselves are courses' (courses.assignments): this module decides
who may, which lessons and which people, and writes the reason.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from courses.assignments import assign_lessons
from courses.models import LessonPage
from organisations.models import Membership, Organisation
from organisations.scope import coordinating_memberships, visible_organisations

from .models import Hazard, Round
from .services import INSPECTING_KINDS, leads, unit_members

# The district's roll-up looks back this far, and lists at most this many lessons.
MOST_FAILED_DAYS = 90
MOST_FAILED_LESSONS = 10


@dataclass
class FailedLesson:
    """A lesson that teaches one or more failed check points, and the reason to assign it."""

    lesson: LessonPage
    items: list = field(default_factory=list)
    failures: int = 0
    units: int = 0
    reason: str = ""


def _live_lessons(lesson_ids):
    return LessonPage.objects.live().in_bulk([pk for pk in lesson_ids if pk])


def _short_kind(kind):
    if kind == Round.Kind.PATROL:
        return pgettext("round kind, short", "patrol")
    return pgettext("round kind, short", "inspection")


def round_reason(round_, items):
    """本单位3月检查：疏散通道堵塞 — the reason an assignment from this round carries."""
    when = timezone.localtime(round_.signed_at or round_.started_at)
    return _("Our unit's %(month)s %(kind)s: %(items)s") % {
        "month": when.month,
        "kind": _short_kind(round_.kind),
        "items": "、".join(items),
    }


def round_lessons(round_, failed_points=None):
    """The live lessons of the round's failed check points (its hazards), in check point order.

    `failed_points`: the round's points that became hazards, when the caller has them."""
    if not round_.is_signed:
        return []
    if failed_points is None:
        failed_points = [hazard.point for hazard in round_.hazards.select_related("point")]
    points = failed_points
    points = sorted((p for p in points if p.lesson_id), key=lambda point: point.order)
    lessons = _live_lessons({point.lesson_id for point in points})
    by_lesson = {}
    for point in points:
        if point.lesson_id in lessons:
            found = by_lesson.setdefault(point.lesson_id, FailedLesson(lessons[point.lesson_id]))
            found.items.append(point.item)
            found.failures += 1
    for found in by_lesson.values():
        found.reason = round_reason(round_, found.items)
    return list(by_lesson.values())


def lessons_offered(user, round_, *, leader=None, failed_points=None):
    """What the round's page offers the user as 针对性培训: nothing unless they lead the unit.

    `leader`: whether the user leads the round's unit, when the caller knows it already."""
    if leader is None:
        leader = leads(user, round_.unit)
    if not round_.is_signed or not leader:
        return []
    return round_lessons(round_, failed_points)


def assign_from_round(actor, round_, *, lesson_ids, members=(), everyone=False, due_date):
    """A leader of the round's unit assigns lessons of its failed points to members of the unit."""
    if not round_.is_signed or not leads(actor, round_.unit):
        raise ValidationError(
            _("Only the unit's responsible person or manager can assign refresher training.")
        )
    offered = {found.lesson.pk: found for found in round_lessons(round_)}
    if not lesson_ids:
        raise ValidationError({"lessons": _("Choose at least one lesson.")})
    if any(pk not in offered for pk in lesson_ids):
        raise ValidationError(
            {"lessons": _("This lesson does not teach a check point the round failed.")}
        )
    current = unit_members(round_.unit)
    if everyone:
        people = list(current)
    else:
        allowed = set(current.filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
        if not members or any(member.pk not in allowed for member in members):
            raise ValidationError({"members": _("Choose current members of the unit.")})
        people = list(members)
    return assign_lessons(
        actor,
        people=[(person, round_.unit) for person in people],
        lessons=[(offered[pk].lesson, offered[pk].reason) for pk in lesson_ids],
        due_date=due_date,
        audit_organisation=round_.unit,
    )


# The district -----------------------------------------------------------------------------------


def coordinated_districts(user):
    """Districts where the user is a current coordinator."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = coordinating_memberships().filter(
        user=user, organisation__kind=Organisation.Kind.DISTRICT
    )
    return Organisation.objects.filter(pk__in=memberships.values("organisation")).order_by("path")


def units_of_place_type(user, district, place_type):
    """The district's active units and schools of one place type, within the user's scope."""
    return visible_organisations(user).filter(
        path__startswith=district.path,
        kind__in=INSPECTING_KINDS,
        is_active=True,
        place_types__name=place_type,
    )


def district_reason(district, items):
    return _("Often failed in %(district)s: %(items)s") % {
        "district": district.name,
        "items": "、".join(items),
    }


def most_failed_lessons(user, district, place_type, now=None):
    """Lessons of the check points failed most at units of the place type (recent rounds).

    One query over the hazards (each failed point of a signed round is one), grouped by the
    check point as it was asked and its lesson; then grouped by lesson, most failures first.
    """
    now = now or timezone.now()
    units = units_of_place_type(user, district, place_type)
    rows = (
        Hazard.objects.filter(
            unit__in=units.values("pk"),
            created_at__gte=now - timedelta(days=MOST_FAILED_DAYS),
            point__lesson_id__isnull=False,
        )
        .values("point__lesson_id", "point__item")
        .annotate(failures=Count("pk"), units=Count("unit", distinct=True), first=Min("pk"))
        .order_by("-failures", "first")
    )
    rows = list(rows[: MOST_FAILED_LESSONS * 5])
    lessons = _live_lessons({row["point__lesson_id"] for row in rows})
    by_lesson = {}
    for row in rows:
        lesson = lessons.get(row["point__lesson_id"])
        if lesson is None:
            continue
        found = by_lesson.setdefault(lesson.pk, FailedLesson(lesson))
        found.items.append(row["point__item"])
        found.failures += row["failures"]
        found.units = max(found.units, row["units"])
    found_lessons = sorted(by_lesson.values(), key=lambda found: -found.failures)
    for found in found_lessons:
        found.reason = district_reason(district, found.items)
    return found_lessons[:MOST_FAILED_LESSONS]


def assign_in_district(actor, district, *, place_type, lesson_ids, due_date):
    """A district coordinator assigns most-failed lessons to every member of the place type's
    units; each person once, at their first such unit."""
    if not coordinated_districts(actor).filter(pk=district.pk).exists():
        raise ValidationError(_("Only the district's coordinators can assign this."))
    offered = {found.lesson.pk: found for found in most_failed_lessons(actor, district, place_type)}
    if not lesson_ids:
        raise ValidationError({"lessons": _("Choose at least one lesson.")})
    if any(pk not in offered for pk in lesson_ids):
        raise ValidationError(
            {"lessons": _("This lesson does not teach a check point failed in the district.")}
        )
    memberships = (
        Membership.objects.current()
        .filter(
            organisation__in=units_of_place_type(actor, district, place_type).values("pk"),
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("organisation__path", "pk")
    )
    people = {}
    for membership in memberships:
        people.setdefault(membership.user_id, (membership.user, membership.organisation))
    if not people:
        raise ValidationError(_("No unit of this place type has members to assign to."))
    return assign_lessons(
        actor,
        people=list(people.values()),
        lessons=[(offered[pk].lesson, offered[pk].reason) for pk in lesson_ids],
        due_date=due_date,
        audit_organisation=district,
    )
