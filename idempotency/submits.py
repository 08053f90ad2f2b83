"""`submit_once`: a view's POST with a form's key does its work once; a replay gets its answer.

The key is claimed (an INSERT under a unique constraint per user) in the same transaction as the
view's work, and the redirect the view answered is stored with it before the commit. So:

- a double tap or a second worker with the same key waits at the INSERT until the first commits,
  then answers the stored redirect (PostgreSQL; SQLite serialises every write anyway);
- a worker killed after the commit but before the response leaves the claim committed with the
  work, and the browser's retry is answered with the stored redirect;
- a request that fails (an exception, a database error) rolls back claim and work together, so
  the retry does the work.

A view under `submit_once` answers a redirect when it has acted (POST/redirect/GET). Any other
answer (a form with errors, a refusal page) is taken as "nothing done": its transaction is rolled
back and the key stays free, so the corrected form can be sent again with it.

A POST without the field (a form rendered before keys existed, still open in a tab) is handled as
before, without a claim; the services' own guards (an attempt is graded once, an import confirmed
once, a person reminded once a day) still hold. The key is not derived from the posted content,
because the same content twice can be meant twice (two activities logged alike on one day are
refused by the service's own rule, not guessed here).
"""

import functools
import hashlib
import json
import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyKey

FIELD = "idempotency_key"
KEY_FORMAT = re.compile(r"[0-9a-f]{32}")
# Posted with every form and different at each rendering: not part of what the form says.
UNCOMPARED_FIELDS = {FIELD, "csrfmiddlewaretoken"}


def new_key():
    """A fresh key for one rendering of a form."""
    return uuid.uuid4().hex


class MalformedKey(Exception):
    pass


class _NothingDone(Exception):
    """Carries a non-redirect answer out of the transaction, which it rolls back."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def posted_key(request):
    """The form's key as a UUID, None when the form has none, or MalformedKey."""
    values = request.POST.getlist(FIELD)
    if not values:
        return None
    if len(values) != 1 or not KEY_FORMAT.fullmatch(values[0]):
        raise MalformedKey
    return uuid.UUID(hex=values[0])


def fingerprint(request):
    """SHA-256 of what the form says: its path, posted fields and uploaded files' names/sizes."""
    digest = hashlib.sha256(request.path.encode())
    for name, values in sorted(request.POST.lists()):
        if name not in UNCOMPARED_FIELDS:
            digest.update(json.dumps([name, values]).encode())
    for name, files in sorted(request.FILES.lists()):
        digest.update(json.dumps([name, [[f.name, f.size] for f in files]]).encode())
    return digest.hexdigest()


def _queued_messages(request):
    # Django's message storage keeps this request's new messages in _queued_messages; there is
    # no public way to read them without marking the earlier ones as shown.
    return list(getattr(getattr(request, "_messages", None), "_queued_messages", []))


def _refusal(request, status, reason):
    return render(request, "idempotency/refused.html", {"reason": reason}, status=status)


def _replay(request, claimed, fingerprint_now):
    if claimed.fingerprint != fingerprint_now:
        # The IETF draft on Idempotency-Key answers a reused key with other content 422.
        return _refusal(
            request,
            422,
            _(
                "This form was already submitted, with other content. Reload the page and "
                "submit again."
            ),
        )
    for level, text, tags in claimed.messages:
        messages.add_message(request, level, text, extra_tags=tags)
    return HttpResponseRedirect(claimed.redirect_url)


def _claimed(user, key):
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def _do_once(request, view, args, kwargs, purpose, key):
    content = fingerprint(request)
    claimed = _claimed(request.user, key)
    if claimed is not None:
        return _replay(request, claimed, content)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(
                        user=request.user, key=key, purpose=purpose, fingerprint=content
                    )
            except IntegrityError:
                claim = None  # a request with this key committed first: answer as it did
            if claim is not None:
                already_queued = len(_queued_messages(request))
                response = view(request, *args, **kwargs)
                if not isinstance(response, HttpResponseRedirectBase):
                    raise _NothingDone(response)
                claim.redirect_url = response.url
                claim.messages = [
                    [message.level, str(message.message), message.extra_tags or ""]
                    for message in _queued_messages(request)[already_queued:]
                ]
                claim.save(update_fields=["redirect_url", "messages"])
                return response
    except _NothingDone as nothing_done:
        return nothing_done.response
    claimed = _claimed(request.user, key)
    if claimed is None:  # forgotten since (forget_old_idempotency_keys): a fresh submit
        return _do_once(request, view, args, kwargs, purpose, key)
    return _replay(request, claimed, content)


def submit_once(purpose):
    """Decorate a view whose POST does something once; `purpose` names it in the table."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST" or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            try:
                key = posted_key(request)
            except MalformedKey:
                return _refusal(
                    request,
                    400,
                    _("This form's submit key is not valid. Reload the page and submit again."),
                )
            if key is None:
                return view(request, *args, **kwargs)
            return _do_once(request, view, args, kwargs, purpose, key)

        return wrapper

    return decorate


def forget_old(now=None):
    """Delete keys older than IDEMPOTENCY_KEYS_KEPT_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.IDEMPOTENCY_KEYS_KEPT_DAYS)
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
