"""The report in a real browser: headless Chromium shows every picture and logs no console error.

Skipped only when Chromium is not installed (``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver`` when they are missing).
"""

from __future__ import annotations

import shutil
import tempfile

import pytest

from .report_folders import tiny_run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver")
    assert driver_path, "chromium is installed but chromedriver is not (Debian: apt-get install chromium-driver)"
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=412,915")  # a phone's viewport
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_run_report_shows_every_picture_and_logs_no_console_error(browser, tmp_path):
    folder = tiny_run(tmp_path, "--report")
    pngs = list(folder.glob("*.png"))
    browser.get((folder / "report.html").resolve().as_uri())
    images = browser.execute_script(
        "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]);"
    )
    assert len(images) == len(pngs) >= 3
    assert all(done and w > 0 and h > 0 for done, w, h in images), images
    # the pictures fit a phone's width: no image overflows the viewport
    widest = browser.execute_script("return Math.max(...Array.from(document.images).map(i => i.getBoundingClientRect().right));")
    assert widest <= browser.execute_script("return document.documentElement.clientWidth;")
    # the inline stylesheet applies (an escaped one would leave the browser's serif default)
    font = browser.execute_script("return getComputedStyle(document.body).fontFamily;")
    assert "Arial" in font
    # nothing was fetched: every resource the page used is inline
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert [u for u in fetched if not u.startswith("data:")] == []
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
    assert errors == []
    assert "tiny" in browser.title
