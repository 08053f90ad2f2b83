"""Real-browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Never a downloaded browser: without /usr/bin/chromium these tests are skipped, and say so.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"chromium not found at {CHROMIUM}: browser tests skipped "
                        "(apt-get install chromium)"
                    )
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls
    # are plain synchronous code all the same, so Django's async guard is lifted meanwhile.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def demo():
    """The demo district and its content, as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_demo")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a screenshot under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


# axe-core comes from the npm registry through tests/e2e/package-lock.json (`make test` runs
# `npm ci` here): never from a CDN at run time.
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci --prefix tests/e2e)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe_violations(axe_source):
    """Run axe-core on the page as it is; its serious and critical violations, as text lines."""

    def run(page):
        page.add_script_tag(content=axe_source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core"
        return [
            f"{page.url} {violation['impact']} {violation['id']}: "
            + "; ".join(node["target"][0] for node in violation["nodes"][:5])
            for violation in result["violations"]
            if violation["impact"] in SERIOUS
        ]

    return run
