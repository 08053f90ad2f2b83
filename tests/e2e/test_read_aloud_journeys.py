"""Read aloud on lesson pages, with the browser's speech synthesis replaced by a recorder.

Headless chromium has no voices, so the test stands in for the engine and checks what the page
asks it to say, in which language, and that the button reflects the state.
"""

import pytest
from playwright.sync_api import expect

from django.core.management import call_command

from courses.models import CourseIndexPage
from tests.courses.factories import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db(transaction=True)

RECORDER = """
window.__spoken = [];
window.__cancelled = 0;
window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ""; };
Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
  getVoices: function () {
    return [{ lang: "en-US", name: "en" }, { lang: "zh-CN", name: "婷婷" }];
  },
  cancel: function () { window.__cancelled += 1; window.__queue = []; },
  speak: function (u) {
    var voice = u.voice && u.voice.name;
    window.__spoken.push({ text: u.text, lang: u.lang, voice: voice, rate: u.rate });
    (window.__queue = window.__queue || []).push(u);
  },
}});
window.__say = function () {  // the engine reads the next utterance
  var u = window.__queue.shift();
  if (u.onstart) u.onstart();
  if (u.onend) u.onend();
};
"""

LONG = "家里装上烟感报警器，每月按一下测试键。" * 14


@pytest.fixture
def lesson():
    call_command("load_demo")
    course = CoursePageFactory(
        parent=CourseIndexPage.objects.get(), title="居家防火", slug="home-fire"
    )
    return LessonPageFactory(
        parent=course,
        title="厨房用火",
        slug="kitchen",
        body=[
            {
                "type": "paragraph",
                "value": "<p>油锅起火，盖上锅盖。</p><ul><li>不要用水浇。</li></ul>",
            },
            {"type": "paragraph", "value": f"<p>{LONG}</p>"},
        ],
    )


def test_a_lesson_is_read_aloud_in_chinese_block_by_block_and_can_be_stopped(
    page, lesson, screenshot
):
    page.add_init_script(RECORDER)
    page.goto(lesson.url)
    button = page.get_by_role("button", name="朗读本课")
    expect(button).to_be_visible()
    button.click()

    spoken = page.evaluate("window.__spoken")
    texts = [item["text"] for item in spoken]
    assert texts[:3] == ["厨房用火", "油锅起火，盖上锅盖。", "不要用水浇。"]
    assert all(item["lang"] == "zh-CN" and item["voice"] == "婷婷" for item in spoken)
    # The long paragraph is cut at sentence ends into pieces the engine reads whole.
    rest = texts[3:]
    assert len(rest) > 1 and "".join(rest) == LONG
    assert all(len(text) <= 180 and text.endswith("。") for text in rest)

    stop = page.get_by_role("button", name="停止朗读")
    expect(stop).to_have_attribute("aria-pressed", "true")
    page.evaluate("window.__say(); window.__say()")
    expect(page.locator(".is-being-read")).to_have_text("油锅起火，盖上锅盖。")
    screenshot("read-aloud-360")
    cancelled = page.evaluate("window.__cancelled")
    stop.click()
    assert page.evaluate("window.__cancelled") == cancelled + 1
    expect(page.get_by_role("button", name="朗读本课")).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".is-being-read")).to_have_count(0)

    # Read to the end: the button returns to its first state by itself.
    page.get_by_role("button", name="朗读本课").click()
    count = len(page.evaluate("window.__spoken")) - len(spoken)
    page.evaluate(f"for (let i = 0; i < {count}; i++) window.__say()")
    expect(page.get_by_role("button", name="朗读本课")).to_have_attribute("aria-pressed", "false")


def test_without_speech_synthesis_there_is_no_button(page, lesson):
    page.add_init_script("delete window.speechSynthesis; window.speechSynthesis = undefined;")
    page.goto(lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("厨房用火")
    expect(page.get_by_role("button", name="朗读本课")).to_have_count(0)
