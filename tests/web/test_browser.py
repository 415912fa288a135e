"""The organiser's whole flow and an attendee's page in a real browser (headless Chromium,
Debian's package, driven by Playwright): bad upload -> error with its row -> fixed upload ->
run -> wall chart -> download opened with openpyxl -> publish -> attendee page and .ics.

Screenshots are kept in the test's temporary folder (and copied to $SIGMEET_SCREENSHOTS when
set). Under CI (CI=true) a missing browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from scheduler.registration.write import write_registration
from scheduler.web.serve import serve_in_thread, stop_serving
from tests.helpers.registration import valid_rows
from tests.web.conftest import PASSWORD, make_server

pytestmark = pytest.mark.slow
CHROMIUM = os.environ.get("SIGMEET_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_or_skip():
    missing = []
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if not Path(CHROMIUM).is_file():
        missing.append(CHROMIUM)
    if missing:
        why = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(why + " (CI must run them: .ci/run installs chromium)")
        pytest.skip(why)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    _browser_or_skip()
    from playwright.sync_api import sync_playwright

    folder = tmp_path_factory.mktemp("web-browser")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGMEET_ADMIN_PASSWORD", PASSWORD)
        srv = make_server(folder / "data", workers=1)
    httpd, base = serve_in_thread(srv)
    shots = folder / "screenshots"
    shots.mkdir()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield {"base": base, "browser": browser, "folder": folder, "shots": shots, "server": srv}
        browser.close()
    stop_serving(httpd)
    srv.shutdown()
    keep = os.environ.get("SIGMEET_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)


def shot(live, page, name: str) -> None:
    page.screenshot(path=str(live["shots"] / f"{name}.png"), full_page=True)


def test_organiser_flow_from_bad_upload_to_publish_and_the_attendee_page(live):
    base, folder = live["base"], live["folder"]
    sheets = valid_rows()
    sheets["Attendees"][1]["id"] = "A-1"  # duplicate id in Excel row 3
    bad = write_registration(folder / "registration.xlsx", sheets)
    context = live["browser"].new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)

    # Sign in with the keyboard only.
    page.goto(base + "/")
    assert "/login" in page.url
    # Chromium applies autofocus at its next rendering update, after goto returns: typing
    # before it can lose keystrokes (a fresh-clone CI run stayed on the sign-in page here), so
    # wait for the focus the page gives.
    page.wait_for_selector("#password:focus")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Events')")
    shot(live, page, "01-events-empty")

    # A workbook with an error: the report names the row and links to it.
    page.set_input_files("#workbook", str(bad))
    page.click("button:has-text('Upload and check')")
    page.wait_for_selector("text=cannot be scheduled until they are fixed")
    row_link = page.locator("table.problems a:has-text('row 3')").first
    assert row_link.is_visible()
    shot(live, page, "02-validation-errors")
    row_link.click()
    page.wait_for_selector("tr#row-3.error")
    assert page.locator("tr#row-3 td.note").inner_text().strip()
    shot(live, page, "03-sheet-row-marked")
    page.go_back()

    # The corrected workbook, uploaded as version 2.
    sheets["Attendees"][1]["id"] = "A-2"
    fixed = write_registration(folder / "registration-fixed.xlsx", sheets)
    page.set_input_files("#workbook", str(fixed))
    page.click("button:has-text('Upload and check')")
    page.wait_for_selector("text=ready to schedule")
    shot(live, page, "04-validation-ok")

    # Run with a short time limit; the page follows the progress and shows the results.
    page.fill("#time_limit", "2")
    page.click("button:has-text('Schedule this version')")
    page.wait_for_selector("button#publish", timeout=90_000)
    assert page.locator("svg.chart").count() == 2
    shot(live, page, "05-results")

    page.click("nav.tabs >> text=Wall chart")
    page.wait_for_selector("table.grid")
    assert page.locator("table.grid td.meet").count() >= 2
    assert "Ann (Acme)" in page.locator("table.grid").inner_text()
    shot(live, page, "06-wall-chart")

    page.click("nav.tabs >> text=Unscheduled pairs")
    page.fill("#filter", "no-such-name")
    assert page.locator("#shown").inner_text() == "0"
    page.fill("#filter", "")

    page.click("nav.tabs >> text=Summary")
    with page.expect_download() as info:
        page.click("a:has-text('schedule.xlsx')")
    saved = folder / "downloaded-schedule.xlsx"
    info.value.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    assert wb["Meetings"].max_row >= 3 and "Grid" in wb.sheetnames

    page.click("button#publish")
    page.wait_for_selector("text=Published: each attendee's personal link")
    shot(live, page, "07-published-links")
    link = page.locator("a.token").first.get_attribute("href")
    context.close()

    # The attendee, on a phone, without signing in.
    phone = live["browser"].new_context(
        accept_downloads=True, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    mine = phone.new_page()
    mine.goto(base + link)
    assert mine.locator("h1").inner_text() == "Ann"
    items = mine.locator("ol.agenda li.item")
    assert items.count() >= 1
    assert "Table" in items.first.inner_text() or "Panel" in items.first.inner_text()
    width = mine.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
    shot(live, mine, "08-attendee-phone")
    with mine.expect_download() as info:
        mine.click("a:has-text('Download calendar file')")
    ics = folder / "ann.ics"
    info.value.save_as(ics)
    cal = Calendar.from_ical(ics.read_bytes())
    assert str(cal["METHOD"]) == "PUBLISH" and cal.walk("VEVENT")
    feed = mine.locator("#feed").input_value()
    assert feed.startswith(base + "/feed/") and feed.endswith(".ics")
    phone.close()
