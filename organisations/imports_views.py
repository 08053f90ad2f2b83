"""/manage/import/: template, upload → preview (nothing saved) → confirm → result, once.

The uploaded rows wait in the cache under the file's SHA-256 and the coordinator's id; the
confirm form carries that hash and the plan's fingerprint, so what is saved is exactly what was
previewed, or nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from spreadsheets.writing import XLSX_CONTENT_TYPE as XLSX

from . import importing
from .scope import is_coordinator, visible_organisations

UPLOAD_SECONDS = 60 * 60
RESULT_SECONDS = 30 * 60
PREVIEW_PAGE_SIZE = 100
RESULT_LIST_LIMIT = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member sheet"),
        help_text=gettext_lazy("Excel (.xlsx) or CSV (UTF-8), at most 5 MB and 20,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _coordinator_or_403(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def _upload_key(user, digest):
    return f"import:upload:{user.pk}:{digest}"


def _result_key(user, token):
    return f"import:result:{user.pk}:{token}"


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
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        if uploaded.size > importing.MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB. Split it into smaller files."))
        else:
            data = uploaded.read()
            try:
                records = importing.read_sheet(uploaded.name, data)
            except importing.ImportFileError as error:
                form.add_error("file", str(error))
            else:
                digest = importing.file_digest(data)
                planned = importing.plan_import(request.user, records)
                cache.set(
                    _upload_key(request.user, digest),
                    {
                        "filename": uploaded.name,
                        "records": records,
                        "planned": planned,
                        "plan_digest": importing.plan_digest(planned),
                    },
                    UPLOAD_SECONDS,
                )
                return redirect("organisations:import_preview", digest=digest)
    return render(request, "organisations/imports/upload.html", {"form": form})


def _stored_upload(request, digest):
    if not _is_hex_digest(digest):
        raise Http404
    return cache.get(_upload_key(request.user, digest))


@login_required
def preview(request, digest):
    """Every row with what will happen to it or what is wrong; problem rows can be shown alone."""
    _coordinator_or_403(request)
    stored = _stored_upload(request, digest)
    if stored is None:
        messages.warning(request, _("That upload has expired. Upload the file again."))
        return redirect("organisations:import_upload")
    planned = stored["planned"]
    only_problems = request.GET.get("show") == "problems"
    rows = [row for row in planned if not row.is_valid] if only_problems else planned
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/imports/preview.html",
        {
            "digest": digest,
            "filename": stored["filename"],
            "plan_digest": stored["plan_digest"],
            "summary": importing.summarise(planned),
            "page_obj": page,
            "only_problems": only_problems,
        },
    )


@login_required
@require_POST
def confirm(request, digest):
    _coordinator_or_403(request)
    stored = _stored_upload(request, digest)
    if stored is None or request.POST.get("file_digest") != digest:
        messages.error(
            request, _("The file changed since the preview, or the upload expired: nothing saved.")
        )
        return redirect("organisations:import_upload")
    try:
        result = importing.apply_import(
            request.user, stored["records"], request.POST.get("plan_digest", "")
        )
    except importing.PlanChanged:
        # Show the preview again, planned against today's data.
        planned = importing.plan_import(request.user, stored["records"])
        stored.update(planned=planned, plan_digest=importing.plan_digest(planned))
        cache.set(_upload_key(request.user, digest), stored, UPLOAD_SECONDS)
        messages.error(
            request,
            _("Members changed since the preview: nothing was saved. Check the new preview."),
        )
        return redirect("organisations:import_preview", digest=digest)
    cache.delete(_upload_key(request.user, digest))
    token = get_random_string(32)
    cache.set(
        _result_key(request.user, token),
        {"result": result, "filename": stored["filename"]},
        RESULT_SECONDS,
    )
    return redirect("organisations:import_result", token=token)


@login_required
def result(request, token):
    _coordinator_or_403(request)
    stored = cache.get(_result_key(request.user, token))
    if stored is None:
        raise Http404
    result = stored["result"]
    return render(
        request,
        "organisations/imports/result.html",
        {
            "token": token,
            "filename": stored["filename"],
            "result": result,
            "created_shown": result.created[:RESULT_LIST_LIMIT],
            "updated_shown": result.updated[:RESULT_LIST_LIMIT],
            "passwords_available": bool(result.created) and not stored.get("downloaded"),
        },
    )


@login_required
def passwords(request, token):
    """The one-time passwords as a sheet, once: afterwards they are gone from the server."""
    _coordinator_or_403(request)
    key = _result_key(request.user, token)
    stored = cache.get(key)
    if stored is None or stored.get("downloaded") or not stored["result"].created:
        raise Http404
    workbook = importing.passwords_workbook(stored["result"].created)
    stored["downloaded"] = True
    stored["result"].created = [
        (row, name, username, "") for row, name, username, _password in stored["result"].created
    ]
    cache.set(key, stored, RESULT_SECONDS)
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="new-accounts-passwords.xlsx"'
    return response
