"""No request ends in a 500: hostile values posted to every form and JSON endpoint, as every role.

The endpoints come from the URL resolver, their path ids from the demo data, the form fields from
the pages themselves. The run is repeatable: FUZZ_SEED picks the values, FUZZ_ROUNDS how many
submissions each form and endpoint gets (`FUZZ_SEED=7 FUZZ_ROUNDS=6 pytest tests/fuzz`).
Every request runs in a savepoint that is rolled back, so each role meets the same demo data.
"""

import contextlib
import os
import random
import sys
import time
from urllib.parse import quote, urlsplit

import pytest

from django.core.management import call_command
from django.db import transaction
from django.test import Client

from accounts.models import User
from home.management.commands.load_demo import DEMO_ACCOUNTS
from quizzes import services as quiz_services
from quizzes.models import Quiz

from .endpoints import (
    SOURCES,
    DemoValues,
    forms_of,
    page_urls,
    paths_for,
    site_endpoints,
)
from .values import RAW_FORMS, Values

SEED = int(os.environ.get("FUZZ_SEED", "20261213"))
ROUNDS = int(os.environ.get("FUZZ_ROUNDS", "1"))
# Paths with a boundary id mostly stop at the URL converter (a 404): a share of them is enough.
BOUNDARY_SHARE = 0.4
# Every demo account of DESIGN.md's contract and the anonymous visitor; the reviewer's pages
# are the editor's (Wagtail's admin, not fuzzed), so it is left out to save time.
ROLES = [None, *(account for account in DEMO_ACCOUNTS if account != "reviewer")]
# Fields worth trying on any endpoint, whatever its form shows.
COMMON_FIELDS = ["next", "page", "q", "organisation", "requirement", "as_of", "role", "status"]
JSON_KEYS = {
    "quizzes:answer": ["question", "choices"],
    "courses:video_progress": ["start", "end", "position"],
}
MAX_FORMS_PER_ROLE = 25


class Fuzzer:
    def __init__(self, rng):
        self.rng = rng
        self.failures = []
        self.requests = 0

    def send(self, client, method, path, kwargs=None, **more):
        """One request in a rolled-back savepoint; a 500 or an exception is a failure."""
        kwargs = {**(kwargs or {}), **more}
        self.requests += 1
        try:
            with transaction.atomic():
                response = getattr(client, method)(path, **kwargs)
                transaction.set_rollback(True)
        except Exception as error:  # every exception is what we look for
            self.failures.append((method, path, kwargs, f"{type(error).__name__}: {error}"))
            return None
        if response.status_code >= 500:
            self.failures.append((method, path, kwargs, f"status {response.status_code}"))
        return response


def _sign_in(client, user):
    if user is not None:
        client.force_login(user)


def _html(response):
    if response is None or response.status_code != 200:
        return ""
    if not response.get("Content-Type", "").startswith("text/html"):
        return ""
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def _fuzzed_fields(values, names):
    data = {}
    for name in names:
        if values.rng.random() < 0.8:
            data[name] = values.field_value()
    return data


def _open_attempts(user):
    """Open an attempt of each quiz the role may take, so autosave and submit are reached."""
    for quiz in Quiz.objects.order_by("pk")[:3]:
        with contextlib.suppress(quiz_services.StartRefused):
            quiz_services.start_attempt(user, quiz)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_every_route_has_demo_values_for_its_parameters():
    missing = [
        f"{endpoint.name} {name}"
        for endpoint in site_endpoints()
        for _converter, name in endpoint.parameters
        if name not in SOURCES.get(endpoint.name, {})
    ]
    assert not missing, "say in tests/fuzz/endpoints.py SOURCES which ids these take"


def test_no_request_ends_in_a_server_error(demo):
    started = time.monotonic()
    rng = random.Random(SEED)
    fuzzer = Fuzzer(rng)
    endpoints = site_endpoints()
    pages = page_urls()
    for username in ROLES:
        user = User.objects.get(username=username) if username else None
        if user is not None:
            _open_attempts(user)
        demo_values = DemoValues(user)
        values = Values(rng, demo_values.all_ids())
        client = Client()
        forms = {}
        for endpoint in endpoints:
            *real_paths, boundary = paths_for(endpoint, demo_values, rng)
            for path in real_paths:
                _sign_in(client, user)
                response = fuzzer.send(client, "get", path)
                for form in forms_of(path, _html(response)):
                    forms.setdefault((form.action, form.method, tuple(sorted(form.fields))), form)
                for _round in range(ROUNDS):
                    fuzzer.send(client, *_fuzzed_request(values, endpoint, path))
            if endpoint.parameters and rng.random() < BOUNDARY_SHARE:
                _sign_in(client, user)
                fuzzer.send(client, *_fuzzed_request(values, endpoint, boundary))
        for url in pages:
            _sign_in(client, user)
            response = fuzzer.send(client, "get", url)
            for form in forms_of(url, _html(response)):
                forms.setdefault((form.action, form.method, tuple(sorted(form.fields))), form)
            fuzzer.send(client, "get", url, data=_fuzzed_fields(values, COMMON_FIELDS))
        chosen = sorted(forms.values(), key=lambda form: (form.action, form.method))
        for form in rng.sample(chosen, min(len(chosen), MAX_FORMS_PER_ROLE)):
            _sign_in(client, user)
            path = urlsplit(form.action).path
            for _round in range(ROUNDS + 1):
                data = {}
                for name, offered in form.fields.items():
                    roll = rng.random()
                    if offered and roll < 0.4:
                        data[name] = rng.choice(offered)  # a real value keeps the form reachable
                    elif roll < 0.95:
                        data[name] = values.field_value()
                for name in form.files:
                    data[name] = _junk_file(rng)
                fuzzer.send(client, form.method, path, data=data)
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"fuzz: {username or 'anonymous'}, {fuzzer.requests} requests, {elapsed:.0f} s\n"
        )
    elapsed = time.monotonic() - started
    report = "\n".join(
        f"{method.upper()} {quote(path[:120], safe='/:?=&')} {_short(kwargs)} -> {error}"
        for method, path, kwargs, error in fuzzer.failures
    )
    print(f"fuzz: seed {SEED}, {fuzzer.requests} requests in {elapsed:.0f} s")  # noqa: T201
    assert not fuzzer.failures, f"{len(fuzzer.failures)} server errors:\n{report}"


def _fuzzed_request(values, endpoint, path):
    """(method, path, kwargs) of one hostile request: a query, a form, JSON or raw bytes."""
    rng = values.rng
    keys = JSON_KEYS.get(endpoint.name)
    roll = rng.random()
    if keys and roll < 0.5:
        body = values.json_body(keys)
        return "post", path, {"data": body, "content_type": "application/json"}
    if roll < 0.35:
        return "get", path, {"data": _fuzzed_fields(values, COMMON_FIELDS)}
    if roll < 0.9:
        return "post", path, {"data": _fuzzed_fields(values, COMMON_FIELDS)}
    return (
        "post",
        path,
        {
            "data": rng.choice(RAW_FORMS),
            "content_type": "application/x-www-form-urlencoded",
        },
    )


def _junk_file(rng):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name, content = rng.choice(
        [
            ("members.xlsx", b"PK\x03\x04 not really a zip"),
            ("members.csv", "姓名,手机号\n\x00,=1+1\n".encode()),
            ("members.csv", b"\xff\xfe\x00bad"),
            ("empty.xlsx", b""),
            ("../../x.xlsx", b"x"),
        ]
    )
    return SimpleUploadedFile(name, content)


def _short(kwargs):
    data = kwargs.get("data")
    text = repr(data)
    return text if len(text) < 300 else text[:300] + "…"
