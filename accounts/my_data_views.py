"""/account/: what is stored about me, edit my name and phone (a new phone proved by SMS),
download it, delete my account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import my_data, phone_codes, sms
from .forms import PhoneCodeForm
from .models import PhoneCode
from .my_data_forms import ContactDetailsForm, DeleteAccountForm
from .validators import mask_phone
from .views import too_many_codes

# The new phone waiting for its SMS code.
PENDING_PHONE_SESSION_KEY = "my_data_pending_phone"


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
        name, phone = form.cleaned_data["name"], form.cleaned_data["phone"]
        request.user.refresh_from_db()
        stored_phone = request.user.phone
        if phone and phone != stored_phone:
            # The name is saved now; the new phone only once it is proved by SMS.
            my_data.update_contact_details(request.user, name, stored_phone)
            return _send_code_for(request, phone)
        my_data.update_contact_details(request.user, name, phone)
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts_my_data:overview")
    if request.method == "POST":
        # The form's instance was changed by validation; show the stored values elsewhere.
        request.user.refresh_from_db()
    return render(request, "accounts/my_data_edit.html", {"form": form})


@login_required
@require_POST
def confirm_current_phone(request):
    """Send a code to the phone already on the account, to confirm it."""
    if not request.user.phone or request.user.phone_is_verified:
        return redirect("accounts_my_data:overview")
    return _send_code_for(request, request.user.phone)


def _send_code_for(request, phone):
    holder = phone_codes.phone_holder(phone, excluding=request.user)
    try:
        phone_codes.issue_code(
            phone,
            PhoneCode.Purpose.CHANGE_PHONE,
            ip_address=phone_codes.client_address(request),
            user=request.user,
            template=phone_codes.code_template_for(holder),
        )
    except phone_codes.TooManyCodes as error:
        return too_many_codes(request, error, back_url=reverse("accounts_my_data:edit"))
    except sms.SmsSendError:
        messages.error(request, _("The SMS could not be sent. Try again in a minute."))
        return redirect("accounts_my_data:overview")
    request.session[PENDING_PHONE_SESSION_KEY] = phone
    return redirect("accounts_my_data:confirm_phone")


@login_required
def confirm_phone(request):
    """The code sent to the new phone; the phone is saved (and confirmed) only with it."""
    phone = request.session.get(PENDING_PHONE_SESSION_KEY)
    if not phone:
        return redirect("accounts_my_data:edit")
    wants_new_code = "resend" in request.POST
    form = PhoneCodeForm(request.POST if request.method == "POST" and not wants_new_code else None)
    if wants_new_code:
        return _send_code_for(request, phone)
    if request.method == "POST" and form.is_valid():
        try:
            phone_codes.confirm_code(
                phone, PhoneCode.Purpose.CHANGE_PHONE, form.cleaned_data["code"], user=request.user
            )
        except phone_codes.CodeRejected as rejected:
            form.add_error("code", str(rejected))
        else:
            del request.session[PENDING_PHONE_SESSION_KEY]
            holder = phone_codes.phone_holder(phone, excluding=request.user)
            if holder is not None:
                # Proved, but another account has it: only a coordinator may move it.
                if not holder.phone_is_verified:
                    phone_codes.tell_holder_about_proof(holder, _("adding it to another account"))
                return render(
                    request, "accounts/phone_held.html", {"masked_phone": mask_phone(phone)}
                )
            try:
                my_data.update_contact_details(
                    request.user, request.user.name, phone, phone_verified_at=timezone.now()
                )
            except IntegrityError:
                # Another account took the number a moment ago.
                return render(
                    request, "accounts/phone_held.html", {"masked_phone": mask_phone(phone)}
                )
            messages.success(request, _("Your phone number is confirmed and saved."))
            return redirect("accounts_my_data:overview")
    return render(
        request,
        "accounts/my_data_confirm_phone.html",
        {"form": form, "masked_phone": mask_phone(phone)},
    )


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
