"""The report site as a reader sees it: headless Chromium through Selenium.

Runs when Chromium and ChromeDriver are installed (``.ci/run`` installs them and
sets TWEETERWOOD_REQUIRE_BROWSER, so CI never skips it)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from analysis.claims import catalogue

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        if os.environ.get("TWEETERWOOD_REQUIRE_BROWSER"):
            pytest.fail("Chromium and ChromeDriver are required (apt-get install chromium chromium-driver)")
        pytest.skip("no Chromium/ChromeDriver on this machine")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingOptions", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(executed):
    base, _ = executed
    reports = base / "reports"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(reports))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield reports, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _pages(reports: Path) -> list[str]:
    return ["index.html"] + sorted(p.name for p in reports.glob("[0-9][0-9]-*.html"))


def _check_page(driver, url: str, name: str) -> dict:
    driver.get_log("browser")  # drop what earlier pages left
    driver.get(url)
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 60), i.complete && i.naturalWidth > 0, i.alt]);"
    )
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));"
    )
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    stray = driver.execute_script(STRAY_OUTPUTS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    return {"images": images, "links": links, "errors": errors, "stray": stray}


# what a reader did not ask for: a raw DataFrame (pandas' own table class), a plain-text output
# (a repr, a bare number, a printed line, a warning), or a Python repr inside any output
STRAY_OUTPUTS = """
const found = [];
document.querySelectorAll('table.dataframe').forEach(t => found.push('raw DataFrame: ' + t.innerText.slice(0, 80)));
document.querySelectorAll('.jp-RenderedText, .jp-OutputArea-output pre').forEach(e => {
    if (!e.closest('details.tw-code')) found.push('plain-text output: ' + e.innerText.slice(0, 80));
});
const reprs = /<[A-Za-z_][\\w.]* (object|at 0x)|\\bdtype[:=]|\\barray\\(|Styler at 0x|^\\{'/m;
document.querySelectorAll('.jp-OutputArea-output').forEach(e => {
    if (!e.querySelector('details.tw-code') && reprs.test(e.innerText)) found.push('repr: ' + e.innerText.slice(0, 80));
});
return found;
"""


def test_every_page_loads_its_images_links_and_no_script_errors(browser, site):
    reports, root = site
    pages = _pages(reports)
    assert len(pages) == 1 + len(list((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")))
    for page in pages:
        result = _check_page(browser, root + page, Path(page).stem)
        assert result["images"], f"{page}: no images"
        broken = [src for src, ok, _ in result["images"] if not ok]
        assert not broken, f"{page}: images that did not load: {broken}"
        assert all(alt for _, _, alt in result["images"]), f"{page}: image without alt text"
        assert not result["errors"], f"{page}: console errors {result['errors']}"
        assert not result["stray"], f"{page}: outputs a reader did not ask for: {result['stray']}"
        internal = [h for h in result["links"] if not urlparse(h).scheme and not h.startswith("#")]
        assert "index.html" in internal or page == "index.html"
        for href in internal:
            target = urljoin(root + page, href).split("#")[0]
            try:
                with urllib.request.urlopen(target, timeout=10):
                    pass
            except urllib.error.HTTPError as error:
                pytest.fail(f"{page}: link {href} -> HTTP {error.code}")


def test_no_page_scrolls_sideways_at_a_phone_width(browser, site):
    """At 390 px (a phone), the text wraps: a page never scrolls sideways (wide tables scroll
    inside their own box); screenshots of each page at phone and desktop widths are kept."""
    reports, root = site
    try:
        browser.set_window_size(390, 844)
        for page in _pages(reports):
            browser.get(root + page)
            wide, inner = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth];")
            assert wide <= inner + 1, f"{page}: the page is {wide} px wide at a {inner} px window"
            browser.save_screenshot(str(SCREENSHOTS / f"{Path(page).stem}-phone.png"))
    finally:
        browser.set_window_size(1280, 1600)


def test_every_report_opens_with_a_lead_that_says_the_answer(browser, site):
    reports, root = site
    for page in _pages(reports)[1:]:
        browser.get(root + page)
        lead = browser.execute_script(
            "const h = document.querySelector('h1'); const p = h && h.nextElementSibling;"
            "return p && p.classList.contains('tw-lead') ? p.innerText : null;"
        )
        assert lead and len(lead) > 80, f"{page}: no lead under the title"


def test_the_code_is_folded_and_opens_with_a_click(browser, site):
    _, root = site
    browser.get(root + "04-gated-community.html")
    closed, total = browser.execute_script(
        "const d = Array.from(document.querySelectorAll('details.tw-code'));"
        "return [d.filter(x => !x.open).length, d.length];"
    )
    assert total >= 5 and closed == total  # folded by default
    browser.execute_script("document.querySelector('details.tw-code summary').click();")
    shown = browser.execute_script("return document.querySelector('details.tw-code').open && "
                                   "document.querySelector('details.tw-code pre').offsetHeight > 0;")  # fmt: skip
    assert shown


def test_index_has_a_verdict_row_per_claim_and_works_from_the_file_system(browser, site):
    reports, _ = site
    browser.get((reports / "index.html").as_uri())
    rows = browser.execute_script("return document.querySelectorAll('#verdicts tbody tr').length;")
    assert rows == len(catalogue.CLAIMS)
    count, broken = browser.execute_script(
        "const imgs = Array.from(document.images);"
        "return [imgs.length, imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)];"
    )
    cards = browser.execute_script("return document.querySelectorAll('.card').length;")
    assert cards == len(list(reports.glob("[0-9][0-9]-*.html")))
    assert count == cards and broken == [], f"{count} thumbnails for {cards} cards; broken: {broken}"
