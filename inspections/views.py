"""Pages of self-inspection: my unit's rounds and hazards, walking a round, following a hazard.

Views read and call inspections.services; whoever may not see a round or hazard gets a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from config.photos import photo_response
from idempotency.submits import submit_once
from organisations import audit

from . import refresher, services, sources
from .forms import (
    AnswerForm,
    CorrectionForm,
    HazardChangeForm,
    NominateForm,
    RectifyForm,
    SignForm,
    StartRoundForm,
)
from .models import Answer, Hazard, Round, RoundNominee, RoundPoint
from .record_pdf import round_record_pdf
from .records import round_record

OPEN_STATES = (Hazard.State.PENDING, Hazard.State.RECTIFIED)


def _apply(form, error):
    """Put a service's ValidationError on the form's fields (or on the form)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _unit_panels(user, forms_by_unit=None):
    forms_by_unit = forms_by_unit or {}
    panels = []
    for unit in services.inspecting_units(user).order_by("path"):
        leader = services.leads(user, unit)
        panels.append(
            {
                "unit": unit,
                "leads": leader,
                "start_form": forms_by_unit.get(("start", unit.pk)) or StartRoundForm(unit=unit),
                "rounds": Round.objects.filter(unit=unit)[:20],
                "hazards": Hazard.objects.filter(unit=unit, state__in=OPEN_STATES)
                .select_related("point", "responsible")
                .order_by("deadline", "pk"),
                "nominees": (
                    RoundNominee.objects.filter(unit=unit).select_related("user") if leader else ()
                ),
                "nominate_form": (
                    forms_by_unit.get(("nominate", unit.pk))
                    or NominateForm(members=services.unit_members(unit))
                )
                if leader
                else None,
            }
        )
    return panels


@login_required
def home(request, forms_by_unit=None, status=200):
    """My units' rounds and open hazards, a round to start, and the hazards I must fix."""
    mine = (
        Hazard.objects.filter(responsible=request.user, state=Hazard.State.PENDING)
        .select_related("point", "unit")
        .order_by("deadline", "pk")
    )
    context = {
        "panels": _unit_panels(request.user, forms_by_unit),
        "my_hazards": mine,
        "refresher_district": refresher.coordinated_districts(request.user).first(),
    }
    return render(request, "inspections/home.html", context, status=status)


def _inspecting_unit_or_404(user, unit_id):
    try:
        return services.inspecting_units(user).get(pk=unit_id)
    except (ValueError, TypeError, services.Organisation.DoesNotExist) as missing:
        raise Http404 from missing


@login_required
@require_POST
@submit_once("inspections.start")
def start(request, unit_id):
    unit = _inspecting_unit_or_404(request.user, unit_id)
    form = StartRoundForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            round_ = services.start_round(
                request.user, unit, form.cleaned_data["handbook"], form.cleaned_data["kind"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            return redirect("inspections:round", round_.pk)
    return home(request, forms_by_unit={("start", unit.pk): form}, status=400)


def _visible_round_or_404(user, pk):
    return get_object_or_404(services.visible_rounds(user).select_related("unit"), pk=pk)


def _signed_round_page(request, round_, correction_forms=None, status=200):
    """A signed round as its record: answers as signed, corrections after, hazards."""
    correction_forms = correction_forms or {}
    leader = services.leads(request.user, round_.unit)
    rows = []
    for row in round_record(round_):
        form = None
        if leader:
            form = correction_forms.get(row.point.pk) or CorrectionForm(
                prefix=f"c{row.point.pk}",
                initial={"result": row.current.result, "note": row.current.note}
                if row.current
                else None,
            )
        rows.append({"point": row.point, "record": row, "answer": row.signed, "form": form})
    context = {
        "round": round_,
        "rows": rows,
        "may_correct": leader,
        "hazards": [row["record"].hazard for row in rows if row["record"].hazard],
        "refresher_lessons": refresher.lessons_offered(
            request.user,
            round_,
            leader=leader,
            failed_points=[row["point"] for row in rows if row["record"].hazard],
        ),
    }
    return render(request, "inspections/round.html", context, status=status)


def _round_page(request, round_, forms=None, sign_form=None, status=200):
    if round_.is_signed:
        # An answer or sign-off refused because the round is signed: say so above the record.
        for form in [*(forms or {}).values(), sign_form]:
            for message in form.non_field_errors() if form is not None else ():
                messages.error(request, message)
        return _signed_round_page(request, round_, status=status)
    forms = forms or {}
    answers = services.current_answers(round_)
    points = list(round_.points.all())
    may_inspect = services.may_inspect(request.user, round_.unit)
    rows = []
    for point in points:
        rows.append(
            {
                "point": point,
                "answer": answers.get(point.pk),
                "form": forms.get(point.pk) or AnswerForm(prefix=f"p{point.pk}"),
            }
        )
    failed = [
        point
        for point in points
        if point.pk in answers and answers[point.pk].result == Answer.Result.FAIL
    ]
    if sign_form is None and may_inspect and not round_.is_signed:
        members = services.unit_members(round_.unit)
        sign_form = SignForm(
            members=members,
            failed_points=failed,
            initial={"inspector_name": request.user.name, "responsible": request.user.pk},
        )
    context = {
        "round": round_,
        "rows": rows,
        "answered": len(answers),
        "total": len(points),
        "may_inspect": may_inspect and not round_.is_signed,
        "sign_form": sign_form,
        "hazards": (),
    }
    return render(request, "inspections/round.html", context, status=status)


@login_required
def round_detail(request, pk):
    return _round_page(request, _visible_round_or_404(request.user, pk))


@login_required
@require_POST
def answer(request, pk, point_id):
    round_ = _visible_round_or_404(request.user, pk)
    point = get_object_or_404(RoundPoint, round=round_, pk=point_id)
    if not services.may_inspect(request.user, round_.unit):
        raise Http404
    form = AnswerForm(request.POST, request.FILES, prefix=f"p{point.pk}")
    if form.is_valid():
        try:
            services.answer_point(request.user, point, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Saved: %(item)s") % {"item": point.item})
            return redirect(f"{round_.get_absolute_url()}#point-{point.pk}")
    return _round_page(request, round_, forms={point.pk: form}, status=400)


@login_required
@require_POST
def correct(request, pk, point_id):
    """A leader files a correction of one answer of a signed round."""
    round_ = _visible_round_or_404(request.user, pk)
    point = get_object_or_404(RoundPoint, round=round_, pk=point_id)
    if not round_.is_signed or not services.leads(request.user, round_.unit):
        raise Http404
    form = CorrectionForm(request.POST, prefix=f"c{point.pk}")
    if form.is_valid():
        try:
            services.correct_answer(request.user, point, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Correction filed: %(item)s") % {"item": point.item})
            return redirect(f"{round_.get_absolute_url()}#point-{point.pk}")
    return _signed_round_page(request, round_, correction_forms={point.pk: form}, status=400)


@login_required
def round_record_download(request, pk):
    """The signed round as a printable PDF record; an open round has none (404)."""
    round_ = get_object_or_404(
        services.visible_rounds(request.user).select_related("unit", "signed_by"),
        pk=pk,
        status=Round.Status.SIGNED,
    )
    content = round_record_pdf(round_, round_record(round_))
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=round_,
        organisation=round_.unit,
        data={"what": "inspections.round_record", "format": "pdf", "scope": round_.unit.name},
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{round_.kind}-record-{round_.pk}-{round_.signed_at:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def sign(request, pk):
    round_ = _visible_round_or_404(request.user, pk)
    if not services.may_inspect(request.user, round_.unit):
        raise Http404
    answers = services.current_answers(round_)
    failed = [
        point
        for point in round_.points.all()
        if point.pk in answers and answers[point.pk].result == Answer.Result.FAIL
    ]
    form = SignForm(request.POST, members=services.unit_members(round_.unit), failed_points=failed)
    if form.is_valid():
        try:
            services.sign_round(
                request.user,
                round_,
                inspector_name=form.cleaned_data["inspector_name"],
                responsible=form.cleaned_data["responsible"],
                severities=form.severities(),
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The round is signed."))
            return redirect(round_.get_absolute_url())
    return _round_page(request, round_, sign_form=form, status=400)


def _visible_hazard_or_404(user, pk):
    return get_object_or_404(
        services.visible_hazards(user).select_related(
            "unit", "point", "answer", "responsible", "round", "rectified_by", "closed_by"
        ),
        pk=pk,
    )


def _hazard_page(request, hazard, change_form=None, rectify_form=None, status=200):
    leader = services.leads(request.user, hazard.unit)
    open_ = hazard.state != Hazard.State.CLOSED
    if change_form is None and leader and open_:
        change_form = HazardChangeForm(
            members=services.unit_members(hazard.unit),
            hazard=hazard,
            initial={
                "severity": hazard.severity,
                "responsible": hazard.responsible_id,
                "deadline": hazard.deadline,
            },
        )
    may_rectify = hazard.state == Hazard.State.PENDING and services.may_rectify(
        request.user, hazard
    )
    if rectify_form is None and may_rectify:
        rectify_form = RectifyForm()
    context = {
        "hazard": hazard,
        "entries": hazard.entries.all(),
        "found_in": None if hazard.round_id else sources.found_in(hazard),
        "change_form": change_form if leader and open_ else None,
        "rectify_form": rectify_form if may_rectify else None,
        "may_confirm": leader
        and hazard.state == Hazard.State.RECTIFIED
        and hazard.rectified_by_id != request.user.pk,
        "own_fix": hazard.state == Hazard.State.RECTIFIED
        and hazard.rectified_by_id == request.user.pk,
    }
    return render(request, "inspections/hazard.html", context, status=status)


@login_required
def hazard_detail(request, pk):
    return _hazard_page(request, _visible_hazard_or_404(request.user, pk))


@login_required
@require_POST
def hazard_change(request, pk):
    hazard = _visible_hazard_or_404(request.user, pk)
    if not services.leads(request.user, hazard.unit):
        raise Http404
    form = HazardChangeForm(request.POST, members=services.unit_members(hazard.unit), hazard=hazard)
    if form.is_valid():
        try:
            services.change_hazard(request.user, hazard, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The hazard is updated."))
            return redirect("inspections:hazard", hazard.pk)
    return _hazard_page(request, hazard, change_form=form, status=400)


@login_required
@require_POST
def hazard_rectify(request, pk):
    hazard = _visible_hazard_or_404(request.user, pk)
    form = RectifyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.rectify_hazard(request.user, hazard, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The fix is reported; a manager will confirm it."))
            return redirect("inspections:hazard", hazard.pk)
    return _hazard_page(request, hazard, rectify_form=form, status=400)


@login_required
@require_POST
def hazard_close(request, pk):
    hazard = _visible_hazard_or_404(request.user, pk)
    try:
        services.close_hazard(request.user, hazard)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The fix is confirmed and the hazard closed."))
    return redirect("inspections:hazard", hazard.pk)


@login_required
@require_POST
def nominate(request, unit_id):
    unit = _inspecting_unit_or_404(request.user, unit_id)
    if not services.leads(request.user, unit):
        raise Http404
    form = NominateForm(request.POST, members=services.unit_members(unit))
    if form.is_valid():
        try:
            services.nominate(request.user, unit, form.cleaned_data["person"])
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The member may now walk rounds."))
            return redirect("inspections:home")
    return home(request, forms_by_unit={("nominate", unit.pk): form}, status=400)


@login_required
@require_POST
def withdraw(request, pk):
    nominee = get_object_or_404(
        RoundNominee.objects.filter(unit__in=services.led_units(request.user)), pk=pk
    )
    services.withdraw_nomination(request.user, nominee)
    messages.success(request, _("The nomination is withdrawn."))
    return redirect("inspections:home")


@login_required
@cache_control(private=True, max_age=3600)
def answer_photo(request, pk):
    answer_ = get_object_or_404(services.visible_answers(request.user).exclude(photo=""), pk=pk)
    return photo_response(answer_.photo, f"answer-{answer_.pk}")


@login_required
@cache_control(private=True, max_age=3600)
def fix_photo(request, pk):
    hazard = get_object_or_404(services.visible_hazards(request.user).exclude(fix_photo=""), pk=pk)
    return photo_response(hazard.fix_photo, f"fix-{hazard.pk}")
