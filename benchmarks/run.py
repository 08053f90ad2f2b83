"""Time the coordinator pages against the generated district: python -m benchmarks.run

Each page is requested through Django's test Client (the whole stack: middleware, views, SQL,
templates) --repeat times after one warm-up; the table shows the median and the query count.

Hook for other benchmarks: a module `benchmarks/<name>.py` listed in EXTRA_MODULES with a function
`run(repeat) -> list[(label, median_seconds, queries_or_None)]` is run after the pages and its rows
join the table. The member import is timed by `manage.py benchmark_import`.
"""

import argparse
import importlib
import statistics
import sys
import time

from .setup import setup_django

EXTRA_MODULES = ["benchmarks.reports", "benchmarks.learning", "benchmarks.campaigns"]


def time_get(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings), len(queries)


def page_cases():
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from organisations.models import Membership, Organisation

    User = get_user_model()
    coordinator = {
        name: User.objects.get(username=f"bench_{name}")
        for name in ("district", "town", "manager", "teacher", "edu")
    }
    org = {
        name: Membership.objects.get(user=user, role="coordinator").organisation
        for name, user in coordinator.items()
    }
    sample = (
        Membership.objects.filter(
            organisation__path__startswith=org["town"].path, user__phone__isnull=False
        )
        .select_related("user")
        .order_by("pk")[100]
    )
    district_count = Organisation.objects.filter(path__startswith=org["district"].path).count()

    def members(name, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"{reverse('organisations:manage_members', args=[org[name].pk])}?{query}"

    return (
        district_count,
        [
            ("district", "tree: top organisations", reverse("organisations:manage")),
            (
                "district",
                "tree: district's children",
                reverse("organisations:manage_organisation", args=[org["district"].pk]),
            ),
            (
                "district",
                "tree: a town's children (page 1)",
                reverse("organisations:manage_organisation", args=[org["town"].pk]),
            ),
            ("district", "tree: search by name", f"{reverse('organisations:manage')}?q=单位0123"),
            ("edu", "tree: department (sector) roots", reverse("organisations:manage")),
            ("district", "members: whole district, page 1", members("district", subtree="on")),
            (
                "district",
                "members: whole district, page 100",
                members("district", subtree="on", page=100),
            ),
            (
                "district",
                "members: district, search name",
                members("district", subtree="on", q=sample.user.name),
            ),
            (
                "district",
                "members: district, search phone",
                members("district", subtree="on", q=sample.user.phone),
            ),
            (
                "district",
                "members: district, role filter",
                members("district", subtree="on", role="operator"),
            ),
            ("town", "members: one town, page 1", members("town", subtree="on")),
            ("manager", "members: one unit", members("manager")),
            ("teacher", "members: one class", members("teacher")),
        ],
        coordinator,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="default: benchmarks/bench.sqlite3")
    args = parser.parse_args(argv)
    setup_django(args.database_url)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from organisations.models import Membership

    organisations, cases, coordinator = page_cases()
    people = get_user_model().objects.count()
    print(
        f"{connection.vendor}: {organisations:,} organisations, {people:,} people, "
        f"{Membership.objects.count():,} memberships; median of {args.repeat}"
    )
    rows = []
    clients = {}
    for who, label, url in cases:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(coordinator[who])
        median, queries = time_get(clients[who], url, args.repeat)
        rows.append((f"{label} ({who})", median, queries))
    for module_name in EXTRA_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            rows.append((f"{module_name}: not written yet", None, None))
            continue
        rows.extend(module.run(args.repeat))

    print("| page | median ms | queries |\n|---|---:|---:|")
    for label, median, queries in rows:
        shown = "—" if median is None else f"{median * 1000:.0f}"
        print(f"| {label} | {shown} | {queries if queries is not None else '—'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
