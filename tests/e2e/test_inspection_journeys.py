"""Self-inspection on a 360 px phone: a patrol with a failed point, its hazard fixed and closed."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from inspections.models import Hazard, Round

pytestmark = pytest.mark.django_db(transaction=True)

FAILED = "安全出口和疏散通道"  # a patrol point of the demo handbook, 重大 by default


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("登录名或手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".account-name")).to_be_visible()


def jpeg(path, colour):
    """A small JPEG as a phone camera would hand it over."""
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url


def test_a_patrol_fails_a_point_the_staff_fixes_it_the_manager_closes_it_the_town_sees_it(
    page, demo, tmp_path, screenshot, axe_violations
):
    finding = jpeg(tmp_path / "exit.jpg", "#b71c1c")
    fix = jpeg(tmp_path / "fixed.jpg", "#2e7d32")
    found = []

    # The manager starts today's patrol from the unit's handbook (preselected) on a phone.
    sign_in(page, "manager")
    page.goto("/inspections/")
    expect(page.get_by_role("heading", level=2, name="示例朱家角商业广场")).to_be_visible()
    expect(page.get_by_label("防火巡查")).to_be_checked()
    page.get_by_role("button", name="开始", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("防火巡查")
    round_ = Round.objects.latest("pk")
    points = list(round_.points.all())
    assert len(points) == 8 and FAILED in [point.item for point in points]
    expect(page.get_by_test_id("progress")).to_contain_text("0")
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-round-360")

    # Each point is answered and saved on its own; one fails, with a note and a photo.
    for point in points:
        card = page.locator(f"#point-{point.pk}")
        if point.item == FAILED:
            card.get_by_label("不合格", exact=True).check()
            card.get_by_label("说明").fill("示例：B1层东侧安全出口被纸箱堵住一半")
            card.get_by_label("照片").set_input_files(str(finding))
        else:
            card.get_by_label("合格", exact=True).check()
        card.get_by_role("button", name="保存结果").click()
        expect(page.get_by_text(f"已保存：{point.item}")).to_be_visible()
        result = "不合格" if point.item == FAILED else "合格"
        expect(page.get_by_test_id(f"answer-{point.pk}")).to_contain_text(result)
    failed_card = page.locator(f"#point-{points[[p.item for p in points].index(FAILED)].pk}")
    expect(failed_card.get_by_role("link", name="照片")).to_be_visible()

    # Sign-off: the staff member is made responsible for the fix; the point's 重大 stays.
    sign = page.get_by_role("region", name="签字确认")
    expect(sign.get_by_label("检查人姓名")).to_have_value("示例王经理")
    sign.get_by_label("不合格项整改责任人").select_option(label="示例赵店员")
    expect(sign.get_by_label(f"隐患等级：{FAILED}")).to_have_value("major")
    screenshot("inspection-sign-360")
    sign.get_by_role("button", name="签字").click()
    expect(page.get_by_text("已签字。")).to_be_visible()
    expect(page.get_by_test_id("signed")).to_contain_text("示例王经理")
    fits_the_phone(page)
    found += axe_violations(page)

    # The hazard appears, to be rectified by the staff member.
    page.get_by_role("region", name="发现的隐患").get_by_role("link", name=FAILED).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FAILED)
    expect(page.locator(".inspection-state .status-badge").first).to_have_text("待整改")
    expect(page.locator(".inspection-state .status-badge", has_text="重大")).to_be_visible()
    hazard = Hazard.objects.get(round=round_)
    assert (hazard.responsible.username, hazard.severity) == ("staff", "major")
    hazard_url = page.url
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-hazard-360")

    # The staff member finds it among their hazards and reports the fix with a note and photo.
    sign_in(page, "staff")
    page.goto("/inspections/")
    mine = page.get_by_role("region", name="我负责整改的隐患")
    mine.get_by_role("link", name=FAILED).click()
    # Who fixes it sees what was found, though they walk no rounds themselves.
    page.wait_for_load_state("load")
    finding_photo = page.locator(".inspection-photo img").first
    expect(finding_photo).to_be_visible()
    assert finding_photo.evaluate("img => img.complete && img.naturalWidth > 0")
    fix_form = page.get_by_role("region", name="报告整改")
    fix_form.get_by_label("整改情况").fill("示例：纸箱已清走，出口处地面划出禁放线")
    fix_form.get_by_label("整改后照片").set_input_files(str(fix))
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-rectify-360")
    fix_form.get_by_role("button", name="提交整改").click()
    expect(page.get_by_text("整改已提交，等待管理人复核。")).to_be_visible()
    expect(page.locator(".inspection-state .status-badge").first).to_have_text("已整改（待复核）")
    expect(page.get_by_role("link", name="整改后照片")).to_be_visible()

    # The manager, who did not make the fix, confirms it: the hazard is closed.
    sign_in(page, "manager")
    page.goto(hazard_url)
    page.get_by_role("button", name="复核通过并销号").click()
    expect(page.get_by_text("整改已复核，隐患已销号。")).to_be_visible()
    expect(page.locator(".inspection-state .status-badge").first).to_have_text("已销号")

    # The town's coordinator was told of the 重大 hazard at once, and sees it closed.
    sign_in(page, "town")
    page.goto("/accounts/messages/")
    notice = page.get_by_role("link", name=f"重大隐患：示例朱家角商业广场 {FAILED}")
    expect(notice).to_have_count(1)
    notice.click()
    expect(page).to_have_url(hazard_url)
    expect(page.locator(".inspection-state .status-badge").first).to_have_text("已销号")
    # The fix's note, and the same step in the hazard's history (处理记录).
    expect(page.locator("dd", has_text="示例：纸箱已清走，出口处地面划出禁放线")).to_be_visible()
    expect(page.locator("li", has_text="报告已整改 · 示例赵店员：示例：纸箱已清走")).to_be_visible()
    # A coordinator sees, but neither fixes nor confirms.
    expect(page.get_by_role("button", name="复核通过并销号")).to_have_count(0)
    expect(page.get_by_role("region", name="报告整改")).to_have_count(0)
    fits_the_phone(page)
    found += axe_violations(page)
    screenshot("inspection-hazard-closed-360")
    hazard.refresh_from_db()
    assert hazard.state == Hazard.State.CLOSED
    assert (hazard.rectified_by.username, hazard.closed_by.username) == ("staff", "manager")
    assert not found, "\n".join(found)
