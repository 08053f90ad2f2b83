"""/manage/audit/: the audit log of a coordinator's scope, filtered, paged and exported.

Read-only by design: there is no view that changes or deletes an entry.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET

from wagtail.log_actions import registry as log_action_registry

from accounts.validators import mask_phone, normalise_phone
from spreadsheets.writing import xlsx_response

from . import audit
from .audit_forms import AuditFilterForm
from .manage_views import coordinator_required
from .models import AuditEntry, Membership, Organisation

PAGE_SIZE = 50
EXPORT_BATCH = 2000
ROLE_LABELS = dict(Membership.Role.choices)

# The names of data keys shown in the details column; other keys are shown as they are.
DETAIL_LABELS = {
    "what": pgettext_lazy("audit detail", "what"),
    "format": pgettext_lazy("audit detail", "format"),
    "scope": pgettext_lazy("audit detail", "scope"),
    "requirement": pgettext_lazy("audit detail", "requirement"),
    "reminded": pgettext_lazy("audit detail", "reminded"),
    "skipped": pgettext_lazy("audit detail", "skipped"),
    "alert": pgettext_lazy("audit detail", "alert"),
    "recipients": pgettext_lazy("audit detail", "units"),
    "lesson": pgettext_lazy("audit detail", "lesson"),
    "attempted": pgettext_lazy("audit detail", "attempted"),
    "reason": pgettext_lazy("audit detail", "reason"),
    "code": pgettext_lazy("audit detail", "code"),
    "from_organisation_id": pgettext_lazy("audit detail", "from organisation"),
    "to_organisation_id": pgettext_lazy("audit detail", "to organisation"),
    "old_role": pgettext_lazy("audit detail", "previous role"),
    "role": pgettext_lazy("audit detail", "role"),
    "from": pgettext_lazy("audit detail", "from"),
    "to": pgettext_lazy("audit detail", "to"),
    "existing_account": pgettext_lazy("audit detail", "existing account"),
    "rows": pgettext_lazy("audit detail", "rows"),
    "create": pgettext_lazy("audit detail", "new accounts"),
    "add": pgettext_lazy("audit detail", "added to existing accounts"),
    "update": pgettext_lazy("audit detail", "changed"),
    "unchanged": pgettext_lazy("audit detail", "unchanged"),
    "error": pgettext_lazy("audit detail", "errors"),
}
ORGANISATION_KEYS = ("from_organisation_id", "to_organisation_id")
# Internal keys that mean nothing to a reader.
HIDDEN_DETAILS = {
    "query",
    "lesson_id",
    "membership_id",
    "previous_membership_id",
    "kind",
    "place_type",
    "sector",
}
EXPORT_NAMES = {
    "report.table": gettext_lazy("completion report (table)"),
    "report.people": gettext_lazy("completion report (people)"),
    "volunteers.team": gettext_lazy("volunteer team"),
    "alerts.acknowledgements": gettext_lazy("alert acknowledgements"),
    "quizzes.statistics": gettext_lazy("quiz statistics"),
    "quizzes.quiz_statistics": gettext_lazy("statistics of one quiz"),
    "audit": gettext_lazy("audit log"),
}


def entries_for(user, visible):
    """The entries a coordinator may read: those of organisations in their scope.

    Superusers read everything; a district's coordinator also reads the entries of no
    organisation (editors' actions in the admin, exports of the whole district).
    """
    entries = AuditEntry.objects.all()
    if user.is_superuser:
        return entries
    in_scope = Q(organisation__in=visible)
    if (
        Membership.objects.current()
        .filter(
            user=user,
            role=Membership.Role.COORDINATOR,
            organisation__kind=Organisation.Kind.DISTRICT,
            organisation__depth=1,
        )
        .exists()
    ):
        in_scope |= Q(organisation__isnull=True)
    return entries.filter(in_scope)


def _person_filter(query):
    """Name, full mobile number or its last four digits, of the actor or the person acted on."""
    phone = normalise_phone(query) or ""
    if phone.isdigit() and len(phone) == 11:
        return Q(user__phone=phone) | Q(subject__phone=phone)
    if query.isdigit() and len(query) == 4:
        return Q(user__phone__endswith=query) | Q(subject__phone__endswith=query)
    return Q(user__name__icontains=query) | Q(subject__name__icontains=query)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_entries(entries, filters):
    if filters.get("action"):
        entries = entries.filter(action=filters["action"])
    if filters.get("person", "").strip():
        entries = entries.filter(_person_filter(filters["person"].strip()))
    if filters.get("date_from"):
        entries = entries.filter(timestamp__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(
            timestamp__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1))
        )
    return entries.select_related("user", "subject", "organisation", "content_type").order_by(
        "-timestamp", "-pk"
    )


def _person_shown(person):
    if person is None:
        return ""
    name = person.name or person.username
    return f"{name} {mask_phone(person.phone)}".strip()


def _action_label(action):
    try:
        return str(log_action_registry.get_action_label(action))
    except KeyError:
        return action


def _organisation_names(entries):
    """Names of the organisations entries' details refer to (a move's from and to), one query."""
    ids = {
        entry.data[key]
        for entry in entries
        for key in ORGANISATION_KEYS
        if isinstance(entry.data, dict) and isinstance(entry.data.get(key), int)
    }
    if not ids:
        return {}
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


# Details are shown in this order, not the stored one: PostgreSQL's jsonb keeps no key order.
DETAIL_ORDER = {key: position for position, key in enumerate(DETAIL_LABELS)}


def _details(data, organisation_names):
    shown = []
    items = sorted((data or {}).items(), key=lambda item: (DETAIL_ORDER.get(item[0], 999), item[0]))
    for key, value in items:
        if key in HIDDEN_DETAILS or value in ("", None, [], {}):
            continue
        if key == "what":
            value = EXPORT_NAMES.get(value, value)
        elif key in ("role", "old_role"):
            value = ROLE_LABELS.get(value, value)
        elif key in ORGANISATION_KEYS:
            value = organisation_names.get(value, value)
        elif key == "attempted":
            value = _action_label(value)
        elif isinstance(value, bool):
            value = _("yes") if value else _("no")
        shown.append(f"{DETAIL_LABELS.get(key, key)}: {value}")
    return "; ".join(shown)


def _object_shown(entry):
    kind = entry.object_verbose_name
    return f"{kind}: {entry.label}" if kind and entry.label else str(entry.label or kind)


def _row(entry, organisation_names):
    """What one entry shows, on screen and in the export alike (phones masked)."""
    return {
        "timestamp": timezone.localtime(entry.timestamp),
        "organisation": entry.organisation.name if entry.organisation else "",
        "actor": _person_shown(entry.user) if entry.user_id else _("system"),
        "action": _action_label(entry.action),
        "object": _object_shown(entry),
        "person": _person_shown(entry.subject),
        "details": _details(entry.data, organisation_names),
    }


def _form(request):
    form = AuditFilterForm(
        request.GET or None,
        actions=[(action, label) for action, label, _message in audit.ACTIONS],
    )
    if not form.is_bound:
        return form, {}
    form.is_valid()  # what is valid filters; what is not is shown as an error
    return form, form.cleaned_data


@require_GET
@coordinator_required
def audit_log(request, visible):
    """The entries of the coordinator's scope, newest first, 50 a page."""
    form, filters = _form(request)
    entries = filtered_entries(entries_for(request.user, visible), filters)
    page_obj = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    entries_shown = list(page_obj)
    names = _organisation_names(entries_shown)
    rows = [_row(entry, names) for entry in entries_shown]
    export_query = request.GET.copy()
    export_query.pop("page", None)
    return render(
        request,
        "organisations/manage/audit.html",
        {
            "form": form,
            "page_obj": page_obj,
            "rows": rows,
            "export_query": export_query.urlencode(),
        },
    )


def _export_rows(entries):
    yield [
        _("Time"),
        _("Organisation"),
        _("Done by"),
        pgettext("audit log", "Action"),
        _("Object"),
        _("Person acted on"),
        _("Details"),
    ]
    for batch in _batches(entries.iterator(chunk_size=EXPORT_BATCH), EXPORT_BATCH):
        names = _organisation_names(batch)
        for entry in batch:
            yield _export_row(_row(entry, names))


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _export_row(row):
    return [
        row["timestamp"],
        row["organisation"],
        row["actor"],
        row["action"],
        row["object"],
        row["person"],
        row["details"],
    ]


@require_GET
@coordinator_required
def audit_export(request, visible):
    """The filtered entries (every page of them) as Excel, as the screen shows them."""
    _form_shown, filters = _form(request)
    entries = filtered_entries(entries_for(request.user, visible), filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = xlsx_response(f"audit-{stamp}.xlsx", [(_("Audit log"), _export_rows(entries))])
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=None,
        organisation=audit.home_organisation(request.user),
        data={"what": "audit", "format": "xlsx", "query": request.GET.urlencode()[:200]},
    )
    return response
