"""A database that blinks, a full disk or an object store that fails answers a Chinese 503 page.

Pages that write files say so at the field (config/storage.DiskFull); this is the net for the
rest: Wagtail's image and document uploads and renditions, Django's temporary upload files.
With media in a bucket (config/object_storage.py), an endpoint that cannot be reached or that
refuses (wrong bucket, key or policy) fails those same uploads and renditions.
"""

import logging
import sys

from botocore.exceptions import BotoCoreError, ClientError

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from .storage import is_disk_full

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def database_unavailable(error):
    """The 503 page, rendered without the request: its context processors need the database."""
    logger.warning("Database unavailable, answered 503: %s", error)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def disk_full(error):
    """The 503 page for a write refused by a full or failing disk; operators find it logged."""
    logger.error("Disk full or failing, answered 503: %s", error)
    response = HttpResponse(render_to_string("503.html", {"disk_full": True}), status=503)
    response["Cache-Control"] = "no-store"
    return response


def object_storage_failed(error):
    """The 503 page for a bucket that cannot be reached or refused; operators find why logged."""
    logger.error("Object storage failed, answered 503: %s", error)
    response = HttpResponse(render_to_string("503.html", {"storage_failed": True}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _unavailable(error):
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable(error)
    if is_disk_full(error):
        return disk_full(error)
    if isinstance(error, BotoCoreError | ClientError):
        return object_storage_failed(error)
    return None


class DatabaseUnavailableMiddleware:
    """Turns a database error or a full disk raised by a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return _unavailable(exception)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: a database or disk error raised outside a view (a middleware's) is a 503 too."""
    return _unavailable(sys.exc_info()[1]) or defaults.server_error(request, template_name)
