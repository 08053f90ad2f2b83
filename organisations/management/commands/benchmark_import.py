"""Time the member import of a generated sheet (default 10,000 rows), then roll everything back.

    manage.py benchmark_import [--rows 10000]

Runs read → preview (plan) → confirm (apply) → re-import preview, inside one transaction that is
rolled back at the end, so the database is left as it was. Uses the configured password hasher.
"""

import time

import openpyxl

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from organisations import importing
from organisations.models import Membership, Organisation


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = "Time importing a generated member sheet (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, rows, **options):
        from django.contrib.auth import get_user_model

        User = get_user_model()
        timings = {}
        try:
            with transaction.atomic():
                district = Organisation.add_root(name="基准区", kind=Organisation.Kind.DISTRICT)
                town = district.add_child(name="基准镇", kind=Organisation.Kind.TOWN)
                units = [
                    town.add_child(name=f"示例基准单位{index}", kind=Organisation.Kind.UNIT)
                    for index in range(20)
                ]
                coordinator = User.objects.create(username="benchmark-coordinator", name="基准")
                Membership.objects.create(
                    user=coordinator, organisation=district, role=Membership.Role.COORDINATOR
                )
                workbook = openpyxl.Workbook()
                sheet = workbook.active
                sheet.append(list(importing.COLUMNS.values()))
                for index in range(rows):
                    unit = units[index % len(units)]
                    sheet.append(
                        [
                            f"示例人员{index}",
                            f"199{index:08d}",
                            f"基准区/基准镇/{unit.name}",
                            "员工",
                            str(index),
                        ]
                    )
                import io

                buffer = io.BytesIO()
                workbook.save(buffer)
                data = buffer.getvalue()

                started = time.perf_counter()
                records = importing.read_sheet("bench.xlsx", data).records
                timings["read xlsx"] = time.perf_counter() - started

                started = time.perf_counter()
                planned = importing.plan_import(coordinator, records)
                timings["preview (plan)"] = time.perf_counter() - started

                started = time.perf_counter()
                result = importing.apply_import(
                    coordinator, records, importing.plan_digest(planned)
                )
                timings["confirm (write)"] = time.perf_counter() - started
                if len(result.created) != rows:
                    raise RuntimeError("not every row was imported")

                started = time.perf_counter()
                again = importing.plan_import(coordinator, records)
                timings["re-import preview"] = time.perf_counter() - started
                if any(row.action != "unchanged" for row in again):
                    raise RuntimeError("re-importing the same sheet would change something")
                raise _RollBack
        except _RollBack:
            pass
        self.stdout.write(f"{rows} rows, {connection.vendor}, file {len(data) / 1024:.0f} KB:")
        for name, seconds in timings.items():
            self.stdout.write(f"  {name:<20} {seconds:6.2f} s")
        self.stdout.write(f"  {'total':<20} {sum(timings.values()):6.2f} s")
