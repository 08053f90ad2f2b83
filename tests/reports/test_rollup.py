import io

import pytest
import time_machine
from openpyxl import load_workbook

from tests.factories import UserFactory
from tests.reports.conftest import NOW

COLUMNS = ("required", "completed", "expiring", "in_progress", "not_started", "overdue")


def figures(response):
    rows = {
        row.organisation.name: tuple(getattr(row, c) for c in COLUMNS)
        for row in response.context["rows"]
    }
    total = tuple(getattr(response.context["total"], c) for c in COLUMNS)
    return rows, total


def get(client, user, **params):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get("/reports/", params)


@pytest.mark.django_db
def test_district_rollup_matches_the_hand_computed_figures(client, small_district):
    admin = UserFactory(is_superuser=True)
    response = get(
        client,
        admin,
        requirement=small_district["requirement"].pk,
        organisation=small_district["district"].pk,
    )
    rows, total = figures(response)
    # A镇: p1 completed, p2 expiring (in two units, counted once), p3 in progress, p8 not started
    # (p8 is also in B镇: counted once, at the first of their organisations).
    assert rows["A镇"] == (4, 2, 1, 1, 1, 2)
    # B镇: p4's completion has passed its 12-month renewal; p5 is staff, p6 left, p7 inactive.
    assert rows["B镇"] == (1, 0, 0, 0, 1, 1)
    assert total == (5, 2, 1, 1, 2, 3)
    assert response.context["total"].rate == 40


@pytest.mark.django_db
def test_drilling_down_keeps_the_sum(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    response = get(client, town, requirement=small_district["requirement"].pk)
    rows, total = figures(response)
    assert rows == {"U1商场": (3, 2, 1, 0, 1, 1), "U2养老院": (1, 0, 0, 1, 0, 1)}
    assert total == (4, 2, 1, 1, 1, 2)


@pytest.mark.django_db
def test_leaf_shows_people_with_status(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    response = get(
        client,
        town,
        requirement=small_district["requirement"].pk,
        organisation=small_district["u1"].pk,
    )
    assert response.templates[0].name == "reports/people.html"
    statuses = {person["name"]: person["status"] for person in response.context["page_obj"]}
    assert statuses == {"p1": "completed", "p2": "expiring", "p8": "not_started"}


@pytest.mark.django_db
def test_as_of_a_past_date_counts_completions_valid_then(client, small_district):
    admin = UserFactory(is_superuser=True)
    response = get(
        client,
        admin,
        requirement=small_district["requirement"].pk,
        organisation=small_district["district"].pk,
        as_of="2026-02-01",
    )
    rows, total = figures(response)
    assert rows["A镇"] == (4, 1, 0, 0, 3, 0)
    # p4's completion was still valid; p6 was a member then, and completed only in March.
    assert rows["B镇"] == (2, 1, 0, 0, 1, 0)
    assert total == (6, 2, 0, 0, 4, 0)


@pytest.mark.django_db
def test_filters_narrow_the_people_counted(client, small_district):
    admin = UserFactory(is_superuser=True)
    base = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["district"].pk,
    }
    _, total = figures(get(client, admin, role="manager", **base))
    assert total[0] == 3  # p2, p3, p8 hold the manager role
    _, total = figures(get(client, admin, place_type="大型商业综合体", **base))
    assert total[0] == 3  # p1, p2, p8 in U1
    _, total = figures(get(client, admin, sector="logistics", **base))
    assert total[0] == 2  # p4 and p8 in U3
    _, total = figures(get(client, admin, status="overdue", **base))
    assert total[0] == 3


@pytest.mark.django_db
def test_unknown_filter_values_are_ignored_with_a_notice(client, small_district):
    admin = UserFactory(is_superuser=True)
    response = get(
        client,
        admin,
        requirement=small_district["requirement"].pk,
        organisation=small_district["district"].pk,
        role="wizard",
        status="asleep",
        kind="castle",
        place_type="月球",
        sector="x",
        as_of="yesterday",
    )
    assert response.status_code == 200
    assert len(response.context["selection"].notices) == 6
    assert figures(response)[1][0] == 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/reports/", "/reports/people/", "/reports/export/table.csv", "/reports/export/people.xlsx"],
)
@pytest.mark.parametrize("as_of", ["0001-01-01", "1999-12-31"])
def test_a_date_before_2000_shows_today_with_a_notice(client, small_district, url, as_of):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["town_a"].pk,
        "as_of": as_of,
    }
    with time_machine.travel(NOW, tick=False):
        response = client.get(url, params, headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
    if url.endswith("/"):
        assert response.context["selection"].as_of is None
        assert "不能显示 2000-01-01 之前的日期" in response.content.decode()


@pytest.mark.django_db
def test_outside_the_scope_is_a_404_on_screen_and_in_exports(
    client, small_district, coordinator_of
):
    town = coordinator_of(small_district["town_a"])
    requirement = small_district["requirement"].pk
    for url in ("/reports/", "/reports/export/table.xlsx", "/reports/export/people.csv"):
        response = get(client, town, requirement=requirement, organisation=small_district["u3"].pk)
        assert response.status_code == 404
        client.force_login(town)
        assert (
            client.get(
                url, {"requirement": requirement, "organisation": small_district["town_b"].pk}
            ).status_code
            == 404
        )
        assert client.get(url, {"requirement": 999999}).status_code == 404


@pytest.mark.django_db
def test_people_who_coordinate_nothing_get_403(client, small_district):
    response = get(client, small_district["people"]["p1"])
    assert response.status_code == 403


@pytest.mark.django_db
def test_excel_export_has_the_rows_of_the_screen(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    with time_machine.travel(NOW, tick=False):
        screen = client.get("/reports/", {"requirement": small_district["requirement"].pk})
        response = client.get(
            "/reports/export/table.xlsx", {"requirement": small_district["requirement"].pk}
        )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "A镇" in values[0][1]
    body = values[values.index(next(v for v in values if v and v[0] == "组织")) + 1 :]
    screen_rows = [
        [
            row.organisation.name,
            row.required,
            row.completed,
            row.expiring,
            row.in_progress,
            row.not_started,
            row.overdue,
            row.rate,
            row.average_score,
        ]
        for row in screen.context["rows"]
    ]
    assert body[: len(screen_rows)] == screen_rows
    assert body[len(screen_rows)][0] == "合计"


@pytest.mark.django_db
def test_csv_people_export_is_utf8_with_bom(client, small_district, coordinator_of):
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    with time_machine.travel(NOW, tick=False):
        response = client.get(
            "/reports/export/people.csv",
            {
                "requirement": small_district["requirement"].pk,
                "organisation": small_district["u1"].pk,
            },
        )
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    assert "p1" in content and "p8" in content and "p3" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("extra_people", [0, 30])
def test_rollup_runs_a_fixed_number_of_queries(
    client, small_district, django_assert_max_num_queries, extra_people
):
    from tests.reports.conftest import Role, member

    for _number in range(extra_people):
        member(UserFactory(), small_district["u2"], Role.RESPONSIBLE)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["district"].pk,
    }
    client.get("/reports/", params)
    with django_assert_max_num_queries(14):
        assert client.get("/reports/", params).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("extra_people", [0, 60])
def test_people_list_is_paged_in_sql_with_fixed_queries(
    client, small_district, coordinator_of, django_assert_max_num_queries, extra_people
):
    from tests.reports.conftest import Role, member

    for number in range(extra_people):
        member(UserFactory(name=f"z{number:03d}"), small_district["u2"], Role.MANAGER)
    town = coordinator_of(small_district["town_a"])
    client.force_login(town)
    params = {
        "requirement": small_district["requirement"].pk,
        "organisation": small_district["town_a"].pk,
    }
    with time_machine.travel(NOW, tick=False):
        client.get("/reports/people/", params)
        with django_assert_max_num_queries(16):
            first = client.get("/reports/people/", params)
        last = client.get("/reports/people/", {**params, "page": 2})
    everyone = 4 + extra_people  # p1, p2, p3, p8 and the extra managers of U2
    assert first.context["people_count"] == everyone
    names = [person["name"] for person in first.context["page_obj"]]
    assert names == sorted(names) and len(names) == min(50, everyone)
    if extra_people:
        later = [person["name"] for person in last.context["page_obj"]]
        assert later == [f"z{number:03d}" for number in range(46, 60)]
        assert not set(names) & set(later)
