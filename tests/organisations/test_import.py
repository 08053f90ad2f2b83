import io
import re

import openpyxl
import pytest

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organisations import importing
from organisations.models import Membership
from tests.factories import UserFactory
from tests.organisations.factories import MembershipFactory
from tests.organisations.join_helpers import build_district, coordinator_of, csv_bytes, xlsx_bytes

User = get_user_model()
UNIT = "青浦区/朱家角镇/示例朱家角商业广场"
CLASS = "青浦区/朱家角镇/示例朱家角小学/三年级2班"
OUTSIDE = "青浦区/练塘镇/示例练塘养老院"
UPLOAD_URL = reverse("organisations:import_upload")


@pytest.fixture
def tree(db):
    return build_district()


@pytest.fixture
def coordinator(tree):
    return coordinator_of(tree["town"])


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def upload(client, data, name="members.xlsx"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, data)})


def preview_and_confirm(client, data, name="members.xlsx"):
    response = upload(client, data, name)
    assert response.status_code == 302, response.content.decode()[:3000]
    preview = client.get(response.url)
    page = preview.content.decode()
    digest = response.url.rstrip("/").rsplit("/", 1)[1]
    plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
    return client.post(
        reverse("organisations:import_confirm", args=[digest]),
        {"file_digest": digest, "plan_digest": plan_digest},
    )


GOOD_ROWS = [
    ("赵一", "13900000001", UNIT, "员工", "A01"),
    ("钱二", "139 0000 0002", UNIT, "消防安全管理人", ""),
    ("孙三", "+8613900000003", CLASS, "学生", "5"),
]


def test_template_has_the_chinese_header_row(coordinator_client):
    response = coordinator_client.get(reverse("organisations:import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["姓名", "手机号", "组织路径", "角色", "编号"]
    assert sheet["C2"].value == "青浦区/朱家角镇"


def test_upload_shows_a_preview_and_saves_nothing(coordinator_client):
    users_before = User.objects.count()
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    page = coordinator_client.get(response.url).content.decode()
    assert "赵一" in page and "孙三" in page
    assert "尚未保存" in page
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(role="staff").exists()


def test_confirm_saves_every_valid_row_with_one_time_passwords(coordinator_client, tree):
    response = preview_and_confirm(coordinator_client, xlsx_bytes(GOOD_ROWS))
    assert response.status_code == 302
    result_page = coordinator_client.get(response.url).content.decode()
    assert "导入完成" in result_page
    zhao = User.objects.get(phone="13900000001")
    assert (zhao.username, zhao.name, zhao.must_change_password) == ("13900000001", "赵一", True)
    assert zhao.memberships.get().number == "A01"
    assert User.objects.get(phone="13900000002").memberships.get().role == "manager"
    assert User.objects.get(phone="13900000003").memberships.get().organisation == tree["class"]

    passwords_url = reverse(
        "organisations:import_passwords", args=[response.url.rstrip("/").rsplit("/", 1)[1]]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(coordinator_client.get(passwords_url).content)).active
    rows = {row[2]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"13900000001", "13900000002", "13900000003"}
    assert zhao.check_password(rows["13900000001"])
    assert re.fullmatch(r"[a-hjkmnp-z2-9]{12}", rows["13900000001"])  # as add-member's
    # Once: the passwords are gone from the server after the download.
    assert coordinator_client.get(passwords_url).status_code == 404
    assert rows["13900000001"] not in coordinator_client.get(response.url).content.decode()


def test_one_time_passwords_use_a_cheap_hash_that_is_upgraded_at_sign_in(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    [encoded] = importing.hash_one_time_passwords(["abcdefgh2345"])
    assert encoded.startswith(f"pbkdf2_sha256${importing.ONE_TIME_PASSWORD_ITERATIONS}$")
    from django.contrib.auth.hashers import check_password, get_hasher

    assert check_password("abcdefgh2345", encoded)
    assert get_hasher().must_update(encoded)


def test_reimporting_the_same_file_changes_nothing(coordinator_client):
    preview_and_confirm(coordinator_client, xlsx_bytes(GOOD_ROWS))
    users, memberships = User.objects.count(), Membership.objects.count()
    passwords = dict(User.objects.values_list("phone", "password"))
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    page = coordinator_client.get(response.url).content.decode()
    assert page.count("无变化") >= 3
    assert "此文件没有可保存的内容" in page
    assert "确认导入" not in page
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert dict(User.objects.values_list("phone", "password")) == passwords


def test_reimport_never_renames_and_changes_roles_only_of_proven_phones(coordinator_client, tree):
    preview_and_confirm(coordinator_client, xlsx_bytes(GOOD_ROWS))
    changed = [
        ("赵一一", "13900000001", UNIT, "员工", "A01"),
        ("钱二", "13900000002", UNIT, "消防安全责任人", ""),
    ]
    response = upload(coordinator_client, xlsx_bytes(changed))
    page = coordinator_client.get(response.url).content.decode()
    assert "该手机号已注册，姓名与登记不一致" in page
    assert "赵一 →" not in page  # the registered name is never printed
    assert "该手机号尚未由本人验证，暂不能授予此角色" in page

    User.objects.filter(phone="13900000002").update(phone_verified_at=timezone.now())
    response = upload(coordinator_client, xlsx_bytes(changed))
    page = coordinator_client.get(response.url).content.decode()
    assert "角色：消防安全管理人 → 消防安全责任人" in page
    preview_and_confirm(coordinator_client, xlsx_bytes(changed))
    assert User.objects.get(phone="13900000001").name == "赵一"
    qian = User.objects.get(phone="13900000002")
    assert list(qian.memberships.current().values_list("role", flat=True)) == ["responsible"]
    assert qian.memberships.exclude(ended_at=None).get().role == "manager"  # history kept


def test_existing_account_gets_a_membership_not_a_new_account(coordinator_client, tree):
    person = UserFactory(username="13900000009", phone="13900000009", name="周九")
    preview_and_confirm(coordinator_client, xlsx_bytes([("周九", "13900000009", UNIT, "员工", "")]))
    assert User.objects.filter(phone="13900000009").count() == 1
    assert person.memberships.current().get().organisation == tree["unit"]
    person.refresh_from_db()
    assert not person.must_change_password


def test_import_never_removes_a_coordinator_role(coordinator_client, tree, coordinator):
    coordinator.phone = "13900000010"
    coordinator.save()
    rows = [(coordinator.name, "13900000010", "青浦区/朱家角镇", "员工", "")]
    preview_and_confirm(coordinator_client, xlsx_bytes(rows))
    roles = set(coordinator.memberships.current().values_list("role", flat=True))
    assert roles == {"coordinator", "staff"}


BAD_ROWS = [
    ("", "13900000011", UNIT, "员工", ""),  # 2 name missing
    ("吴一", "1234", UNIT, "员工", ""),  # 3 bad phone
    ("吴二", "13900000013", "青浦区/不存在镇", "员工", ""),  # 4 unknown path
    ("吴三", "13900000014", OUTSIDE, "员工", ""),  # 5 outside scope
    ("吴四", "13900000015", UNIT, "皇帝", ""),  # 6 unknown role
    ("吴五", "13900000016", UNIT, "员工", ""),  # 7 fine
    ("吴五", "13900000016", UNIT, "员工", ""),  # 8 duplicate of 7
    ("吴六", "", UNIT, "员工", ""),  # 9 phone missing
    ("吴七", "13900000018", UNIT, "", ""),  # 10 role missing
    ("吴八", "13900000019", "", "员工", ""),  # 11 path missing
]


def test_preview_lists_every_bad_row_with_its_problem_in_chinese(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(BAD_ROWS))
    page = coordinator_client.get(response.url).content.decode()
    for problem in (
        "姓名为空",
        "手机号格式不正确：1234",
        "找不到该组织路径：青浦区/不存在镇",
        "该组织不在您的管理范围内",
        "未知角色：皇帝",
        "文件中重复：与第 7 行的人员和组织相同",
        "手机号为空",
        "角色为空",
        "组织路径为空",
    ):
        assert problem in page, problem
    only_problems = coordinator_client.get(response.url, {"show": "problems"}).content.decode()
    assert "吴四" in only_problems
    assert ">13900000016<" in only_problems  # row 8, the duplicate, is listed; row 7 too below


def test_confirm_saves_only_the_valid_rows(coordinator_client):
    preview_and_confirm(coordinator_client, xlsx_bytes(BAD_ROWS))
    imported = User.objects.filter(phone__startswith="139000000").values_list("name", flat=True)
    assert set(imported) == {"吴五"}


def test_a_number_held_by_someone_else_is_a_row_problem(coordinator_client, tree):
    MembershipFactory(organisation=tree["class"], role="student", number="5")
    response = upload(coordinator_client, xlsx_bytes([("孙三", "13900000003", CLASS, "学生", "5")]))
    page = coordinator_client.get(response.url).content.decode()
    assert "该编号在本组织已被使用" in page


def test_same_phone_with_two_names_is_a_row_problem(coordinator_client):
    rows = [("赵一", "13900000001", UNIT, "员工", ""), ("赵壹", "13900000001", CLASS, "教师", "")]
    response = upload(coordinator_client, xlsx_bytes(rows))
    assert "同一手机号在文件中姓名不一致" in coordinator_client.get(response.url).content.decode()


def test_csv_with_and_without_bom_is_read(coordinator_client):
    for bom in (False, True):
        response = upload(coordinator_client, csv_bytes(GOOD_ROWS, bom=bom), "members.csv")
        assert response.status_code == 302
        page = coordinator_client.get(response.url).content.decode()
        assert "赵一" in page
        assert "新建账号" in page


def test_csv_saved_by_chinese_excel_as_gbk_is_read(coordinator_client):
    text = "姓名,手机号,组织路径,角色,编号\r\n赵一,13900000001," + UNIT + ",员工,\r\n"
    response = upload(coordinator_client, text.encode("gbk"), "members.csv")
    assert response.status_code == 302


def test_excel_phone_typed_as_a_number_is_read(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes([("赵一", 13900000001, UNIT, "员工", 7)]))
    page = coordinator_client.get(response.url).content.decode()
    assert "新建账号" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("members.pdf", b"%PDF-1.4", "请上传 Excel 文件"),
        ("members.xlsx", b"%PDF-1.4 not a spreadsheet", "不是有效的 Excel 文件"),
        ("members.xlsx", b"PK\x03\x04garbage", "不是有效的 Excel 文件"),
        ("members.csv", b"\x00\x01\x02binary\x00", "不是 CSV 文本文件"),
        ("members.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
        ("members.xls", b"<html><table><tr><td>1</td></tr></table>", "不是有效的 .xls 文件"),
        ("members.et", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "文件 → 另存为"),
        ("members.csv", "甲,乙\r\n赵一,1\r\n".encode(), "找不到列名行"),
        ("members.csv", b"", "field__error"),
        ("members.csv", "姓名,手机号,组织路径,角色\r\n".encode(), "没有成员"),
    ],
)
def test_files_that_are_not_member_sheets_are_refused_with_a_message(
    coordinator_client, name, data, message
):
    response = upload(coordinator_client, data, name)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_files_over_5_mb_are_refused(coordinator_client):
    data = csv_bytes([("赵一", "13900000001", UNIT, "员工", "x" * 30)] * 1) + b" " * (
        importing.limits().file_bytes + 1
    )
    response = upload(coordinator_client, data, "members.csv")
    assert response.status_code == 200
    assert "超过 5 MB" in response.content.decode()


def test_files_over_20000_rows_are_refused(coordinator_client):
    rows = [
        ("赵", f"139{index:08d}", UNIT, "员工", "") for index in range(importing.limits().rows + 1)
    ]
    response = upload(coordinator_client, csv_bytes(rows), "members.csv")
    assert response.status_code == 200
    assert "超过 20,000 行" in response.content.decode()


def test_preview_of_5000_bad_rows_is_paginated_and_grouped(
    coordinator_client, django_assert_max_num_queries
):
    rows = [(f"人{index}", f"1{index:05d}", "青浦区/无此地", "员工", "") for index in range(5000)]
    response = upload(coordinator_client, csv_bytes(rows), "members.csv")
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        preview = coordinator_client.get(response.url, {"page": 50})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "第 50 页，共 50 页" in page or "50" in page
    assert "手机号格式不正确：5000" in page
    assert page.count('class="import-row ') == 100
    assert "找不到该组织路径：5000" in page.replace("</li>", "").replace("\n", "")


def test_confirm_with_a_different_file_hash_saves_nothing(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    digest = response.url.rstrip("/").rsplit("/", 1)[1]
    other = "0" * 64
    confirm = coordinator_client.post(
        reverse("organisations:import_confirm", args=[other]),
        {"file_digest": other, "plan_digest": "x"},
    )
    assert confirm.status_code == 302
    assert not User.objects.filter(phone="13900000001").exists()
    assert digest != other


def test_confirm_refuses_if_members_changed_since_the_preview(coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    page = coordinator_client.get(response.url).content.decode()
    digest = response.url.rstrip("/").rsplit("/", 1)[1]
    plan_digest = page.split('name="plan_digest" value="')[1].split('"')[0]
    # Someone registers one of the phones between the preview and the confirm.
    UserFactory(username="13900000002", phone="13900000002", name="钱二")
    confirm = coordinator_client.post(
        reverse("organisations:import_confirm", args=[digest]),
        {"file_digest": digest, "plan_digest": plan_digest},
    )
    assert confirm.status_code == 302
    assert confirm.url == response.url
    assert not User.objects.filter(phone="13900000001").exists()  # none saved, not even the rest
    follow = coordinator_client.get(confirm.url).content.decode()
    assert "没有保存任何内容" in follow or "未保存任何内容" in follow


def test_people_who_are_not_coordinators_cannot_import(client, tree):
    client.force_login(UserFactory())
    assert client.get(UPLOAD_URL).status_code == 403
    assert upload(client, xlsx_bytes(GOOD_ROWS)).status_code == 403


def test_another_coordinators_upload_is_not_reachable(client, tree, coordinator_client):
    response = upload(coordinator_client, xlsx_bytes(GOOD_ROWS))
    other = coordinator_of(tree["other_town"])
    client.force_login(other)
    # Pending imports are found by their owner: the other coordinator sees "expired".
    page = client.get(response.url, follow=True).content.decode()
    assert "赵一" not in page


def test_import_of_10000_rows_is_quick(coordinator_client, tree):
    import time

    rows = [(f"人{index}", f"139{index:08d}", UNIT, "员工", "") for index in range(10_000)]
    started = time.perf_counter()
    response = preview_and_confirm(coordinator_client, csv_bytes(rows), "members.csv")
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert Membership.objects.filter(organisation=tree["unit"]).count() == 10_000
    assert elapsed < 60
