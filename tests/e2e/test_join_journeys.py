import pytest
from playwright.sync_api import expect

from django.contrib.auth import get_user_model

from accounts import sms
from organisations.models import Membership
from tests.factories import TEST_PASSWORD
from tests.organisations.factories import JoinCodeFactory
from tests.organisations.join_helpers import build_district, coordinator_of, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)

UNIT = "青浦区/朱家角镇/示例朱家角商业广场"


@pytest.fixture
def tree():
    return build_district()


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_coordinator_imports_a_sheet(page, tree, screenshot):
    coordinator_of(tree["town"], username="town_e2e", name="镇协调员")
    sheet = xlsx_bytes(
        [
            ("赵一", "13900000001", UNIT, "员工", "A01"),
            ("钱二", "13900000002", UNIT, "消防安全管理人", ""),
            ("孙三", "12345", "青浦区/练塘镇/示例练塘养老院", "皇帝", ""),
        ]
    )
    sign_in(page, "town_e2e", TEST_PASSWORD)
    page.goto("/manage/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("导入成员")
    page.get_by_label("成员表").set_input_files(
        files=[
            {
                "name": "成员.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": sheet,
            }
        ]
    )
    page.get_by_role("button", name="上传并预览").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("导入预览")
    problem_row = page.locator(".import-row--error")
    expect(problem_row).to_have_count(1)
    expect(problem_row).to_contain_text("手机号格式不正确：12345")
    expect(problem_row).to_contain_text("该组织不在您的管理范围内")
    expect(problem_row).to_contain_text("未知角色：皇帝")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("import-preview-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("import-preview-1280")
    assert not get_user_model().objects.filter(phone="13900000001").exists()

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入完成")
    expect(page.locator("main")).to_contain_text("赵一")
    expect(page.locator("main")).to_contain_text("13900000002")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载登录名和一次性密码（.xlsx）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    screenshot("import-result-1280")
    assert Membership.objects.filter(organisation=tree["unit"]).count() == 2


def test_student_joins_a_class_by_code_and_signs_in_again(page, tree, screenshot):
    code = JoinCodeFactory(organisation=tree["class"], role=Membership.Role.STUDENT)
    page.goto("/join/")
    expect(page.get_by_role("heading", level=1)).to_have_text("凭加入码加入")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("join-360")
    page.get_by_label("加入码").fill(code.code.lower())
    page.get_by_role("button", name="下一步").click()

    expect(page.locator(".join-target__name")).to_have_text("三年级2班")
    expect(page.get_by_role("heading", name="我们保存哪些信息，为什么")).to_be_visible()
    expect(page.get_by_label("手机号")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("join-student-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("join-student-1280")
    page.set_viewport_size({"width": 360, "height": 740})

    page.get_by_label("你的名字").fill("王小花")
    page.get_by_label("你在班里的学号").fill("12")
    page.get_by_role("button", name="加入班级").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("你已加入！")
    username = page.locator("[data-login-name]").inner_text()
    password = page.locator("[data-password]").inner_text()
    screenshot("join-student-welcome-360")
    assert username == f"c{tree['class'].pk}-12"

    page.get_by_role("button", name="退出").click()
    sign_in(page, username, password)
    expect(page.locator(".account-name")).to_have_text("王小花")


def test_join_page_at_desktop_width(page, tree, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/join/")
    expect(page.get_by_label("加入码")).to_be_visible()
    screenshot("join-1280")


def test_coordinator_makes_a_code_and_a_member_sees_my_data(page, tree, screenshot):
    coordinator_of(tree["school"], username="teacher_e2e", name="王老师")
    sign_in(page, "teacher_e2e", TEST_PASSWORD)
    page.goto(f"/manage/organisations/{tree['class'].pk}/join-codes/")
    page.get_by_label("授予角色").select_option("student")
    page.get_by_role("button", name="生成", exact=True).click()
    expect(page.locator("[data-join-code]")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("join-codes-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("join-codes-1280")
    page.goto("/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的数据")
    expect(page.locator("#section-memberships")).to_contain_text("示例朱家角小学")
    screenshot("my-data-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("my-data-360")


def test_adult_joins_a_unit_by_code_and_confirms_the_phone_by_sms(page, tree, screenshot):
    code = JoinCodeFactory(organisation=tree["unit"], role=Membership.Role.STAFF)
    page.goto(f"/join/{code.code}/")
    expect(page.locator(".join-target__name")).to_have_text("示例朱家角商业广场")
    page.get_by_label("真实姓名").fill("李四海")
    page.get_by_label("手机号").fill("139 1234 5678")
    page.locator("#id_password1").fill("fire-drill-2026-go")
    page.get_by_label("再次输入密码").fill("fire-drill-2026-go")
    page.get_by_role("button", name="发送短信验证码").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("验证手机号")
    expect(page.locator("main")).to_contain_text("139****5678")
    assert not get_user_model().objects.filter(phone="13912345678").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("join-adult-code-360")

    page.get_by_label("短信验证码").fill(
        "000000" if sms.outbox[-1].params["code"] != "000000" else "111111"
    )
    page.get_by_role("button", name="验证并创建账号").click()
    expect(page.locator("main")).to_contain_text("验证码不正确")
    assert not get_user_model().objects.filter(phone="13912345678").exists()

    page.get_by_label("短信验证码").fill(sms.outbox[-1].params["code"])
    page.get_by_role("button", name="验证并创建账号").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的数据")
    expect(page.locator("#section-memberships")).to_contain_text("示例朱家角商业广场")
    user = get_user_model().objects.get(phone="13912345678")
    assert user.phone_is_verified
