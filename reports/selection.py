"""Reading the report's query string: which requirement, organisation, filters and date.

Anything outside the viewer's scope is a 404; filter values that mean nothing are dropped and
reported back as notices, never a 500.
"""

from dataclasses import dataclass, field
from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import TrainingRequirement
from organisations.models import Membership, Organisation
from organisations.place_types import PLACE_TYPES
from organisations.scope import visible_organisations

from .rollup import STATUSES, Filters, rollup, top_organisations, totals

# No training was recorded before the platform: and renewal arithmetic (as_of minus N months)
# must stay inside the calendar, which 0001-01-01 does not.
EARLIEST_DATE = date(2000, 1, 1)


def requirements_for(user, visible):
    """Requirements whose subtree meets the viewer's scope (above it, or inside it)."""
    roots = list(top_organisations(visible).values_list("path", flat=True))
    requirements = TrainingRequirement.objects.filter(is_active=True).select_related(
        "course", "organisation"
    )
    return [
        requirement
        for requirement in requirements.order_by("due_date", "pk")
        if any(
            root.startswith(requirement.organisation.path)
            or requirement.organisation.path.startswith(root)
            for root in roots
        )
    ]


def requirement_that_matters(requirements, visible):
    """Where the report opens: the current requirement with people still to finish.

    Current means not yet past its due date (soonest first), then past ones; one finished by
    everyone leaves the coordinator nothing to do and is the fallback only when all are.
    """
    today = timezone.localdate()
    current_first = sorted(requirements, key=lambda r: (r.due_date < today, r.due_date, r.pk))
    for requirement in current_first:
        total = totals(rollup(requirement, visible, None))
        if total.completed < total.required:
            return requirement
    return requirements[0]


@dataclass
class Selection:
    visible: object
    requirements: list
    requirement: object = None
    organisation: object = None
    filters: Filters = field(default_factory=Filters)
    as_of: date | None = None
    notices: list = field(default_factory=list)

    def query(self, **changes):
        """The query string of this selection with some values changed (for links)."""
        from django.http import QueryDict

        values = {
            "requirement": self.requirement.pk if self.requirement else "",
            "organisation": self.organisation.pk if self.organisation else "",
            "role": self.filters.roles[0] if len(self.filters.roles) == 1 else "",
            "status": self.filters.status,
            "kind": self.filters.kind,
            "place_type": self.filters.place_type,
            "sector": self.filters.sector,
            "as_of": self.as_of.isoformat() if self.as_of else "",
            **changes,
        }
        query = QueryDict(mutable=True)
        for key, value in values.items():
            if value not in ("", None):
                query[key] = value
        return query.urlencode()


def read_selection(request):
    return selection_for(request.user, request.GET)


def selection_for(user, params):
    """The selection a query string means for this user (also used by background exports)."""
    visible = visible_organisations(user)
    requirements = requirements_for(user, visible)
    selection = Selection(visible=visible, requirements=requirements)

    requirement_id = params.get("requirement")
    if requirement_id:
        selection.requirement = next(
            (r for r in requirements if str(r.pk) == requirement_id.strip()), None
        )
        if selection.requirement is None:
            raise Http404
    elif requirements:
        selection.requirement = requirement_that_matters(requirements, visible)

    organisation_id = params.get("organisation")
    if organisation_id:
        try:
            selection.organisation = visible.get(pk=int(organisation_id))
        except (ValueError, Organisation.DoesNotExist) as missing:
            raise Http404 from missing

    else:
        # A coordinator of one organisation starts at it: its rows are its children.
        tops = list(top_organisations(visible)[:2])
        if len(tops) == 1:
            selection.organisation = tops[0]

    role = params.get("role", "")
    if role:
        if role in Membership.Role.values:
            selection.filters.roles = [role]
        else:
            selection.notices.append(_("Unknown role “%(value)s” ignored.") % {"value": role})
    status = params.get("status", "")
    if status:
        if status in STATUSES:
            selection.filters.status = status
        else:
            selection.notices.append(_("Unknown status “%(value)s” ignored.") % {"value": status})
    kind = params.get("kind", "")
    if kind:
        if kind in Organisation.Kind.values:
            selection.filters.kind = kind
        else:
            selection.notices.append(
                _("Unknown kind of organisation “%(value)s” ignored.") % {"value": kind}
            )
    place_type = params.get("place_type", "")
    if place_type:
        if place_type in PLACE_TYPES:
            selection.filters.place_type = place_type
        else:
            selection.notices.append(
                _("Unknown place type “%(value)s” ignored.") % {"value": place_type}
            )
    sector = params.get("sector", "")
    if sector:
        if sector in Organisation.Sector.values:
            selection.filters.sector = sector
        else:
            selection.notices.append(_("Unknown sector “%(value)s” ignored.") % {"value": sector})
    as_of = params.get("as_of", "")
    if as_of:
        try:
            selection.as_of = date.fromisoformat(as_of)
        except ValueError:
            selection.notices.append(
                _("“%(value)s” is not a date; today is shown.") % {"value": as_of}
            )
        else:
            if selection.as_of > timezone.localdate():
                selection.notices.append(_("A date in the future cannot be shown; today is shown."))
                selection.as_of = None
            elif selection.as_of < EARLIEST_DATE:
                selection.notices.append(
                    _("Dates before %(earliest)s cannot be shown; today is shown.")
                    % {"earliest": EARLIEST_DATE.isoformat()}
                )
                selection.as_of = None
    return selection
