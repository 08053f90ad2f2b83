"""The member import takes the rosters offices already keep (issue 21).

Files are built here as a town's office writes them: a merged title row, an empty row, their
own column names, full-width digits and slashes, paths from the town down, 普通员工.
"""

import io
from pathlib import Path

import openpyxl
import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organisations import demo
from organisations.models import Membership, Organisation, PendingImport, RememberedColumns
from tests.organisations.factories import OrganisationFactory
from tests.organisations.join_helpers import build_district, coordinator_of

User = get_user_model()
UPLOAD_URL = reverse("organisations:import_upload")
FIXTURES = Path(__file__).parent.parent / "spreadsheets" / "fixtures"
TITLE = "朱家角镇2026年度消防安全培训人员名单"
ROSTER_HEADER = ("序号", "姓名", "手机号码", "所属单位", "岗位", "工号", "备注")
ROSTER = [
    (1, "张  三", "１３９００１１２２３４", "示例朱家角商业广场", "普通员工", "Ｇ００１", ""),
    (2, "李四", 13900112235, "朱家角镇／示例朱家角商业广场", "管理人", "G002", "新入职"),
    (3, "王五", "+86 139 0011 2236", "示例朱家角古镇客栈（示例）", "职工", "", ""),
    (4, "赵六", "86 13900112237", "青浦区／朱家角镇／示例放生桥居委", "骨干", "", ""),
    (5, "孙七", "139-0011-2238", "示例朱家角小学/三年级(2)班", "学生", "Ｓ０５", ""),
]
# Phone → (name, organisation path, role, number) as they must be stored.
EXPECTED = {
    "13900112234": ("张三", "青浦区/朱家角镇/示例朱家角商业广场", "staff", "G001"),
    "13900112235": ("李四", "青浦区/朱家角镇/示例朱家角商业广场", "manager", "G002"),
    "13900112236": ("王五", "青浦区/朱家角镇/示例朱家角古镇客栈（示例）", "staff", ""),
    "13900112237": ("赵六", "青浦区/朱家角镇/示例放生桥居委", "cadre", ""),
    "13900112238": ("孙七", "青浦区/朱家角镇/示例朱家角小学/三年级（2）班", "student", "S05"),
}


def roster_xlsx(rows, header=ROSTER_HEADER, title=TITLE):
    """A sheet as an office keeps it: merged title, an empty row, then the table."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="名单.xlsx"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data)})


def digest_of(response):
    return response.url.split("/")[3]  # /manage/import/<digest>/…


def confirm(client, preview_url):
    page = client.get(preview_url).content.decode()
    plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
    digest = preview_url.split("/")[3]
    return client.post(
        reverse("organisations:import_confirm", args=[digest]),
        {"file_digest": digest, "plan_digest": plan_digest},
    )


def stored(phone):
    user = User.objects.get(phone=phone)
    membership = user.memberships.current().select_related("organisation").get()
    path = membership.organisation.full_name().replace(" / ", "/")
    return (user.name, path, membership.role, membership.number)


@pytest.fixture
def town_client(client, db):
    """The demo district, signed in as its town coordinator (account `town`, 朱家角镇)."""
    demo.load()
    client.force_login(User.objects.get(username="town"))
    return client


def test_the_town_roster_imports_in_one_go_with_every_row_right(town_client):
    response = upload(town_client, roster_xlsx(ROSTER))
    assert response.status_code == 302
    assert "/columns/" not in response.url  # every column was recognised
    page = town_client.get(response.url).content.decode()
    assert "列名在第 3 行" in page
    assert "未使用的列：序号、备注" in page
    assert page.count("新建账号") == len(ROSTER)
    assert "import-problem" not in page

    result = confirm(town_client, response.url)
    assert result.status_code == 302
    assert "/result/" in result.url
    assert {phone: stored(phone) for phone in EXPECTED} == EXPECTED


def test_the_preview_shows_what_was_understood_next_to_what_was_typed(town_client):
    response = upload(town_client, roster_xlsx(ROSTER))
    page = town_client.get(response.url).content.decode()
    for understood, typed in (
        ("13900112234", "１３９００１１２２３４"),
        ("张三", "张  三"),
        ("青浦区/朱家角镇/示例朱家角商业广场", "朱家角镇／示例朱家角商业广场"),
        ("员工", "普通员工"),
        ("G001", "Ｇ００１"),
        ("13900112236", "+86 139 0011 2236"),
    ):
        assert understood in page
        assert f"原文：{typed}" in page, typed
    # Where nothing changed, nothing is repeated.
    assert "原文：李四" not in page


def test_an_old_xls_roster_imports(town_client):
    data = (FIXTURES / "roster.xls").read_bytes()
    response = upload(town_client, data, "名单.xls")
    assert response.status_code == 302, response.content.decode()[-3000:]
    page = town_client.get(response.url).content.decode()
    assert "未使用的列：序号" in page
    assert page.count("新建账号") == 4
    confirm(town_client, response.url)
    assert stored("13900112234") == ("张三", *EXPECTED["13900112234"][1:])
    assert stored("13900112235")[1:3] == ("青浦区/朱家角镇/示例朱家角商业广场", "manager")
    assert stored("13900112236")[1:3] == ("青浦区/朱家角镇/示例朱家角古镇客栈（示例）", "staff")
    assert stored("13900112237")[1:3] == ("青浦区/朱家角镇/示例放生桥居委", "cadre")


def test_a_wps_et_file_is_told_how_to_save_it_as_xlsx(town_client):
    response = upload(town_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "名单.et")
    page = response.content.decode()
    assert response.status_code == 200
    assert "文件 → 另存为" in page and "Excel 工作簿（*.xlsx）" in page
    assert not PendingImport.objects.exists()


def test_a_phone_in_scientific_notation_is_an_error_that_says_so(town_client):
    text = "姓名,手机号码,所属单位,岗位\r\n张三,1.39001E+10,示例朱家角商业广场,员工\r\n"
    response = upload(town_client, text.encode("gb18030"), "名单.csv")
    page = town_client.get(response.url).content.decode()
    assert "手机号是科学计数法" in page
    assert "1.39001E+10" in page
    assert "新建账号" not in page


@pytest.mark.parametrize("cell", [1.39001e10, 13900100000])
def test_a_number_cell_that_lost_its_digits_to_scientific_notation_is_refused(town_client, cell):
    # A roster once saved as CSV with 1.39001E+10 and read back holds 13900100000: the number
    # Excel shows as 1.39001E+10. It must not become a wrong phone silently.
    rows = [(1, "王科学", cell, "示例朱家角商业广场", "员工", "", "")]
    response = upload(town_client, roster_xlsx(rows))
    page = town_client.get(response.url).content.decode()
    assert "手机号是科学计数法" in page
    assert "1.39001E+10" in page
    assert "新建账号" not in page


def test_a_unit_name_found_twice_in_the_area_lists_both_paths(town_client):
    town = Organisation.objects.get(name="朱家角镇")
    community = Organisation.objects.get(name="示例放生桥居委")
    for parent in (town, community):
        OrganisationFactory(name="示例便利店", kind=Organisation.Kind.UNIT, parent=parent)
    rows = [(1, "张三", "13900112234", "示例便利店", "员工", "", "")]
    response = upload(town_client, roster_xlsx(rows))
    page = town_client.get(response.url).content.decode()
    # Relative to the town, 示例便利店 is the town's own child: no ambiguity.
    assert "新建账号" in page
    rows = [(1, "张三", "13900112234", "示例放生桥居委/示例便利店", "员工", "", "")]
    assert (
        "新建账号" in town_client.get(upload(town_client, roster_xlsx(rows)).url).content.decode()
    )

    Organisation.objects.get(name="示例便利店", depth=3).delete()
    OrganisationFactory(
        name="示例便利店",
        kind=Organisation.Kind.UNIT,
        parent=Organisation.objects.get(name="示例沈巷村委"),
    )
    rows = [(1, "张三", "13900112234", "示例便利店", "员工", "", "")]
    page = town_client.get(upload(town_client, roster_xlsx(rows)).url).content.decode()
    assert "您的管理范围内有多个同名组织" in page
    assert "青浦区/朱家角镇/示例放生桥居委/示例便利店" in page
    assert "青浦区/朱家角镇/示例沈巷村委/示例便利店" in page


def test_a_unit_name_outside_the_coordinators_area_is_not_found_there(town_client):
    rows = [
        (1, "张三", "13900112234", "示例练塘养老院（示例）", "员工", "", ""),
        (2, "李四", "13900112235", "青浦区/练塘镇/示例练塘养老院（示例）", "员工", "", ""),
    ]
    page = town_client.get(upload(town_client, roster_xlsx(rows)).url).content.decode()
    assert "找不到该组织路径：示例练塘养老院（示例）" in page
    assert "该组织不在您的管理范围内" in page
    assert "新建账号" not in page


# The columns step --------------------------------------------------------------------------


@pytest.fixture
def tree(db):
    return build_district()


@pytest.fixture
def coordinator_client(client, tree):
    coordinator = coordinator_of(tree["town"])
    client.force_login(coordinator)
    client.coordinator = coordinator
    return client


UNKNOWN_ROLE_HEADER = ("姓名", "联系电话", "所属单位", "人员性质")
UNKNOWN_ROLE_ROWS = [
    ("赵一", "13900000001", "示例朱家角商业广场", "员工"),
    ("钱二", "13900000002", "示例朱家角商业广场", "消防安全管理人"),
]


def test_a_missing_column_is_asked_for_and_the_choice_is_remembered(coordinator_client):
    data = roster_xlsx(UNKNOWN_ROLE_ROWS, header=UNKNOWN_ROLE_HEADER)
    response = upload(coordinator_client, data)
    assert response.status_code == 302
    columns_url = reverse("organisations:import_columns", args=[digest_of(response)])
    assert response.url == columns_url
    page = coordinator_client.get(columns_url).content.decode()
    assert "D（人员性质）：员工、消防安全管理人" in page  # the first values beside each column
    assert "没有列名写明这一项" in page
    assert not User.objects.filter(phone="13900000001").exists()

    chosen = coordinator_client.post(columns_url, {"name": 0, "phone": 1, "path": 2, "role": 3})
    assert chosen.status_code == 302
    preview = coordinator_client.get(chosen.url).content.decode()
    assert preview.count("新建账号") == 2
    assert "角色 ← D（人员性质）" in preview
    assert RememberedColumns.objects.get(owner=coordinator_client.coordinator).headings == {
        "姓名": "name",
        "联系电话": "phone",
        "所属单位": "path",
        "人员性质": "role",
    }
    confirm(coordinator_client, chosen.url)
    assert User.objects.get(phone="13900000002").memberships.get().role == "manager"

    # Next month's sheet, columns in another order: straight to the preview.
    header = ("人员性质", "姓名", "所属单位", "联系电话")
    rows = [("员工", "孙三", "示例朱家角商业广场", "13900000003")]
    again = upload(coordinator_client, roster_xlsx(rows, header=header))
    assert "/columns/" not in again.url
    assert "新建账号" in coordinator_client.get(again.url).content.decode()


def test_an_ambiguous_mapping_goes_to_the_columns_step_and_saves_nothing(coordinator_client):
    header = ("姓名", "手机", "单位", "部门", "岗位")
    rows = [("赵一", "13900000001", "示例朱家角商业广场", "保安部", "员工")]
    users, memberships = User.objects.count(), Membership.objects.count()
    response = upload(coordinator_client, roster_xlsx(rows, header=header, title=None))
    columns_url = reverse("organisations:import_columns", args=[digest_of(response)])
    assert response.url == columns_url
    page = coordinator_client.get(columns_url).content.decode()
    assert "有几列都可能是这一项：C（单位）、D（部门）" in page
    # The preview and the confirmation are not reachable before the columns are chosen.
    assert (
        coordinator_client.get(
            reverse("organisations:import_preview", args=[digest_of(response)])
        ).url
        == columns_url
    )
    refused = coordinator_client.post(
        reverse("organisations:import_confirm", args=[digest_of(response)]),
        {"file_digest": digest_of(response), "plan_digest": ""},
    )
    assert refused.status_code == 302
    # The same column twice is refused at the field.
    twice = coordinator_client.post(columns_url, {"name": 0, "phone": 1, "path": 2, "role": 2})
    assert twice.status_code == 200
    assert "这一列已选作“组织路径”" in twice.content.decode()
    assert not RememberedColumns.objects.exists()
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert not PendingImport.objects.filter(state=PendingImport.State.PREVIEW).exists()

    chosen = coordinator_client.post(columns_url, {"name": 0, "phone": 1, "path": 2, "role": 4})
    assert "新建账号" in coordinator_client.get(chosen.url).content.decode()


def test_a_columns_post_with_nonsense_is_a_form_error(coordinator_client):
    data = roster_xlsx(UNKNOWN_ROLE_ROWS, header=UNKNOWN_ROLE_HEADER)
    columns_url = upload(coordinator_client, data).url
    for bad in ({"name": "x"}, {"name": 99, "phone": 1, "path": 2, "role": 3}, {}):
        response = coordinator_client.post(columns_url, bad)
        assert response.status_code == 200
        assert "field__error" in response.content.decode()
    assert not RememberedColumns.objects.exists()


def test_another_coordinator_cannot_reach_the_columns_step(client, coordinator_client, tree):
    data = roster_xlsx(UNKNOWN_ROLE_ROWS, header=UNKNOWN_ROLE_HEADER)
    columns_url = upload(coordinator_client, data).url
    client.force_login(coordinator_of(tree["other_town"]))
    response = client.post(columns_url, {"name": 0, "phone": 1, "path": 2, "role": 3})
    assert response.status_code == 302
    assert response.url == UPLOAD_URL
    assert not RememberedColumns.objects.exists()


def test_a_sheet_without_a_header_row_names_the_columns_and_shows_its_first_rows(
    coordinator_client,
):
    rows = [("赵一", "13900000001", "示例朱家角商业广场", "员工")]
    response = upload(coordinator_client, roster_xlsx(rows, header=("甲", "乙", "丙", "丁")))
    page = response.content.decode()
    assert response.status_code == 200
    assert "前 10 行中找不到列名行" in page
    assert "姓名、手机号、组织路径、角色" in page
    assert "读到的文件前几行" in page
    assert TITLE in page and "13900000001" in page
    assert not PendingImport.objects.exists()


def test_the_header_row_further_than_ten_rows_down_is_not_searched(coordinator_client):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for index in range(11):
        sheet.append([f"说明第{index + 1}行"])
    sheet.append(["姓名", "手机号", "组织路径", "角色"])
    sheet.append(["赵一", "13900000001", "示例朱家角商业广场", "员工"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(coordinator_client, buffer.getvalue())
    assert response.status_code == 200
    assert "找不到列名行" in response.content.decode()
