"""A 开学第一课 morning: python -m benchmarks.campaign_load [--pupils 2000 --class-size 30]

Makes a demo database on the machine's PostgreSQL (migrate + load_demo into a database of its
own, dropped afterwards unless --keep; --database-name reuses one), opens the demo campaign's
window today, and adds enough classes under the demo schools, each with its class join code
(courses.services.ensure_class_join_code, as a teacher's click does). Then it starts a
redis-server of its own and gunicorn with production settings and gunicorn.conf.py (127.0.0.1
only), and runs locust headless (benchmarks/campaign_locustfile.py): a class of --class-size
pupils arrives in the same second every --interval seconds; each pupil joins with the class code
under their own name, opens the course, reads each lesson and marks it done, starts the quiz,
answers every question right (the key read from the database beforehand), reviews and submits.
Each request carries its step's name; the table gives p50/p95/p99, requests and failures per
step, the join (one Argon2 hash by design) apart. Afterwards benchmarks.campaign_checks compares
the database with what the pupils were told. The exit status is 1 unless there were no errors,
nothing lost or doubled, and every step but the join had p95 under --p95-goal-ms.

--join-workers N sends the join's POST to a second gunicorn of N workers, as an nginx location
for POST /join/<code>/ would: the hashes of a class then take at most N workers' CPU, and the
other steps keep the main pool.
"""

import argparse
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from .campaign_steps import HASHED, STEPS, arrival_span, class_address, classes_needed
from .faults import _server_log_counts, collect_static, prepare_database, warm_up
from .serve import SITE_SETTINGS, environment, machine, make_demo_database, redis_server
from .servers import REPO, Gunicorn, PostgresServer
from .setup import SERVE_MEDIA_ROOT

CONFIG = REPO / "gunicorn.conf.py"
LOCUSTFILE = REPO / "benchmarks" / "campaign_locustfile.py"
CAMPAIGN_SLUG = "first-lesson-2026-campaign"  # content/campaigns/
DATABASE = "firesafety_campaign_load"
CLASS_NAME = "压测{run}-{number:03d}班"
PERCENTILES = ("50%", "95%", "99%")


# The data ---------------------------------------------------------------------------------------


def open_window_today(campaign, today):
    """The demo's window is September's: publish the campaign again with today in it."""
    if campaign.starts_on <= today <= campaign.ends_on:
        return campaign
    campaign.starts_on, campaign.ends_on = today, today + timedelta(days=29)
    campaign.save_revision().publish()
    return type(campaign).objects.get(pk=campaign.pk)


def add_classes(campaign, count, run):
    """`count` new classes spread over the campaign's schools, each with its join code."""
    from courses import services
    from organisations.models import Organisation

    Kind = Organisation.Kind
    schools = list(
        Organisation.objects.filter(
            kind=Kind.SCHOOL, is_active=True, path__startswith=campaign.target.path
        ).order_by("path")
    )
    classes = []
    for number in range(count):
        school = schools[number % len(schools)]
        school.refresh_from_db()  # treebeard counts children on the parent row
        klass = school.add_child(
            name=CLASS_NAME.format(run=run, number=number + 1),
            kind=Kind.CLASS,
            sector=Organisation.Sector.EDUCATION,
        )
        code, _created = services.ensure_class_join_code(klass)
        classes.append({"id": klass.pk, "code": code.code, "address": class_address(number)})
    return classes


def make_plan(args, run):
    """What the pupils need, from the database: addresses, codes, lessons and the quiz key."""
    from django.utils import timezone

    from wagtail.models import Site

    from courses.models import CampaignPage, LessonPage
    from quizzes.models import Question

    from .campaign_checks import board_totals

    campaign = open_window_today(CampaignPage.objects.get(slug=CAMPAIGN_SLUG), timezone.localdate())
    course = campaign.course.specific
    site = Site.objects.get(is_default_site=True)
    lessons = list(LessonPage.objects.live().child_of(course).order_by("path"))
    quiz_lessons = [lesson for lesson in lessons if lesson.kind == LessonPage.Kind.QUIZ]
    if len(quiz_lessons) != 1 or lessons[-1] != quiz_lessons[0]:
        raise SystemExit(f"{course.title}: expected reading lessons, then one quiz")
    quiz = quiz_lessons[0].quiz
    key = {
        str(question.pk): question.right_choice_ids()
        for question in Question.objects.prefetch_related("choices")
    }
    return {
        "pupils": args.pupils,
        "class_size": args.class_size,
        "interval": args.interval,
        "think": args.think,
        "time_limit": args.time_limit,
        "campaign_id": campaign.pk,
        "campaign_url": campaign.relative_url(site),
        "course_id": course.pk,
        "course_url": course.relative_url(site),
        "reading_lesson_ids": [lesson.pk for lesson in lessons[:-1]],
        "quiz_id": quiz.pk,
        "quiz_slug": quiz.slug,
        "key": key,
        "board_before": board_totals(campaign),
        "classes": add_classes(campaign, classes_needed(args.pupils, args.class_size), run),
    }


def check(plan, records):
    from courses.models import CampaignPage
    from quizzes.models import Quiz

    from .campaign_checks import check_database

    return check_database(
        CampaignPage.objects.get(pk=plan["campaign_id"]),
        Quiz.objects.get(pk=plan["quiz_id"]),
        records,
        plan["board_before"],
        [klass["id"] for klass in plan["classes"]],
    )


# Locust -----------------------------------------------------------------------------------------


def run_locust(url, plan_path, records_path, csv_prefix, time_limit):
    """locust headless in a process of its own (gevent patches the process it runs in)."""
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "--csv", str(csv_prefix), "--run-time", f"{int(time_limit) + 30}s",
        "--stop-timeout", "5", "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = os.environ | {
        "CAMPAIGN_LOAD_PLAN": str(plan_path),
        "CAMPAIGN_LOAD_PUPILS": str(records_path),
    }
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=time_limit + 300
    )
    if not Path(f"{csv_prefix}_stats.csv").exists():
        raise SystemExit(f"locust wrote no statistics:\n{done.stdout}\n{done.stderr}")
    return done


def read_stats(path):
    """{step: {"requests", "failures", "50%", "95%", "99%", "max"}} from locust's _stats.csv."""
    steps = {}
    with open(path, newline="", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                continue
            steps[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                **{p: _number(row[p]) for p in PERCENTILES},
                "max": _number(row["Max Response Time"]),
            }
    return steps


def _number(value):
    return None if value in ("", "N/A") else round(float(value))


def table(steps, rows):
    """Markdown lines: the hashed join first, then every other step in the pupils' order."""
    lines = ["| step | requests | failures | p50 ms | p95 ms | p99 ms | max ms |"]
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for group in ([s for s in rows if s in HASHED], [s for s in rows if s not in HASHED]):
        for name in group:
            if name in steps:
                row = steps[name]
                figures = [row["requests"], row["failures"], *(row[p] for p in PERCENTILES)]
                cells = " | ".join(f"{v:,}" if v is not None else "–" for v in figures)
                lines.append(f"| {name} | {cells} | {row['max']:,} |")
        if group and group[0] in HASHED:
            lines.append("| *every other step* | | | | | | |")
    return lines


def slow_steps(steps, goal_ms):
    """The steps other than the join whose p95 is over the goal."""
    return {
        name: row["95%"]
        for name, row in steps.items()
        if name not in HASHED and row["95%"] is not None and row["95%"] >= goal_ms
    }


def read_records(path):
    """Each pupil's last record, in the order of their seats."""
    if not Path(path).exists():
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    last = {record["seat"]: record for record in map(json.loads, lines)}
    return [last[seat] for seat in sorted(last)]


# The command ------------------------------------------------------------------------------------


def _gunicorn(workers):
    """gunicorn with gunicorn.conf.py and `workers` sync workers, on a free port."""
    return Gunicorn({}, config=CONFIG, options=["--workers", str(workers)], workers=None)


def run(args, say=print):
    """Database, servers, locust, checks; returns (figures, findings)."""
    postgres = PostgresServer(args.postgres_port)
    database = args.database_name or DATABASE
    made = not postgres.has_database(database)
    database_url = postgres.url(database)
    gunicorn = _gunicorn(args.workers)
    # --join-workers: the join's POST goes to a pool of its own, as nginx would route it.
    join_pool = _gunicorn(args.join_workers) if args.join_workers else None
    pools = [gunicorn, *([join_pool] if join_pool else [])]
    with (
        tempfile.TemporaryDirectory(prefix="firesafety-campaign-load-") as scratch,
        redis_server() as redis_url,
    ):
        env = environment(database_url, redis_url, gunicorn.port, SITE_SETTINGS)
        env["CACHE_KEY_PREFIX"] = "campaign-load"
        for pool in pools:
            pool.env = env
            pool.log_path = Path(scratch) / f"gunicorn-{pool.port}.log"
        try:
            if made:
                prepare_database(postgres, env, say, database=database)
                make_demo_database(database, env, say=say)
            collect_static(env)
            os.environ.update(env)
            import django

            django.setup()
            from django.db import connections

            plan = make_plan(args, run=time.strftime("%H%M%S"))
            plan["join_url"] = join_pool.url if join_pool else ""
            connections.close_all()
            plan_path, records_path = Path(scratch, "plan.json"), Path(scratch, "pupils.jsonl")
            plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
            for pool in pools:
                pool.start()
                warm_up(pool.url, int(pool.options[-1]))
            before = machine()
            say(f"{before}: {args.pupils} pupils, a class of {args.class_size} every "
                f"{args.interval} s")  # fmt: skip
            started = time.monotonic()
            run_locust(
                gunicorn.url, plan_path, records_path, Path(scratch, "locust"), args.time_limit
            )
            seconds = time.monotonic() - started
            after = machine()
            for pool in pools:
                pool.stop()
            steps = read_stats(Path(scratch, "locust_stats.csv"))
            records = read_records(records_path)
            findings = check(plan, records)
            server_log = collections.Counter()
            for pool in pools:
                server_log.update(_server_log_counts(pool.log_path))
        finally:
            for pool in pools:
                pool.stop()
            if made and not args.keep:
                from django.db import connections

                connections.close_all()
                postgres.drop_database(database)
                shutil.rmtree(SERVE_MEDIA_ROOT, ignore_errors=True)
    figures = {
        "machine": before,
        "machine after": after,
        "seconds": round(seconds),
        "pupils": args.pupils,
        "pupils finished": sum(1 for r in records if r.get("submitted")),
        # The last step acknowledged to each pupil who did not submit (a failure, or cut short).
        "pupils stopped": dict(
            collections.Counter(r["step reached"] for r in records if not r.get("submitted"))
        ),
        "pupils not joined": args.pupils - len(records),
        "steps": steps,
        "server log": dict(server_log),
    }
    return figures, findings


def report(args, figures, findings, say=print):
    say(f"\n{figures['machine']}\nat the end: {figures['machine after']}")
    pools = f"gunicorn -c gunicorn.conf.py --workers {args.workers}"
    if args.join_workers:
        pools += f", and --workers {args.join_workers} of its own for the join's POST"
    say(pools)
    say(
        f"{figures['pupils']} pupils, classes of {args.class_size} every {args.interval} s, "
        f"think time up to {2 * args.think:g} s between steps; {figures['seconds']} s in all; "
        f"{figures['pupils finished']} submitted"
    )
    say("\n".join(table(figures["steps"], STEPS)))
    if figures["pupils stopped"] or figures["pupils not joined"]:
        say(f"not submitted, by the last step acknowledged: {figures['pupils stopped']}; not "
            f"joined (or not shown their login name): {figures['pupils not joined']}")  # fmt: skip
    say(f"server log: {figures['server log']}")
    say("database: nothing lost or doubled" if not findings else f"database: {findings}")
    slow = slow_steps(figures["steps"], args.p95_goal_ms)
    say(f"p95 under {args.p95_goal_ms} ms for every step but the join: "
        f"{'yes' if not slow else f'no: {slow}'}")  # fmt: skip


def goals_met(args, figures, findings):
    steps = figures["steps"]
    return (
        not findings
        and not any(row["failures"] for row in steps.values())
        and figures["pupils finished"] == args.pupils
        and figures["server log"]["server errors (500)"] == 0
        and not slow_steps(steps, args.p95_goal_ms)
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=2000)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--interval", type=float, default=15, help="seconds between classes")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between steps")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn's")
    parser.add_argument(
        "--join-workers", type=int, default=0, help="a gunicorn of its own for the join's POST"
    )
    parser.add_argument("--p95-goal-ms", type=int, default=1000)
    parser.add_argument("--time-limit", type=float, help="seconds of locust at most")
    parser.add_argument("--postgres-port", type=int, default=5432, help="on 127.0.0.1")
    parser.add_argument("--database-name", help=f"reuse this database (default: a new {DATABASE})")
    parser.add_argument("--keep", action="store_true", help="keep the database made")
    parser.add_argument("--json", help="also write the figures and findings to this file")
    args = parser.parse_args(argv)
    if args.pupils < 1 or not 1 <= args.class_size <= 60 or args.interval <= 0:
        parser.error("--pupils ≥ 1, --class-size 1–60, --interval > 0")
    if args.time_limit is None:
        args.time_limit = arrival_span(args.pupils, args.class_size, args.interval) + 600
    figures, findings = run(args)
    report(args, figures, findings)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"figures": figures, "findings": findings}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
    return 0 if goals_met(args, figures, findings) else 1


if __name__ == "__main__":
    sys.exit(main())
