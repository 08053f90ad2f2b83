import pytest
from playwright.sync_api import expect

from tests.courses.factories import CourseIndexPageFactory, CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(home_page):
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title="灭火器的选择与使用", slug="extinguishers")
    LessonPageFactory(
        parent=course,
        title="手提式灭火器",
        slug="portable",
        body=[{"type": "paragraph", "value": "<p>提起灭火器，拔掉保险销，对准火焰根部。</p>"}],
    )


def test_search_on_a_phone_keeps_its_button_on_one_line(page, site, screenshot):
    page.goto("/search/?q=保险销")
    button = page.locator(".search-form__row button")
    box, field = button.bounding_box(), page.locator("#search-q").bounding_box()
    # 搜索 on one line: the button is as tall as the field, not two characters stacked.
    assert box["height"] <= field["height"] + 2
    assert box["width"] > box["height"]
    expect(page.locator(".result mark").first).to_have_text("保险销")
    expect(page.locator(".result__kind").first).to_contain_text("灭火器的选择与使用")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot("search-360")
