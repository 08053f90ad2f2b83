"""benchmarks.serve in pieces and at a tiny size (not timed: the figures are in the README).

The pieces that need no server (wrk's summary, the table, the bare view) run in the normal
suite; one test starts the two gunicorn servers of the benchmark with gunicorn.conf.py and runs
wrk for a second against the bare view, the home page and a signed-in page.
"""

import shutil

import pytest

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import serve
from tests.factories import TEST_PASSWORD
from tests.idempotency.test_killed_worker import database_for_the_site

WRK_SUMMARY = """\
Running 1s test @ http://127.0.0.1:8201/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.05ms    1.20ms  15.00ms   80.00%
    Req/Sec     0.99k    50.00     1.10k    70.00%
  1978 requests in 1.00s, 1.20MB read
  Socket errors: connect 0, read 12, write 0, timeout 1
  Non-2xx or 3xx responses: 3
Requests/sec:   1977.50
Transfer/sec:      1.20MB
"""


def test_wrk_summary_gives_the_rate_and_what_went_wrong():
    summary = serve.parse_wrk(WRK_SUMMARY)
    assert summary == {
        "rate": 1977.5,
        "requests": 1978,
        "bad status": 3,
        "socket errors": {"connect": 0, "read": 12, "write": 0, "timeout": 1},
    }


def test_a_clean_wrk_summary_has_no_errors_and_garbage_is_refused():
    clean = "\n".join(
        line for line in WRK_SUMMARY.splitlines() if "errors" not in line and "Non-2xx" not in line
    )
    assert serve.parse_wrk(clean)["bad status"] == 0
    assert serve.parse_wrk(clean)["socket errors"] == {}
    with pytest.raises(ValueError, match="not wrk's summary"):
        serve.parse_wrk("unable to connect to 127.0.0.1:8201 Connection refused")


def test_the_table_shows_each_pages_median_and_its_share_of_the_bare_view():
    lines = serve.table({"bare": [2100, 1900, 2000], "home": [140, 100, 120], "learn": [64]})
    assert lines == [
        "| page | req/s | share of the bare view |",
        "|---|---:|---:|",
        "| bare Django view | 2,000 | 100 % |",
        "| `/` home, anonymous | 120 | 6.0 % |",
        "| `/learn/`, signed in | 64 | 3.2 % |",
    ]


def test_the_bare_view_costs_one_query_behind_the_sites_middleware(client, settings, home_page):
    settings.ROOT_URLCONF = "benchmarks.bare"
    client.get(
        "/"
    )  # the first request also looks up the site, which later ones read from the cache
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/")
    assert answer.status_code == 200
    assert b"<title>" in answer.content
    assert len(queries) == 1
    assert answer["X-Frame-Options"] == "DENY"  # the middleware ran


def test_the_command_refuses_unknown_pages_and_says_how_to_get_wrk(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        serve.main(["--pages", "home,nowhere"])
    assert "unknown pages: nowhere" in capsys.readouterr().err
    monkeypatch.setattr(serve.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="apt-get install wrk"):
        serve.main(["--pages", "home"])


@pytest.mark.own_servers
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_runs_wrk_against_both_servers_signed_out_and_in(
    tmp_path, home_page, learner
):
    if not shutil.which("wrk") or not shutil.which("redis-server"):
        pytest.skip("wrk and redis-server are needed (apt-get install wrk redis-server)")
    # Production settings hash with Argon2 first and know nothing of the tests' MD5.
    hasher = Argon2PasswordHasher()
    learner.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    learner.save(update_fields=["password"])
    with (
        database_for_the_site(tmp_path) as database_url,
        serve.redis_server() as redis_url,
        serve.servers(database_url, redis_url, options=["--workers", "1"]) as (site, bare),
    ):
        cookie = {"Cookie": serve.sign_in(site.url, learner.username, TEST_PASSWORD)}
        targets = {
            "bare": (f"{bare.url}/", {}),
            "home": (f"{site.url}/", {}),
            "learn": (f"{site.url}/learn/", cookie),
        }
        serve.check_answers(targets)
        with pytest.raises(SystemExit, match="answered 302"):
            serve.check_answers({"learn": (f"{site.url}/learn/", {})})
        said = []
        rates = serve.measure(
            targets, rounds=1, duration=1, threads=1, connections=2, say=said.append
        )
    assert [len(measured) for measured in rates.values()] == [1, 1, 1]
    assert all(measured[0] > 0 for measured in rates.values())
    assert said[0].startswith("round 1: bare ")
    assert len(serve.table(rates)) == 5
