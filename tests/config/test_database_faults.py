"""A database that blinks during a request: a Chinese 503 page with Retry-After, no traceback."""

import logging
from importlib import import_module
from unittest import mock

import pytest

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from organisations import join

JOIN_URL = reverse("organisations:join_code", args=["ABCDEFGH"])


def assert_busy_page(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert "系统繁忙，请稍后重试" in page
    assert "Traceback" not in page
    assert "OperationalError" not in page
    assert "server closed the connection" not in page


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_query_failing_in_a_view_answers_the_busy_page(client, db, caplog, error):
    caplog.set_level(logging.WARNING, logger="config.faults")
    failing = error("server closed the connection unexpectedly")
    with mock.patch.object(join, "find_join_code", side_effect=failing):
        response = client.get(JOIN_URL)
    assert_busy_page(response)
    assert any("Database unavailable" in record.getMessage() for record in caplog.records)


def test_a_query_failing_in_a_middleware_answers_the_busy_page(learner, db):
    # The session is read by the middleware, before any view: handler500 turns it into the 503.
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    failing = OperationalError("the database system is shutting down")
    # The configured engine's store: cached_db (with Redis) has its own load().
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with mock.patch.object(store, "load", side_effect=failing):
        response = client.get(reverse("accounts_my_data:overview"))
    assert_busy_page(response)


def test_other_errors_still_answer_the_500_page(db):
    client = Client(raise_request_exception=False)
    with mock.patch.object(join, "find_join_code", side_effect=RuntimeError("bug")):
        response = client.get(JOIN_URL)
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()
