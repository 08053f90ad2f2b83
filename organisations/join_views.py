"""/join/ for people with a code, and the coordinator's join-code page with its poster."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import phone_codes, sms
from accounts.forms import PhoneCodeForm
from accounts.models import PhoneCode
from accounts.validators import mask_phone
from accounts.views import too_many_codes

from . import join
from .join_forms import (
    AdultRegistrationForm,
    EnterCodeForm,
    JoinAsSignedInForm,
    JoinCodeForm,
    StudentRegistrationForm,
)
from .join_posters import join_code_poster_pdf, join_code_qr_svg
from .models import JoinCode, Membership, Organisation
from .scope import get_visible_organisation_or_404, visible_organisations

SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"
STUDENT_WELCOME_SESSION_KEY = "join_student_welcome"
# The details of an adult registration waiting for its SMS code (the password already hashed).
PENDING_SESSION_KEY = "join_pending_registration"

client_address = phone_codes.client_address


def too_many_wrong_codes(request):
    return render(
        request,
        "organisations/join/throttled.html",
        {"minutes": max(1, join.WRONG_CODE_WINDOW_SECONDS // 60)},
        status=429,
    )


def too_many_posts(request, kind):
    minutes = max(1, join.JOIN_POST_LIMITS[kind][1] // 60)
    response = render(
        request,
        "organisations/join/throttled.html",
        {"minutes": minutes, "too_many_posts": True},
        status=429,
    )
    response["Retry-After"] = str(join.JOIN_POST_LIMITS[kind][1])
    return response


def enter_code(request):
    """The box to type a code into; a code in the query string goes straight to its page."""
    form = EnterCodeForm(request.GET or None)
    if form.is_valid():
        code = join.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("organisations:join_code", code=code)
        form.add_error("code", _("Enter the code from the poster."))
    return render(request, "organisations/join/enter.html", {"form": form})


def _usable_join_code(request, code):
    """(join code, None) when the code works, else (None, the page saying why)."""
    address = client_address(request)
    if join.is_throttled(address):
        return None, too_many_wrong_codes(request)
    if request.method == "POST" and join.too_many_posts("ip", address):
        return None, too_many_posts(request, "ip")
    join_code = join.find_join_code(code)
    if join_code is None:
        join.record_wrong_code(address)
        form = EnterCodeForm(initial={"code": code})
        return None, render(
            request,
            "organisations/join/enter.html",
            {"form": form, "wrong_code": join.normalise_code(code)},
            status=404,
        )
    state = join.join_code_state(join_code)
    if state != "usable":
        return None, render(
            request,
            "organisations/join/unusable.html",
            {"join_code": join_code, "state": state},
            status=410,
        )
    return join_code, None


def join_with_code(request, code):
    """Which organisation and role a code leads to, and the form to join it."""
    join_code, refusal = _usable_join_code(request, code)
    if refusal:
        return refusal
    is_student = join_code.role == Membership.Role.STUDENT
    if request.user.is_authenticated:
        return _join_signed_in(request, join_code, is_student)
    if is_student:
        return _register_student(request, join_code)
    return _register_adult(request, join_code)


def _context(join_code, **extra):
    return {
        "join_code": join_code,
        "organisation": join_code.organisation,
        "role_label": join_code.get_role_display(),
        "is_student": join_code.role == Membership.Role.STUDENT,
        **extra,
    }


def _names(join_code):
    return {"organisation": join_code.organisation.name, "role": join_code.get_role_display()}


def _join_signed_in(request, join_code, is_student):
    form = JoinAsSignedInForm(
        request.POST if request.method == "POST" else None, role=join_code.role
    )
    already = join.current_membership(request.user, join_code)
    if request.method == "POST" and not already and form.is_valid():
        try:
            join.join_as_existing_user(
                request.user, join_code, number=form.cleaned_data.get("number", "")
            )
        except join.AlreadyJoined:
            form.add_error(
                "number" if is_student else None,
                _("This number has already joined the class. Check it with your teacher."),
            )
        except join.PhoneNotProven:
            form.add_error(
                None,
                _(
                    "This role needs a confirmed phone number. Confirm yours by SMS under "
                    "My data, then open this join code again."
                ),
            )
        else:
            messages.success(
                request,
                _("You have joined %(organisation)s as %(role)s.") % _names(join_code),
            )
            return redirect("accounts_my_data:overview")
    return render(
        request,
        "organisations/join/join_signed_in.html",
        _context(join_code, form=form, already=already),
    )


def _send_join_code(request, phone):
    """Send the SMS of a registration step; what it says depends on who holds the number."""
    holder = phone_codes.phone_holder(phone)
    phone_codes.issue_code(
        phone,
        PhoneCode.Purpose.JOIN,
        ip_address=client_address(request),
        template=phone_codes.code_template_for(holder),
    )


def _register_adult(request, join_code):
    """Step 1 of 2: the details; the SMS code goes to the phone, the details wait in the session.

    The answer is the same whether the phone has an account or not (the code step is shown
    either way), so the form tells no stranger who is registered.
    """
    pending = request.session.get(PENDING_SESSION_KEY) or {}
    initial = (
        {"name": pending.get("name"), "phone": pending.get("phone")}
        if pending.get("code") == join_code.code
        else None
    )
    form = AdultRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        if join.too_many_posts("phone", phone):
            return too_many_posts(request, "phone")
        try:
            _send_join_code(request, phone)
        except phone_codes.TooManyCodes as error:
            return too_many_codes(request, error, back_url=request.path)
        except sms.SmsSendError:
            form.add_error(None, _("The SMS could not be sent. Try again in a minute."))
        else:
            request.session[PENDING_SESSION_KEY] = {
                "code": join_code.code,
                "name": form.cleaned_data["name"],
                "phone": phone,
                "password": make_password(form.cleaned_data["password1"]),
            }
            return redirect("organisations:join_confirm", code=join_code.code)
    return render(
        request,
        "organisations/join/register_adult.html",
        _context(join_code, form=form),
    )


def confirm_join(request, code):
    """Step 2 of 2: the code from the SMS; only a proved phone gets an account."""
    join_code, refusal = _usable_join_code(request, code)
    if refusal:
        return refusal
    pending = request.session.get(PENDING_SESSION_KEY)
    if (
        request.user.is_authenticated
        or join_code.role == Membership.Role.STUDENT
        or not pending
        or pending.get("code") != join_code.code
    ):
        return redirect("organisations:join_code", code=join_code.code)
    phone = pending["phone"]
    wants_new_code = "resend" in request.POST
    form = PhoneCodeForm(request.POST if request.method == "POST" and not wants_new_code else None)
    if request.method == "POST":
        if join.too_many_posts("phone", phone):
            return too_many_posts(request, "phone")
        if wants_new_code:
            try:
                _send_join_code(request, phone)
            except phone_codes.TooManyCodes as error:
                return too_many_codes(request, error, back_url=request.path)
            except sms.SmsSendError:
                messages.error(request, _("The SMS could not be sent. Try again in a minute."))
            else:
                messages.success(request, _("A new code has been sent."))
            return redirect("organisations:join_confirm", code=join_code.code)
        if form.is_valid():
            try:
                phone_codes.confirm_code(phone, PhoneCode.Purpose.JOIN, form.cleaned_data["code"])
            except phone_codes.CodeRejected as rejected:
                form.add_error("code", str(rejected))
            else:
                del request.session[PENDING_SESSION_KEY]
                return _create_proved_account(request, join_code, pending)
    return render(
        request,
        "organisations/join/confirm_phone.html",
        _context(join_code, form=form, masked_phone=mask_phone(phone)),
    )


def _create_proved_account(request, join_code, pending):
    phone = pending["phone"]
    try:
        user = join.register_adult(
            join_code,
            name=pending["name"],
            phone=phone,
            password_hash=pending["password"],
            phone_verified_at=timezone.now(),
        )
    except join.PhoneAlreadyRegistered:
        # The person proved the phone, so they may be told it has an account; it is not
        # handed over to them: an unconfirmed holder is told, and a coordinator decides.
        holder = phone_codes.phone_holder(phone)
        if holder is not None and not holder.phone_is_verified:
            phone_codes.tell_holder_about_proof(
                holder,
                _("registering to join %(organisation)s") % _names(join_code),
            )
        return render(
            request,
            "organisations/join/phone_held.html",
            _context(join_code, masked_phone=mask_phone(phone)),
        )
    login(request, user, backend=SIGN_IN_BACKEND)
    messages.success(
        request,
        _("Welcome! You have joined %(organisation)s as %(role)s.") % _names(join_code),
    )
    return redirect("accounts_my_data:overview")


def _register_student(request, join_code):
    form = StudentRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = join.register_student(
                join_code, name=form.cleaned_data["name"], number=form.cleaned_data["number"]
            )
        except join.AlreadyJoined:
            form.add_error(
                "number",
                _(
                    "Number %(number)s has already joined this class. Sign in with your "
                    "login name; if you forgot it, ask your teacher."
                )
                % {"number": form.cleaned_data["number"]},
            )
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            # Shown once on the next page, then gone: the password is not kept in plain text.
            request.session[STUDENT_WELCOME_SESSION_KEY] = {
                "username": user.username,
                "password": password,
                "organisation": join_code.organisation.name,
            }
            return redirect("organisations:join_welcome")
    return render(
        request, "organisations/join/register_student.html", _context(join_code, form=form)
    )


@login_required
def student_welcome(request):
    """The login name and password of a new student, shown once to write down."""
    details = request.session.pop(STUDENT_WELCOME_SESSION_KEY, None)
    if details is None:
        return redirect("accounts_my_data:overview")
    return render(request, "organisations/join/welcome_student.html", details)


# Coordinator pages ---------------------------------------------------------------------------


# The role a new code usually grants, by the kind of organisation: one click less for most.
DEFAULT_CODE_ROLES = {
    Organisation.Kind.CLASS: Membership.Role.STUDENT,
    Organisation.Kind.SCHOOL: Membership.Role.TEACHER,
    Organisation.Kind.VOLUNTEER_TEAM: Membership.Role.VOLUNTEER,
    Organisation.Kind.COMMUNITY: Membership.Role.CADRE,
    Organisation.Kind.VILLAGE: Membership.Role.CADRE,
}


def join_url_for(request, join_code):
    return request.build_absolute_uri(reverse("organisations:join_code", args=[join_code.code]))


@login_required
def manage_join_codes(request, pk):
    """The codes of one organisation in the coordinator's scope, with a form for a new one."""
    organisation = get_visible_organisation_or_404(request.user, pk)
    default_role = DEFAULT_CODE_ROLES.get(organisation.kind, Membership.Role.STAFF)
    form = JoinCodeForm(
        request.POST or None, initial={"role": default_role}, roles=join.code_roles(organisation)
    )
    if request.method == "POST" and form.is_valid():
        join_code = join.create_join_code(
            organisation,
            form.cleaned_data["role"],
            created_by=request.user,
            expires_at=form.expires_at(),
        )
        messages.success(request, _("New join code %(code)s made.") % {"code": join_code.code})
        return redirect("organisations:manage_join_codes", pk=organisation.pk)
    codes = list(organisation.join_codes.order_by("-is_active", "-created_at")[:50])
    for join_code in codes:
        join_code.url = join_url_for(request, join_code)
        join_code.state = join.join_code_state(join_code)
        join_code.organisation = organisation
        if join_code.state == "usable":
            join_code.qr_svg = join_code_qr_svg(join_code.url)
    return render(
        request,
        "organisations/join/manage_codes.html",
        {"organisation": organisation, "codes": codes, "form": form},
    )


def _visible_join_code_or_404(user, code_pk):
    return get_object_or_404(
        JoinCode.objects.select_related("organisation"),
        pk=code_pk,
        organisation__in=visible_organisations(user),
    )


@login_required
@require_POST
def rotate_join_code(request, code_pk):
    old = _visible_join_code_or_404(request.user, code_pk)
    try:
        new = join.rotate_join_code(old, created_by=request.user)
    except join.RoleNotGrantable:
        join.disable_join_code(old)
        messages.error(
            request,
            _(
                "Join code %(code)s granted a role this organisation's codes no longer grant: "
                "it is disabled. Make a new code."
            )
            % {"code": old.code},
        )
        return redirect("organisations:manage_join_codes", pk=old.organisation_id)
    messages.success(
        request,
        _("Join code %(old)s no longer works; the new code is %(new)s.")
        % {"old": old.code, "new": new.code},
    )
    return redirect("organisations:manage_join_codes", pk=old.organisation_id)


@login_required
@require_POST
def disable_join_code(request, code_pk):
    join_code = _visible_join_code_or_404(request.user, code_pk)
    join.disable_join_code(join_code)
    messages.success(request, _("Join code %(code)s disabled.") % {"code": join_code.code})
    return redirect("organisations:manage_join_codes", pk=join_code.organisation_id)


@login_required
def join_code_poster(request, code_pk):
    """The A4 PDF poster to print and pin up."""
    join_code = _visible_join_code_or_404(request.user, code_pk)
    if not join_code.is_usable():
        raise Http404
    pdf = join_code_poster_pdf(join_code, join_url_for(request, join_code))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="join-{join_code.code}.pdf"'
    return response
