"""When a unit's next drill (演练) of its 灭火和应急疏散预案 is due: one rule, in one place.

The overview, the unit's page, the reports and the demo all ask `drill_due`; nothing else
decides whether a unit is overdue.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from courses.progress import add_months
from organisations.models import Organisation

# How the district marks a 消防安全重点单位: a place type of the unit, set where the other place
# types are (the organisation's page in /manage/). The 界定标准 that make a unit a key unit vary
# by province (FACTS.md §2, 未核实 for any number), so the platform does not guess: it is marked.
KEY_UNIT_PLACE_TYPE = "消防安全重点单位"

# The platform serves 青浦区, 上海市: the Shanghai regulation applies to every unit on it.
IN_SHANGHAI = True

BASIS_KEY = _("公安部令第61号 第四十条: key units drill at least every half year")
BASIS_SHANGHAI_KEY = _(
    "公安部令第61号 第四十条 and 《上海市消防条例》第四十六条第一款: key units drill at least "
    "every half year and at least twice a calendar year"
)
BASIS_OTHER = _("公安部令第61号 第四十条: other units drill at least once a year")
BASIS_SCHOOL = _(
    "教基一厅〔2014〕2号《中小学幼儿园应急疏散演练指南》: primary and secondary schools run an "
    "evacuation drill at least monthly"
)


@dataclass(frozen=True)
class DrillHistory:
    """What the rule needs to know of a unit's drills (superseded records left out)."""

    last: date | None = None  # the last drill of any kind
    last_evacuation: date | None = None  # the last 疏散 or 综合 drill
    this_year: int = 0  # drills held in today's calendar year
    last_year: int = 0  # drills held in the calendar year before


@dataclass(frozen=True)
class DrillDue:
    due: date | None  # the last day the next drill may be held; None: never drilled, due now
    overdue: bool
    basis: str


def drill_due(*, kind, is_key, history, today):
    """When the unit's next drill is due, whether it is overdue today, and the rule's basis.

    - A school (Organisation.Kind.SCHOOL, the only kind that tells a school): an evacuation
      drill (疏散 or 综合) at least monthly, by 教基一厅〔2014〕2号 (FACTS.md §7). Kindergartens
      (quarterly) are units to the platform, as their kind does not tell them apart.
    - A 消防安全重点单位 (marked by KEY_UNIT_PLACE_TYPE): at least every half year, by 公安部令
      第61号 第四十条 (FACTS.md §2): due six months after the last drill.
    - In Shanghai a key unit also drills at least twice a calendar year ([SHXF] 第四十六条
      第一款, FACTS.md §8): while the year of its last drill holds fewer than two, the second is
      due by that year's 31 December, whichever of the two dates comes first.
    - Any other unit: at least once a year (第四十条): due twelve months after the last drill.

    A unit that never recorded a drill is overdue. A drill is on time on the due day itself.
    """
    if kind == Organisation.Kind.SCHOOL:
        last, months, basis = history.last_evacuation, 1, BASIS_SCHOOL
    elif is_key:
        last, months = history.last, 6
        basis = BASIS_SHANGHAI_KEY if IN_SHANGHAI else BASIS_KEY
    else:
        last, months, basis = history.last, 12, BASIS_OTHER
    if last is None:
        return DrillDue(due=None, overdue=True, basis=str(basis))
    due = add_months(last, months)
    if is_key and IN_SHANGHAI and kind != Organisation.Kind.SCHOOL:
        held_that_year = {today.year: history.this_year, today.year - 1: history.last_year}
        if held_that_year.get(last.year, 0) < 2:
            due = min(due, date(last.year, 12, 31))
    return DrillDue(due=due, overdue=today > due, basis=str(basis))
