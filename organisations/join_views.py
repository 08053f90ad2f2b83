"""/join/ for people with a code, and the coordinator's join-code page with its poster."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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


def client_address(request):
    """The address wrong codes are counted against (the proxy sets REMOTE_ADDR in production)."""
    return request.META.get("REMOTE_ADDR", "unknown")


def too_many_wrong_codes(request):
    return render(
        request,
        "organisations/join/throttled.html",
        {"minutes": max(1, join.WRONG_CODE_WINDOW_SECONDS // 60)},
        status=429,
    )


def enter_code(request):
    """The box to type a code into; a code in the query string goes straight to its page."""
    form = EnterCodeForm(request.GET or None)
    if form.is_valid():
        code = join.normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("organisations:join_code", code=code)
        form.add_error("code", _("Enter the code from the poster."))
    return render(request, "organisations/join/enter.html", {"form": form})


def join_with_code(request, code):
    """Which organisation and role a code leads to, and the form to join it."""
    address = client_address(request)
    if join.is_throttled(address):
        return too_many_wrong_codes(request)
    join_code = join.find_join_code(code)
    if join_code is None:
        join.record_wrong_code(address)
        form = EnterCodeForm(initial={"code": code})
        return render(
            request,
            "organisations/join/enter.html",
            {"form": form, "wrong_code": join.normalise_code(code)},
            status=404,
        )
    state = join.join_code_state(join_code)
    if state != "usable":
        return render(
            request,
            "organisations/join/unusable.html",
            {"join_code": join_code, "state": state},
            status=410,
        )
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


def _register_adult(request, join_code):
    form = AdultRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = join.register_adult(
                join_code,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password1"],
            )
        except join.PhoneAlreadyRegistered:
            form.add_error(
                "phone",
                _(
                    "An account with this phone number already exists. Sign in first, "
                    "then open this join code again."
                ),
            )
        else:
            login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(
                request,
                _("Welcome! You have joined %(organisation)s as %(role)s.") % _names(join_code),
            )
            return redirect("accounts_my_data:overview")
    phone_registered = form.has_error("phone", "phone_registered")
    return render(
        request,
        "organisations/join/register_adult.html",
        _context(join_code, form=form, phone_registered=phone_registered),
    )


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
    form = JoinCodeForm(request.POST or None, initial={"role": default_role})
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
    new = join.rotate_join_code(old, created_by=request.user)
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
