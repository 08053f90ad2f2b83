"""Small server-rendered SVG charts; the same numbers are in the table for screen readers."""

from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncWeek

from courses.models import Enrolment

from .rollup import Filters, _qualifying_sql, moment_of


def weekly_completions(requirement, visible, parent, filters=None, as_of_date=None):
    """[(week start, completions that week, cumulative)] for the people concerned."""
    filters = filters or Filters()
    as_of = moment_of(as_of_date)
    sql, params = _qualifying_sql(
        requirement, visible, parent.path if parent else "", filters, as_of, homes=False
    )
    rows = (
        Enrolment.objects.filter(
            course_id=requirement.course_id,
            completed_at__isnull=False,
            completed_at__lte=as_of,
            # The SQL comes from rollup's constant fragments; values are parameters.
            user_id__in=RawSQL(sql, params),  # noqa: S611
        )
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(count=Count("id"))
        .order_by("week")
    )
    series, total = [], 0
    for row in rows:
        total += row["count"]
        series.append((row["week"], row["count"], total))
    return series


def line_dots(series, width=600, height=160, pad=24):
    """[(x, y, cumulative)] for a cumulative series, scaled into the SVG box."""
    if not series:
        return []
    top = max(cumulative for _week, _count, cumulative in series) or 1
    step = (width - 2 * pad) / max(1, len(series) - 1)
    return [
        (
            round(pad + index * step, 1),
            round(height - pad - (height - 2 * pad) * cumulative / top, 1),
            cumulative,
        )
        for index, (_week, _count, cumulative) in enumerate(series)
    ]


def line_points(dots):
    return " ".join(f"{x},{y}" for x, y, _label in dots)
