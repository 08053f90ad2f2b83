"""Every response carries a request id, and the production log lines of that request name it."""

import io
import logging
import logging.config
import re
import uuid
from unittest import mock

import pytest

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.log import configure_logging

from config.log_settings import production_logging
from organisations import join

JOIN_URL = reverse("organisations:join_code", args=["ABCDEFGH"])
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def production_logs(caplog):
    """The production LOGGING applied, its stderr handler writing into a buffer returned here,
    and caplog still listening."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logging.config.dictConfig(production_logging("INFO"))
    [stderr_handler] = root.handlers
    stderr = io.StringIO()
    stderr_handler.setStream(stderr)
    # After the stderr handler, whose filter has set the record's request_id by then.
    root.addHandler(caplog.handler)
    yield stderr
    for handler in root.handlers[:]:
        root.removeHandler(handler)
    root.handlers[:], _level = saved
    root.setLevel(saved[1])
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


def test_a_response_carries_a_new_request_id(client, db):
    first = client.get(JOIN_URL)["X-Request-ID"]
    second = client.get(JOIN_URL)["X-Request-ID"]
    assert REQUEST_ID.fullmatch(first) and REQUEST_ID.fullmatch(second)
    assert first != second


def test_the_proxys_request_id_is_kept(client, db):
    given = uuid.uuid4().hex
    assert client.get(JOIN_URL, headers={"X-Request-ID": given})["X-Request-ID"] == given


@pytest.mark.parametrize(
    "hostile", ["not-a-uuid", "x" * 5000, "1\r\nSet-Cookie: a=b", "abc\nERROR forged line"]
)
def test_a_request_id_that_is_not_a_uuid_is_replaced(client, db, hostile):
    response = client.get(JOIN_URL, headers={"X-Request-ID": hostile})
    assert REQUEST_ID.fullmatch(response["X-Request-ID"])


def test_a_server_error_is_logged_to_stderr_with_the_request_id(db, production_logs, caplog):
    client = Client(raise_request_exception=False)
    with mock.patch.object(join, "find_join_code", side_effect=RuntimeError("bug")):
        response = client.get(JOIN_URL)
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert REQUEST_ID.fullmatch(request_id)
    [error] = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert error.request_id == request_id
    stderr = production_logs.getvalue()
    assert f"ERROR [{request_id}] django.request: Internal Server Error: {JOIN_URL}" in stderr
    assert "RuntimeError: bug" in stderr


def test_production_mails_errors_to_admins_only_when_asked():
    assert production_logging()["loggers"]["django"]["handlers"] == []
    assert production_logging(mail_admins=True)["loggers"]["django"]["handlers"] == ["mail_admins"]
