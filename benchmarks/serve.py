"""Serving speed under gunicorn: python -m benchmarks.serve [--duration 5 --rounds 3]

Starts two gunicorn servers with production settings and the repository's gunicorn.conf.py, on
free ports, against one demo database (SQLite, made by migrate + load_demo in a temporary file)
and a redis-server of its own (benchmarks.servers): the site, and a bare Django view
(benchmarks/bare.py: one query, a tiny template, the site's middleware), which is the
framework's limit on this machine. Then it runs Debian's wrk against each page in interleaved
rounds (every page once per round, so a burst of load from elsewhere touches all pages alike)
and prints the median req/s of each page and its share of the bare view's. The signed-in pages
are read with the session cookie of one sign-in as the demo learner `staff`.

Requests carry `X-Forwarded-Proto: https`, as nginx sends them after TLS (production settings
redirect plain http). --workers, --worker-class and --gunicorn-threads override the config file,
to compare settings; --database keeps the demo database for the next run (it takes ~90 s).
"""

import argparse
import contextlib
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from .faults import collect_static, site_environment
from .servers import REPO, Gunicorn, PrivateRedis
from .setup import SERVE_MEDIA_ROOT

CONFIG = REPO / "gunicorn.conf.py"
SITE_SETTINGS = "benchmarks.serve_settings"
BARE_SETTINGS = "benchmarks.bare_settings"
LEARNER = "staff"
DEMO_PASSWORD = "fire-safety-demo"  # noqa: S105 - the demo's published password
HTTPS = {"X-Forwarded-Proto": "https"}
BARE = "bare"
# key: (label in the table, signed in)
PAGES = {
    BARE: ("bare Django view", False),
    "home": ("`/` home, anonymous", False),
    "course": ("a course page, anonymous", False),
    "handbook": ("a handbook, anonymous", False),
    "case": ("a case warning, anonymous", False),
    "search": ("`/search/?q=灭火器`", False),
    "learn": ("`/learn/`, signed in", True),
    "lesson": ("a lesson page, signed in", True),
}


# wrk --------------------------------------------------------------------------------------------


def wrk_binary():
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk not found: install Debian's package with `apt-get install wrk`")
    return found


_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_BAD_STATUS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output):
    """wrk's summary as numbers: req/s, requests, non-2xx/3xx answers, socket errors."""
    rate, total = _RATE.search(output), _TOTAL.search(output)
    if rate is None or total is None:
        raise ValueError(f"not wrk's summary: {output[:200]!r}")
    bad = _BAD_STATUS.search(output)
    errors = _SOCKET_ERRORS.search(output)
    names = ("connect", "read", "write", "timeout")
    return {
        "rate": float(rate.group(1)),
        "requests": int(total.group(1)),
        "bad status": int(bad.group(1)) if bad else 0,
        "socket errors": dict(zip(names, map(int, errors.groups()), strict=True)) if errors else {},
    }


def run_wrk(url, *, duration, threads, connections, headers=()):
    """One wrk run against url; its parsed summary."""
    command = [wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{duration}s"]
    for name, value in dict(HTTPS, **dict(headers)).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 60
    )
    return parse_wrk(done.stdout)


# The table --------------------------------------------------------------------------------------


def table(rates):
    """Markdown lines: page | median req/s | share of the bare view's median."""
    bare = statistics.median(rates[BARE])
    lines = ["| page | req/s | share of the bare view |", "|---|---:|---:|"]
    for key, measured in rates.items():
        rate = statistics.median(measured)
        share = "100 %" if key == BARE else f"{rate / bare * 100:.1f} %"
        lines.append(f"| {PAGES[key][0]} | {rate:,.0f} | {share} |")
    return lines


def machine():
    """The date, the cores and the load: what a reader needs to weigh the figures."""
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{today}; {os.cpu_count()} cores ({model}); load average {load}"


# The servers ------------------------------------------------------------------------------------


def environment(database_url, redis_url, port, settings_module):
    """Production settings for gunicorn (README's deploy section), with tasks run in-process."""
    return site_environment(database_url, redis_url, port) | {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "CACHE_KEY_PREFIX": "serve-benchmark",
        # Nothing else runs db_worker here; load_demo's search indexing must happen.
        "TASKS_BACKEND": "immediate",
    }


def make_demo_database(path, env, say=print):
    """migrate + load_demo into a new SQLite file (about 90 s)."""
    shutil.rmtree(SERVE_MEDIA_ROOT, ignore_errors=True)
    say(f"making the demo database {path} (migrate + load_demo, about 90 s)")
    manage = [sys.executable, str(REPO / "manage.py")]
    for command in (["migrate", "-v0", "--noinput"], ["load_demo", "--force"]):
        subprocess.run(
            [*manage, *command], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL
        )


@contextlib.contextmanager
def redis_server(url=None):
    """url when given, else the URL of a redis-server of our own (stopped afterwards)."""
    if url:
        yield url
        return
    with PrivateRedis() as redis:
        yield redis.url


@contextlib.contextmanager
def servers(database_url, redis_url, *, options=(), log_dir=None):
    """The site and the bare view under gunicorn, with gunicorn.conf.py and then options."""
    site = Gunicorn({}, config=CONFIG, options=options, workers=None)
    bare = Gunicorn({}, config=CONFIG, options=options, workers=None)
    for server, settings_module in ((site, SITE_SETTINGS), (bare, BARE_SETTINGS)):
        # One CSRF origin for both: the sign-in is the site's.
        server.env = environment(database_url, redis_url, site.port, settings_module)
        if log_dir is not None:
            server.log_path = Path(log_dir) / f"gunicorn-{server.port}.log"
    collect_static(site.env)
    started = []
    try:
        for server in (site, bare):
            started.append(server.start())
        yield site, bare
    finally:
        for server in started:
            server.stop()


def demo_paths(env):
    """The path of each page of PAGES but the bare view, found in the demo database."""
    os.environ.update(env)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    from wagtail.models import Site

    from alerts.models import CaseWarningPage
    from courses.models import Enrolment, LessonPage
    from handbooks.models import HandbookPage

    site = Site.objects.get(is_default_site=True)
    learner = get_user_model().objects.get(username=LEARNER)
    course = Enrolment.objects.filter(user=learner).order_by("pk").first().course
    lesson = LessonPage.objects.live().child_of(course).first()
    paths = {
        "home": "/",
        "course": course.relative_url(site),
        "handbook": HandbookPage.objects.live().order_by("path").first().relative_url(site),
        "case": CaseWarningPage.objects.live().order_by("path").first().relative_url(site),
        "search": f"/search/?q={quote('灭火器')}",
        "learn": "/learn/",
        "lesson": lesson.relative_url(site),
    }
    connections.close_all()
    return paths


def sign_in(base_url, username, password):
    """The Cookie header of a session signed in through the sign-in form."""
    import requests

    browser = requests.Session()
    browser.headers.update(HTTPS | {"Origin": base_url.replace("http://", "https://")})
    browser.get(f"{base_url}/accounts/login/", timeout=60).raise_for_status()
    token = browser.cookies["csrftoken"]
    answer = browser.post(
        f"{base_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        cookies={"csrftoken": token},  # Secure cookies: requests keeps them off plain http
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "sessionid" not in answer.cookies:
        raise SystemExit(f"signing in as {username} failed: {answer.status_code}")
    return f"sessionid={answer.cookies['sessionid']}"


def check_answers(targets):
    """Every target answers 200 (not a redirect to the sign-in, not an error): else stop."""
    import requests

    for key, (url, headers) in targets.items():
        answer = requests.get(url, headers=HTTPS | headers, allow_redirects=False, timeout=60)
        if answer.status_code != 200:
            raise SystemExit(f"{key}: {url} answered {answer.status_code}, not 200")


def measure(targets, *, rounds, duration, threads, connections, warmup=0, say=print):
    """req/s of each target in every round: {key: [rate, …]}, in interleaved rounds."""
    if warmup:
        for url, headers in targets.values():
            run_wrk(url, duration=warmup, threads=threads, connections=connections, headers=headers)
    rates = {key: [] for key in targets}
    for number in range(1, rounds + 1):
        for key, (url, headers) in targets.items():
            summary = run_wrk(
                url, duration=duration, threads=threads, connections=connections, headers=headers
            )
            if summary["bad status"]:
                raise SystemExit(f"{key}: {summary['bad status']} answers were not 2xx or 3xx")
            rates[key].append(summary["rate"])
            errors = {name: n for name, n in summary["socket errors"].items() if n}
            noted = f" socket errors {errors}" if errors else ""
            say(f"round {number}: {key} {summary['rate']:,.0f} req/s{noted}")
    return rates


# The command ------------------------------------------------------------------------------------


def gunicorn_options(args):
    options = []
    if args.workers:
        options += ["--workers", str(args.workers)]
    if args.worker_class:
        options += ["--worker-class", args.worker_class]
    if args.gunicorn_threads:
        options += ["--threads", str(args.gunicorn_threads)]
    return options


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=2, help="seconds per page, not counted")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk's connections")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"a comma-separated subset of {','.join(PAGES)}"
    )
    parser.add_argument("--workers", type=int, help="override gunicorn.conf.py")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], help="override")
    parser.add_argument("--gunicorn-threads", type=int, help="override gunicorn.conf.py")
    parser.add_argument("--database", help="an SQLite file: made if missing, then kept")
    parser.add_argument("--redis-url", help="default: a redis-server of its own")
    args = parser.parse_args(argv)
    keys = [BARE, *(key for key in args.pages.split(",") if key and key != BARE)]
    unknown = set(keys) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if min(args.duration, args.rounds, args.threads) < 1 or args.connections < args.threads:
        parser.error("--duration, --rounds, --threads ≥ 1 and --connections ≥ --threads")
    wrk_binary()
    with (
        tempfile.TemporaryDirectory(prefix="firesafety-serve-") as scratch,
        redis_server(args.redis_url) as redis_url,
    ):
        path = Path(args.database) if args.database else Path(scratch) / "demo.sqlite3"
        database_url = f"sqlite:///{path.resolve()}"
        if not path.exists() or path.stat().st_size == 0:
            make_demo_database(path, environment(database_url, redis_url, 0, SITE_SETTINGS))
        paths = demo_paths(environment(database_url, redis_url, 0, SITE_SETTINGS))
        options = gunicorn_options(args)
        with servers(database_url, redis_url, options=options, log_dir=scratch) as (site, bare):
            cookie = {"Cookie": sign_in(site.url, LEARNER, DEMO_PASSWORD)}
            targets = {
                key: (
                    f"{bare.url}/" if key == BARE else site.url + paths[key],
                    cookie if PAGES[key][1] else {},
                )
                for key in keys
            }
            check_answers(targets)
            before = machine()
            rates = measure(
                targets,
                rounds=args.rounds,
                duration=args.duration,
                threads=args.threads,
                connections=args.connections,
                warmup=args.warmup,
            )
        if not args.database:  # the pictures of a database that is gone with it
            shutil.rmtree(SERVE_MEDIA_ROOT, ignore_errors=True)
    print(f"\n{before}")
    print(
        f"{' '.join(['gunicorn -c gunicorn.conf.py', *options])}; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration}s, median of {args.rounds} interleaved rounds\n"
    )
    print("\n".join(table(rates)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
