"""/manage/import/: template, upload → (columns) → preview (nothing saved) → confirm → result.

When the sheet's headings leave a needed column missing or ambiguous, the upload waits on the
columns step (a select per field, showing the first values) before its preview; the choice is
remembered for the coordinator's next upload.

The upload waits in the database and private storage (organisations.pending_imports), found by
the file's SHA-256 and the coordinator; the confirm form carries that hash and the plan's
fingerprint, so what is saved is exactly what was previewed, or nothing, whichever web worker
answers.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from config.storage import DiskFull
from idempotency.submits import submit_once
from spreadsheets.reading import refuse_size
from spreadsheets.writing import XLSX_CONTENT_TYPE as XLSX

from . import importing, pending_imports
from .import_synonyms import REQUIRED_FIELDS, TEMPLATE_HEADINGS
from .models import PendingImport
from .scope import is_coordinator, visible_organisations

PREVIEW_PAGE_SIZE = 100


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Member sheet"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = importing.limits()
        self.fields["file"].help_text = _(
            "Excel (.xlsx or .xls) or CSV (UTF-8 or GB18030), at most %(megabytes)s MB, "
            "%(rows)s rows and %(columns)s columns."
        ) % {
            "megabytes": f"{limits.file_bytes / (1024 * 1024):g}",
            "rows": f"{limits.rows:,}",
            "columns": limits.columns,
        }
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.xls,.csv"


class ColumnsForm(forms.Form):
    """Which column of the sheet holds each field: a select per field, with the first values."""

    def __init__(self, layout, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout = layout
        options = []
        for index in range(len(layout.labels)):
            values = [row[index] for row in layout.samples if index < len(row) and row[index]]
            shown = layout.column_name(index)
            if values:
                shown = f"{shown}：{'、'.join(values)}"
            options.append((str(index), shown))
        for key, heading in TEMPLATE_HEADINGS.items():
            required = key in REQUIRED_FIELDS
            empty = _("— choose a column —") if required else _("— not in this sheet —")
            initial = layout.columns.get(key)
            self.fields[key] = forms.ChoiceField(
                label=heading,
                choices=[("", empty), *options],
                required=required,
                initial="" if initial is None else str(initial),
            )
            if key in layout.ambiguous:
                self.fields[key].help_text = _(
                    "Several columns could be this one: %(columns)s."
                ) % {"columns": "、".join(layout.column_name(i) for i in layout.ambiguous[key])}
            elif required and initial is None:
                self.fields[key].help_text = _("No column heading says this: choose the column.")

    def clean(self):
        cleaned = super().clean()
        used = {}
        for key in TEMPLATE_HEADINGS:
            index = cleaned.get(key)
            if index in (None, ""):
                continue
            if index in used:
                self.add_error(
                    key,
                    _("The same column is already chosen for %(field)s.")
                    % {"field": TEMPLATE_HEADINGS[used[index]]},
                )
            else:
                used[index] = key
        return cleaned

    def columns(self):
        return {
            key: int(self.cleaned_data[key])
            for key in TEMPLATE_HEADINGS
            if self.cleaned_data.get(key) not in (None, "")
        }


def _coordinator_or_403(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def _is_hex_digest(value):
    return len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)


@login_required
def template(request):
    """The sheet to fill in, with the coordinator's own organisation as the example path."""
    _coordinator_or_403(request)
    first = visible_organisations(request.user).order_by("depth", "path").first()
    example_path = first.full_name().replace(" / ", "/") if first else "青浦区/朱家角镇/示例单位"
    response = HttpResponse(importing.template_workbook(example_path), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
    return response


@login_required
def upload(request):
    _coordinator_or_403(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    rows_as_read = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > importing.limits().file_bytes:
            form.add_error("file", str(refuse_size(importing.limits())))
        else:
            data = uploaded.read()
            try:
                sheet = importing.read_sheet(
                    uploaded.name, data, remembered=pending_imports.remembered_columns(request.user)
                )
            except importing.NoHeaderRow as error:
                form.add_error("file", str(error))
                rows_as_read = error.rows
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                try:
                    if not sheet.layout.is_complete:
                        pending = pending_imports.store_upload(
                            request.user, uploaded.name, data, sheet
                        )
                        return redirect("organisations:import_columns", digest=pending.digest)
                    planned = importing.plan_import(request.user, sheet.records)
                    pending = pending_imports.store_upload(
                        request.user, uploaded.name, data, sheet, planned
                    )
                except DiskFull as error:
                    form.add_error("file", error.user_message)
                else:
                    return redirect("organisations:import_preview", digest=pending.digest)
    return render(
        request,
        "organisations/imports/upload.html",
        {"form": form, "rows_as_read": rows_as_read, "headings": TEMPLATE_HEADINGS},
    )


def _waiting(request, digest, states=(PendingImport.State.PREVIEW,)):
    if not _is_hex_digest(digest):
        raise Http404
    return pending_imports.waiting(request.user, digest, states)


def _expired(request):
    messages.warning(request, _("That upload has expired. Upload the file again."))
    return redirect("organisations:import_upload")


@login_required
def columns(request, digest):
    """Choose which column holds each field; nothing is saved but the choice, for next time."""
    _coordinator_or_403(request)
    pending = _waiting(request, digest, (PendingImport.State.COLUMNS, PendingImport.State.PREVIEW))
    if pending is None:
        return _expired(request)
    layout = pending_imports.layout_of(pending)
    form = ColumnsForm(layout, request.POST if request.method == "POST" else None)
    letters = [layout.column_name(index) for index in range(len(layout.labels))]
    if request.method == "POST" and form.is_valid():
        try:
            pending_imports.choose_columns(request.user, pending, form.columns())
        except importing.ImportFileError:
            return _expired(request)
        return redirect("organisations:import_preview", digest=digest)
    return render(
        request,
        "organisations/imports/columns.html",
        {
            "form": form,
            "layout": layout,
            "filename": pending.filename,
            "letters": letters,
            "samples": [list(zip(letters, values, strict=False)) for values in layout.samples],
        },
    )


@login_required
def preview(request, digest):
    """Every row with what will happen to it or what is wrong; problem rows can be shown alone."""
    _coordinator_or_403(request)
    pending = _waiting(request, digest, (PendingImport.State.PREVIEW, PendingImport.State.COLUMNS))
    if pending is None:
        return _expired(request)
    if pending.state == PendingImport.State.COLUMNS:
        return redirect("organisations:import_columns", digest=digest)
    planned = pending_imports.planned_rows(pending)
    only_problems = request.GET.get("show") == "problems"
    rows = [row for row in planned if not row.is_valid] if only_problems else planned
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/imports/preview.html",
        {
            "digest": digest,
            "filename": pending.filename,
            "plan_digest": pending.plan_digest,
            "summary": importing.summarise(planned),
            "layout": pending_imports.layout_of(pending) if pending.layout else None,
            "page_obj": page,
            "only_problems": only_problems,
        },
    )


@login_required
@require_POST
@submit_once("organisations.import_confirm")
def confirm(request, digest):
    _coordinator_or_403(request)
    pending = _waiting(request, digest)
    expired = _("The file changed since the preview, or the upload expired: nothing saved.")
    if pending is None or request.POST.get("file_digest") != digest:
        messages.error(request, expired)
        return redirect("organisations:import_upload")
    try:
        finished = pending_imports.confirm_import(
            request.user, pending, request.POST.get("plan_digest", "")
        )
    except importing.ImportFileError:
        messages.error(request, expired)
        return redirect("organisations:import_upload")
    except DiskFull as error:
        # Nothing was saved and the upload still waits: the same confirmation may be retried.
        messages.error(request, error.user_message)
        return redirect("organisations:import_preview", digest=digest)
    except importing.PlanChanged:
        # Show the preview again, planned against today's data.
        try:
            pending_imports.replan(pending, pending_imports.records_of(pending), request.user)
        except importing.ImportFileError:
            messages.error(request, expired)
            return redirect("organisations:import_upload")
        messages.error(
            request,
            _("Members changed since the preview: nothing was saved. Check the new preview."),
        )
        return redirect("organisations:import_preview", digest=digest)
    if finished is None:  # a second click, or another worker, confirmed it first
        messages.error(request, expired)
        return redirect("organisations:import_upload")
    return redirect("organisations:import_result", token=finished.pk)


def _finished(request, token):
    try:
        pending = pending_imports.finished(request.user, token)
    except ValidationError:  # not a UUID
        pending = None
    if pending is None:
        raise Http404
    return pending


@login_required
def result(request, token):
    _coordinator_or_403(request)
    pending = _finished(request, token)
    return render(
        request,
        "organisations/imports/result.html",
        {
            "token": token,
            "filename": pending.filename,
            "result": pending.result,
            "passwords_available": bool(pending.passwords.name),
        },
    )


@login_required
def passwords(request, token):
    """The one-time passwords as a sheet, once: afterwards they are gone from the server."""
    _coordinator_or_403(request)
    workbook = pending_imports.take_passwords(_finished(request, token))
    if workbook is None:
        raise Http404
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="new-accounts-passwords.xlsx"'
    return response
