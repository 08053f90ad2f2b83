"""Each kind of coordinator against organisations inside and outside their scope, for join codes
and the member import (the demo accounts district, town, manager, teacher and edu_dept)."""

import pytest

from django.urls import reverse

from organisations import importing
from organisations.models import JoinCode
from tests.organisations.factories import JoinCodeFactory
from tests.organisations.join_helpers import build_district, coordinator_of

ALL = {"district", "town", "other_town", "unit", "school", "class", "other_unit", "bureau"}
SCOPES = {
    "district": ("district", ALL),
    "town": ("town", {"town", "unit", "school", "class"}),
    "manager": ("unit", {"unit"}),
    "teacher": ("class", {"class"}),
    "edu_dept": ("bureau", {"bureau", "school", "class"}),
}
PATHS = {
    "district": "青浦区",
    "town": "青浦区/朱家角镇",
    "other_town": "青浦区/练塘镇",
    "unit": "青浦区/朱家角镇/示例朱家角商业广场",
    "school": "青浦区/朱家角镇/示例朱家角小学",
    "class": "青浦区/朱家角镇/示例朱家角小学/三年级2班",
    "other_unit": "青浦区/练塘镇/示例练塘养老院",
    "bureau": "青浦区/区教育局",
}


@pytest.fixture
def tree(db):
    return build_district()


@pytest.mark.parametrize("account", SCOPES)
def test_join_codes_pages_inside_scope_work_and_outside_are_404(client, tree, account):
    home, visible = SCOPES[account]
    client.force_login(coordinator_of(tree[home]))
    for key, organisation in tree.items():
        url = reverse("organisations:manage_join_codes", args=[organisation.pk])
        expected = 200 if key in visible else 404
        assert client.get(url).status_code == expected, (account, key)
        code = JoinCodeFactory(organisation=organisation)
        disable = reverse("organisations:disable_join_code", args=[code.pk])
        assert client.post(disable).status_code == (302 if key in visible else 404)
        assert JoinCode.objects.get(pk=code.pk).is_active is (key not in visible)


@pytest.mark.parametrize("account", SCOPES)
def test_import_flags_every_organisation_outside_the_scope(tree, account):
    home, visible = SCOPES[account]
    coordinator = coordinator_of(tree[home])
    records = [
        {
            "row": index,
            "name": f"人{index}",
            "phone": f"1390000{index:04d}",
            "path": path,
            "role": "员工",
            "number": "",
        }
        for index, path in enumerate(PATHS.values(), start=2)
    ]
    planned = importing.plan_import(coordinator, records)
    out_of_scope = {
        key
        for key, row in zip(PATHS, planned, strict=True)
        if any(code == "out_of_scope" for code, _detail in row.problems)
    }
    assert out_of_scope == ALL - visible
