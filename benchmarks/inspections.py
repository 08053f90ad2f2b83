"""Self-inspection overview at district scale: python -m benchmarks.inspections

Builds on PostgreSQL (by default postgres://postgres@127.0.0.1:5432/firesafety_bench_inspections,
created if missing and emptied first, so never point it at real data) a district of
--organisations organisations shaped as benchmarks.generate's. One unit in six is a key unit
(重点单位) that walked a signed patrol (4 check points) every day of the last --days days and a
signed inspection (20 points) every month: about 5 M answers at 20,000 organisations. About
1 % of the answers are 不合格, some check points far more often than others, and each of those
is a hazard (about 50,000): closed after 1–10 days when older than a month, otherwise to
rectify (overdue after its deadline) or rectified. One key unit in 40 stopped patrolling 10
days ago, one in 25 has not inspected this month. Every table is filled by one INSERT … SELECT
over generate_series, so the year builds in minutes.

Then times the overview as the district's coordinator sees it (the district's towns, a town, a
community, a unit's page, the Excel export) and as the town's coordinator, through Django's
test client (middleware, views, SQL, templates), and prints a Markdown table. --reuse times an
existing build again without rebuilding.
"""

import argparse
import os
import random
import sys
import time
from urllib.parse import urlparse

from .setup import setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/firesafety_bench_inspections"
KEY_UNIT_EVERY = 6
STOPPED_PATROLS_EVERY = 40  # key units without a patrol for the last STOPPED_DAYS days
STOPPED_DAYS = 10
NO_INSPECTION_EVERY = 25  # key units that have not inspected this month
PATROL_POINTS = 4
INSPECTION_POINTS = 20
# The check points, the first four the daily patrol's, and how often each fails (per 1,000).
CHECK_POINTS = [
    ("疏散通道是否畅通、有无堵塞", 22),
    ("安全出口是否上锁、遮挡", 10),
    ("电动自行车是否在室内停放、充电", 6),
    ("消防车通道是否被占用", 2),
    ("灭火器是否在有效期内、压力正常", 15),
    ("室内消火栓箱内器材是否齐全", 10),
    ("应急照明和疏散指示标志是否完好", 8),
    ("常闭式防火门是否处于关闭状态", 6),
    ("火灾自动报警系统是否处于正常工作状态", 5),
    ("自动喷水灭火系统阀门是否处于开启状态", 5),
    ("消防控制室是否双人持证值班", 4),
    ("电气线路是否私拉乱接", 4),
    ("用火用电是否有审批、有人看护", 3),
    ("厨房油烟管道是否定期清洗", 3),
    ("易燃可燃物是否靠近火源堆放", 2),
    ("防火卷帘下方是否堆放物品", 2),
    ("员工是否会报火警、会扑救初起火灾", 2),
    ("消防设施是否有明显标识", 1),
    ("微型消防站器材是否齐全", 1),
    ("消防安全制度是否上墙", 1),
]


def ensure_database(url):
    """Create the benchmark database when it does not exist yet (PostgreSQL only)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _tables():
    from inspections.models import Answer, Hazard, Round, RoundNominee, RoundPoint
    from organisations.models import JoinCode, Membership, Organisation, TaggedPlaceType

    return {
        "round": Round._meta.db_table,
        "point": RoundPoint._meta.db_table,
        "answer": Answer._meta.db_table,
        "hazard": Hazard._meta.db_table,
        "nominee": RoundNominee._meta.db_table,
        "membership": Membership._meta.db_table,
        "join_code": JoinCode._meta.db_table,
        "tagged": TaggedPlaceType._meta.db_table,
        "organisation": Organisation._meta.db_table,
    }


def empty():
    """Remove the organisations, memberships and records of a previous build (bench users too)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    t = _tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"TRUNCATE {t['hazard']}, {t['answer']}, {t['point']}, {t['round']}, {t['nominee']}, "
            f"{t['membership']}, {t['join_code']}, {t['tagged']}, {t['organisation']} CASCADE"
        )
    get_user_model().objects.filter(username__startswith="bench_").delete()


def build(organisations=20_000, days=365, seed=119, report=print):
    """Build the district and its year of rounds; returns the counts of what was inserted."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from organisations.models import Membership, Organisation

    from .generate import build_tree

    if connection.vendor != "postgresql":
        raise SystemExit("benchmarks.inspections builds with PostgreSQL's generate_series")
    started = time.monotonic()

    def step(label):
        report(f"{label} ({time.monotonic() - started:.1f} s)")

    tree, _units, _classes, named = build_tree(Organisation, organisations, random.Random(seed))
    with transaction.atomic():
        Organisation.objects.bulk_create(tree.nodes, batch_size=5000)
    by_path = dict(Organisation.objects.values_list("path", "pk"))
    User = get_user_model()
    password = make_password("bench-password")
    district_lead, town_lead, inspector = (
        User.objects.create(username=f"bench_{name}", name=f"基准{label}", password=password)
        for name, label in (("district", "区协调员"), ("town", "镇协调员"), ("inspector", "巡查员"))
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=district_lead,
                organisation_id=by_path[named["district"].path],
                role="coordinator",
            ),
            Membership(
                user=town_lead, organisation_id=by_path[named["town"].path], role="coordinator"
            ),
        ]
    )
    step(f"{len(tree.nodes):,} organisations")

    t = _tables()
    today = timezone.localdate()
    items = [item for item, _rate in CHECK_POINTS]
    rates = [rate for _item, rate in CHECK_POINTS]
    zone = str(timezone.get_current_timezone())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TEMPORARY TABLE bench_key_unit ON COMMIT DROP AS
            SELECT id, n FROM (
                SELECT o.id, row_number() OVER (ORDER BY o.path) AS n
                FROM {t["organisation"]} o WHERE o.kind = 'unit') units
            WHERE n %% %s = 0""",
            [KEY_UNIT_EVERY],
        )
        # Patrols every day at 8–10 local time; inspections on the 1st–3rd of each month.
        cursor.execute(
            f"""INSERT INTO {t["round"]} (unit_id, handbook_title, kind, status, started_at,
                inspector_name, signed_at)
            SELECT k.id, '基准检查要点', 'patrol', 'signed', moment, '基准巡查员',
                   moment + interval '20 minutes'
            FROM bench_key_unit k
            CROSS JOIN generate_series((%s::date - (%s - 1))::timestamp, %s::date::timestamp,
                                       interval '1 day') AS day
            CROSS JOIN LATERAL (SELECT (day + interval '8 hours' + (k.id %% 120) * interval
                '1 minute') AT TIME ZONE %s AS moment) m
            WHERE moment <= now() AND NOT (k.n %% %s = 0 AND day > %s::date - %s)""",
            [today, days, today, zone, KEY_UNIT_EVERY * STOPPED_PATROLS_EVERY, today, STOPPED_DAYS],
        )
        cursor.execute(
            f"""INSERT INTO {t["round"]} (unit_id, handbook_title, kind, status, started_at,
                inspector_name, signed_at)
            SELECT k.id, '基准检查要点', 'inspection', 'signed', moment, '基准检查员',
                   moment + interval '2 hours'
            FROM bench_key_unit k
            CROSS JOIN generate_series(date_trunc('month', (%s::date - (%s - 1))::timestamp),
                                       %s::date::timestamp, interval '1 month') AS month
            CROSS JOIN LATERAL (SELECT (month + (k.id %% 3) * interval '1 day'
                + interval '14 hours') AT TIME ZONE %s AS moment) m
            WHERE moment <= now() AND moment >= (%s::date - (%s - 1))::timestamp AT TIME ZONE %s
              AND NOT (k.n %% %s = 0 AND month = date_trunc('month', %s::date::timestamp))""",
            [
                today,
                days,
                today,
                zone,
                today,
                days,
                zone,
                KEY_UNIT_EVERY * NO_INSPECTION_EVERY,
                today,
            ],
        )
        cursor.execute(f"SELECT COUNT(*) FROM {t['round']}")
        rounds = cursor.fetchone()[0]
    step(f"{rounds:,} signed rounds")

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {t["point"]} (round_id, "order", section_title, item, requirement,
                method, basis, patrol_point, default_severity)
            SELECT r.id, g.n, '基准', (%s::text[])[g.n], '按检查要点检查', '', '', g.n <= %s,
                   CASE WHEN g.n IN (2, 3) THEN 'major' ELSE 'ordinary' END
            FROM {t["round"]} r
            CROSS JOIN LATERAL generate_series(
                1, CASE WHEN r.kind = 'patrol' THEN %s ELSE %s END) AS g(n)""",
            [items, PATROL_POINTS, PATROL_POINTS, INSPECTION_POINTS],
        )
        points = cursor.rowcount
    step(f"{points:,} check points")

    with transaction.atomic(), connection.cursor() as cursor:
        # A fixed scramble of the id decides the failures, so a rebuild is the same.
        cursor.execute(
            f"""INSERT INTO {t["answer"]} (point_id, result, note, photo, answered_at, reason)
            SELECT p.id,
                   CASE WHEN (p.id * 7919) %% 1000 < (%s::int[])[p."order"] THEN 'fail'
                        ELSE 'pass' END,
                   '', '', r.started_at + p."order" * interval '1 minute', ''
            FROM {t["point"]} p JOIN {t["round"]} r ON r.id = p.round_id""",
            [rates],
        )
        answers = cursor.rowcount
    step(f"{answers:,} answers")

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {t["hazard"]} (round_id, point_id, answer_id, unit_id, severity,
                responsible_id, deadline, state, created_at, fix_note, fix_photo,
                rectified_by_id, rectified_at, closed_by_id, closed_at, source, item, finding)
            SELECT r.id, p.id, a.id, r.unit_id, p.default_severity, %s,
                   (r.signed_at AT TIME ZONE %s)::date
                     + CASE WHEN p.default_severity = 'major' THEN 3 ELSE 7 END,
                   CASE WHEN r.signed_at < now() - interval '30 days' THEN 'closed'
                        WHEN a.id %% 3 = 0 THEN 'rectified' ELSE 'pending' END,
                   r.signed_at,
                   CASE WHEN r.signed_at < now() - interval '30 days' OR a.id %% 3 = 0
                        THEN '已整改' ELSE '' END,
                   '',
                   CASE WHEN r.signed_at < now() - interval '30 days' OR a.id %% 3 = 0
                        THEN %s END,
                   CASE WHEN r.signed_at < now() - interval '30 days'
                          THEN r.signed_at + (a.id %% 10) * interval '1 day' + interval '2 hours'
                        WHEN a.id %% 3 = 0 THEN r.signed_at + interval '1 day' END,
                   CASE WHEN r.signed_at < now() - interval '30 days' THEN %s END,
                   CASE WHEN r.signed_at < now() - interval '30 days'
                        THEN r.signed_at + (a.id %% 10 + 1) * interval '1 day' END,
                   'round', '', ''
            FROM {t["answer"]} a
            JOIN {t["point"]} p ON p.id = a.point_id
            JOIN {t["round"]} r ON r.id = p.round_id
            WHERE a.result = 'fail'""",
            [inspector.pk, zone, inspector.pk, district_lead.pk],
        )
        hazards = cursor.rowcount
    step(f"{hazards:,} hazards")
    with connection.cursor() as cursor:
        # What autovacuum does soon after such a load: statistics, and the visibility map that
        # lets the overview's probes answer from the index alone (VACUUM only outside a
        # transaction, so the suite's tiny build only analyses).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    step("vacuumed and analysed")
    return {
        "organisations": len(tree.nodes),
        "rounds": rounds,
        "points": points,
        "answers": answers,
        "hazards": hazards,
    }


def measure(repeat=3):
    """[(label, median seconds, queries)] of the overview pages for the bench coordinators."""
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from organisations.models import Membership, Organisation

    User = get_user_model()
    district_lead = User.objects.get(username="bench_district")
    town_lead = User.objects.get(username="bench_town")
    town = Membership.objects.get(user=town_lead, role="coordinator").organisation
    community = (
        Organisation.objects.filter(path__startswith=town.path, kind__in=["community", "village"])
        .order_by("path")
        .first()
    )
    unit = (
        Organisation.objects.filter(
            path__startswith=community.path, kind="unit", inspection_rounds__isnull=False
        ).first()
        or Organisation.objects.filter(path__startswith=community.path, kind="unit").first()
    )
    overview = reverse("inspections:overview")
    cases = [
        (district_lead, "overview: the district's towns (district coordinator)", overview, {}),
        (district_lead, "overview: one town", overview, {"organisation": town.pk}),
        (
            district_lead,
            "overview: one community's units",
            overview,
            {"organisation": community.pk},
        ),
        (
            district_lead,
            "overview: a key unit's rounds and hazards",
            reverse("inspections:overview_unit", args=[unit.pk]),
            {},
        ),
        (
            district_lead,
            "overview: Excel export of the district",
            reverse("inspections:overview_export"),
            {},
        ),
        (town_lead, "overview: the town (town coordinator)", overview, {}),
    ]
    rows = []
    clients = {}
    for user, label, url, params in cases:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)

        def get(client=client, url=url, params=params):
            response = client.get(url, params)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            if response.streaming:
                b"".join(response.streaming_content)
            return response

        get()  # warm-up
        timings, queries = [], 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                get()
                timings.append(time.perf_counter() - started)
            queries = len(captured)
        rows.append((label, statistics.median(timings), queries))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365, help="days of daily patrols")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=119)
    parser.add_argument("--reuse", action="store_true", help="time the existing build again")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_INSPECTIONS_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a PostgreSQL database of its own; it is emptied first",
    )
    args = parser.parse_args(argv)
    if not urlparse(args.database_url).scheme.startswith("postgres"):
        parser.error("the benchmark needs PostgreSQL")
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.core.management import call_command
    from django.db import connection

    from inspections.models import Answer, Hazard, Round

    if not args.reuse:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        empty()
        counts = build(args.organisations, args.days, args.seed)
        built = time.monotonic() - started
        print(
            f"built in {built:.0f} s: "
            + ", ".join(f"{value:,} {name}" for name, value in counts.items())
        )
    print(
        f"{connection.vendor}: {Round.objects.count():,} rounds, {Answer.objects.count():,} "
        f"answers, {Hazard.objects.count():,} hazards; median of {args.repeat}"
    )
    print("| page | median ms | queries |\n|---|---:|---:|")
    for label, seconds, queries in measure(args.repeat):
        print(f"| {label} | {seconds * 1000:.0f} | {queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
