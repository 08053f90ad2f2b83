"""Generate a district at scale: python -m benchmarks.generate --people 200000 --organisations 20000

district → streets/towns → communities → units, and towns → schools → classes, plus three
departments; people with one membership each (one in twenty has a second), and the coordinators
`bench_district`, `bench_town`, `bench_manager`, `bench_teacher`, `bench_edu`. Deterministic
(--seed); bulk inserts; it empties the benchmark database first, so never point it at real data.
"""

import argparse
import random
import sys
import time

from .setup import setup_django

BATCH = 5000
TOWNS = [
    ("夏阳街道", "street"),
    ("盈浦街道", "street"),
    ("香花桥街道", "street"),
    ("朱家角镇", "town"),
    ("练塘镇", "town"),
    ("金泽镇", "town"),
    ("赵巷镇", "town"),
    ("徐泾镇", "town"),
    ("华新镇", "town"),
    ("重固镇", "town"),
    ("白鹤镇", "town"),
]
DEPARTMENTS = [("区教育局", "education"), ("区卫健委", "health"), ("区民政局", "civil_affairs")]
UNIT_SECTORS = ["commerce", "industry", "logistics", "health", "civil_affairs", "other"]
UNIT_ROLES = ["staff"] * 8 + ["manager", "responsible", "operator"]
CLASSES_PER_SCHOOL = 10
PHONE_BASE = 13_000_000_000


class TreeBuilder:
    """Organisations with treebeard materialised paths computed here, inserted in bulk."""

    def __init__(self, Organisation):
        self.Organisation = Organisation
        self.nodes = []
        self.children = {}

    def add(self, parent, name, kind, sector=""):
        Organisation = self.Organisation
        index = self.children.get(id(parent), 0) + 1 if parent is not None else None
        if parent is None:
            index = self.children.get("root", 0) + 1
            self.children["root"] = index
            path, depth = Organisation._get_path(None, 1, index), 1
        else:
            self.children[id(parent)] = index
            path = Organisation._get_path(parent.path, parent.depth + 1, index)
            depth = parent.depth + 1
            parent.numchild += 1
        node = Organisation(path=path, depth=depth, numchild=0, name=name, kind=kind, sector=sector)
        self.nodes.append(node)
        return node


def build_tree(Organisation, total, rng):
    """About `total` organisations shaped like a district; returns (builder, named nodes)."""
    tree = TreeBuilder(Organisation)
    district = tree.add(None, "青浦区", "district")
    towns = [tree.add(district, name, kind) for name, kind in TOWNS]
    departments = {
        sector: tree.add(district, name, "department", sector) for name, sector in DEPARTMENTS
    }
    remaining = max(total - 1 - len(towns) - len(departments), 0)
    communities_total = max(remaining // 50, len(towns))
    schools_total = max(remaining // 100, 1)
    classes_total = schools_total * CLASSES_PER_SCHOOL
    units_total = max(remaining - communities_total - schools_total - classes_total, 0)
    communities = []
    for index in range(communities_total):
        town = towns[index % len(towns)]
        kind = "community" if index % 3 else "village"
        label = "居委" if kind == "community" else "村委"
        communities.append(tree.add(town, f"示例{town.name[:2]}{index:05d}{label}", kind))
    units = []
    for index in range(units_total):
        community = communities[index % len(communities)]
        units.append(tree.add(community, f"示例单位{index:06d}", "unit", rng.choice(UNIT_SECTORS)))
    classes = []
    for index in range(schools_total):
        school = tree.add(towns[index % len(towns)], f"示例学校{index:05d}", "school", "education")
        for grade in range(CLASSES_PER_SCHOOL):
            classes.append(tree.add(school, f"{grade + 1}班", "class", "education"))
    named = {
        "district": district,
        "town": towns[3],
        "unit": next(unit for unit in units if unit.path.startswith(towns[3].path)),
        "class": next(klass for klass in classes if klass.path.startswith(towns[3].path)),
        "edu": departments["education"],
    }
    return tree, units, classes, named


def generate(people, organisations, seed):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction

    from organisations.models import Membership, Organisation

    rng = random.Random(seed)
    User = get_user_model()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    from organisations.models import JoinCode, TaggedPlaceType

    with transaction.atomic():
        # Raw deletes: the ORM's cascade would load 200,000 people into memory one by one.
        for model in (Membership, JoinCode, TaggedPlaceType, Organisation, User):
            model.objects.all()._raw_delete(connection.alias)
    print(f"empty database ready in {time.monotonic() - started:.1f}s ({connection.vendor})")

    tree, units, classes, named = build_tree(Organisation, organisations, rng)
    with transaction.atomic():
        Organisation.objects.bulk_create(tree.nodes, batch_size=BATCH)
    by_path = dict(Organisation.objects.values_list("path", "pk"))
    print(f"{len(tree.nodes):,} organisations in {time.monotonic() - started:.1f}s")

    password = make_password("bench-password")
    coordinators = [
        ("bench_district", "district"),
        ("bench_town", "town"),
        ("bench_manager", "unit"),
        ("bench_teacher", "class"),
        ("bench_edu", "edu"),
    ]
    students_share = 0.3
    with transaction.atomic():
        users = [
            User(username=name, name=f"基准{name}", password=password) for name, _ in coordinators
        ]
        for index in range(people):
            is_student = rng.random() < students_share
            phone = None if is_student else str(PHONE_BASE + index)
            users.append(
                User(
                    username=phone or f"s{index:07d}",
                    name=f"示例人员{index:06d}",
                    phone=phone,
                    password=password,
                )
            )
        User.objects.bulk_create(users, batch_size=BATCH)
    user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    print(f"{len(user_ids):,} people in {time.monotonic() - started:.1f}s")

    memberships = [
        Membership(
            user_id=user_ids[index],
            organisation_id=by_path[named[where].path],
            role="coordinator",
        )
        for index, (_, where) in enumerate(coordinators)
    ]
    for offset, user in enumerate(users[len(coordinators) :]):
        user_id = user_ids[len(coordinators) + offset]
        if user.phone is None:
            klass = classes[offset % len(classes)]
            memberships.append(
                Membership(
                    user_id=user_id,
                    organisation_id=by_path[klass.path],
                    role="student",
                    number=str(offset),
                )
            )
            continue
        unit = units[rng.randrange(len(units))]
        memberships.append(
            Membership(
                user_id=user_id, organisation_id=by_path[unit.path], role=rng.choice(UNIT_ROLES)
            )
        )
        if offset % 20 == 0:
            second = units[rng.randrange(len(units))]
            if second.path != unit.path:
                memberships.append(
                    Membership(
                        user_id=user_id, organisation_id=by_path[second.path], role="volunteer"
                    )
                )
    with transaction.atomic():
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"{len(memberships):,} memberships; done in {time.monotonic() - started:.1f}s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=119)
    parser.add_argument(
        "--database-url",
        help="default: benchmarks/bench.sqlite3 (or $BENCH_DATABASE_URL); it is emptied first",
    )
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    generate(args.people, args.organisations, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
