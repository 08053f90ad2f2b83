from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .models import Notice


@login_required
def notice_list(request):
    """我的消息: reminders and other messages, newest first; unread ones stand out."""
    notices = Notice.objects.filter(user=request.user)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(request, "accounts/notices.html", {"page_obj": page})


@login_required
@require_POST
def mark_all_read(request):
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("accounts:notices")
