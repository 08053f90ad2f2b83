from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.redirects import next_url_or
from idempotency.submits import submit_once
from organisations import audit
from organisations.models import Organisation
from organisations.scope import is_coordinator, visible_organisations

from . import services
from .exports import acknowledgements_csv, acknowledgements_xlsx
from .forms import SendAlertForm
from .models import AlertPage, Dispatch, DispatchRecipient, is_site_editor

RECIPIENTS_PER_PAGE = 50
NOTICES_PER_PAGE = 20


def _require_sender(user):
    if not (is_site_editor(user) or is_coordinator(user)):
        raise PermissionDenied


def _sender_scope(user, page):
    """Editors of the page may send anywhere; a coordinator only within their own scope."""
    if is_site_editor(user) and page.permissions_for_user(user).can_edit():
        return Organisation.objects.filter(is_active=True), None
    visible = visible_organisations(user)
    return visible, visible


def _own_dispatch_or_404(user, pk):
    dispatches = Dispatch.objects.select_related("page", "root", "sent_by")
    if not user.is_superuser:
        dispatches = dispatches.filter(sent_by=user)
    return get_object_or_404(dispatches, pk=pk)


@login_required
def manage_alerts(request):
    """The sender's overview: alerts that can be sent, and what they sent with its progress."""
    _require_sender(request.user)
    alerts = AlertPage.objects.live().current().specific().order_by("-date")[:30]
    dispatches = (
        Dispatch.objects.filter(sent_by=request.user)
        .select_related("page", "root")
        .annotate(
            acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False))
        )[:50]
    )
    return render(request, "alerts/manage/index.html", {"alerts": alerts, "dispatches": dispatches})


@login_required
@submit_once("alerts.send")
def send_alert(request, page_id):
    _require_sender(request.user)
    page = get_object_or_404(AlertPage.objects.live().current(), pk=page_id).specific
    organisations, within = _sender_scope(request.user, page)
    form = SendAlertForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = services.send_alert(
                page,
                request.user,
                form.cleaned_data["root"],
                kind=form.cleaned_data["kind"],
                place_type=form.cleaned_data["place_type"],
                sector=form.cleaned_data["sector"],
                within=within,
                check_quiz=form.cleaned_data["check_quiz"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Sent to %(count)s units.") % {"count": dispatch.recipient_count},
            )
            return redirect("alerts:dispatch", pk=dispatch.pk)
    return render(request, "alerts/manage/send.html", {"page": page, "form": form})


def _recipients(dispatch, status=""):
    recipients = (
        dispatch.recipients.select_related("organisation", "acknowledged_by")
        .with_reader_counts()
        .order_by(F("acknowledged_at").asc(nulls_first=True), "organisation__path")
    )
    if status == "pending":
        recipients = recipients.pending()
    elif status == "acknowledged":
        recipients = recipients.filter(acknowledged_at__isnull=False)
    return recipients


@login_required
def dispatch_detail(request, pk):
    """Per unit: who has acknowledged, and who has not yet."""
    dispatch = _own_dispatch_or_404(request.user, pk)
    status = request.GET.get("status", "")
    if status not in ("pending", "acknowledged"):
        status = ""
    summary = dispatch.recipients.summary()
    page_obj = Paginator(_recipients(dispatch, status), RECIPIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "alerts/manage/dispatch.html",
        {
            "dispatch": dispatch,
            "summary": summary,
            "pending": summary["total"] - summary["acknowledged"],
            "page_obj": page_obj,
            "status": status,
        },
    )


@login_required
def dispatch_export(request, pk, file_format):
    if file_format not in ("xlsx", "csv"):
        raise Http404
    dispatch = _own_dispatch_or_404(request.user, pk)
    recipients = _recipients(dispatch)
    filename = f"acknowledgements-{dispatch.pk}.{file_format}"
    if file_format == "xlsx":
        response = acknowledgements_xlsx(dispatch, recipients, filename)
    else:
        response = acknowledgements_csv(recipients, filename)
    audit.record(
        request.user,
        "firesafety.export.download",
        instance=dispatch,
        organisation=dispatch.root,
        data={"what": "alerts.acknowledgements", "format": file_format, "scope": str(dispatch)},
    )
    return response


@login_required
def notices(request):
    """What was sent to the units where the user is responsible person or manager."""
    received = (
        DispatchRecipient.objects.for_reader(request.user)
        .select_related("dispatch__page", "dispatch__check_quiz", "organisation", "acknowledged_by")
        .order_by(F("acknowledged_at").asc(nulls_first=True), "-dispatch__sent_at")
    )
    page_obj = Paginator(received, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "alerts/notices/list.html", {"page_obj": page_obj})


@login_required
@require_POST
def acknowledge(request, pk):
    # Only rows sent to one's own unit exist for this user: anything else is a 404.
    recipient = get_object_or_404(DispatchRecipient.objects.for_reader(request.user), pk=pk)
    try:
        services.acknowledge(recipient, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Confirmed: you have read “%(title)s”.") % {"title": recipient.dispatch.page.title},
        )
    return HttpResponseRedirect(next_url_or(request, "alerts:notices"))
