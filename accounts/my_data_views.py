"""/account/: what is stored about me, edit my name and phone, download it, delete my account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import my_data
from .my_data_forms import ContactDetailsForm, DeleteAccountForm


@login_required
def overview(request):
    return render(
        request,
        "accounts/my_data.html",
        {"sections": my_data.collect_my_data(request.user)},
    )


@login_required
def edit(request):
    form = ContactDetailsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        my_data.update_contact_details(
            request.user, form.cleaned_data["name"], form.cleaned_data["phone"]
        )
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts_my_data:overview")
    if request.method == "POST":
        # The form's instance was changed by validation; show the stored values elsewhere.
        request.user.refresh_from_db()
    return render(request, "accounts/my_data_edit.html", {"form": form})


@login_required
@require_GET
def export(request):
    data = my_data.export_my_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        my_data.delete_account(user)
        messages.success(
            request,
            _("Your account has been deleted. Your name and phone number are no longer stored."),
        )
        return redirect("/")
    return render(request, "accounts/my_data_delete.html", {"form": form})
