"""``reportgen serve`` in a real browser: Debian's Chromium, driven through its chromedriver by Selenium.

A clerk's path end to end: 新建台账 → 上传台账 (a ledger with errors, then a good one) → the problems
table → 预览 (page images from the PDF, the tables as HTML) → 下载 (the .docx and .xlsx, opened and
checked) → 历史 → two periods side by side.  The server is the production one (waitress) on a free
local port; nothing is downloaded for the browser.  Skipped only when Chromium or chromedriver is not
installed (.ci/run installs both).  With ``REPORTGEN_SERVE_SCREENSHOTS=docs/images`` each page is
saved there as ``serve-<page>.png`` (``make screenshots``).
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

import reportgen
from reportgen.serve.app import close_app, create_app
from reportgen.serve.settings import Settings
from tests.conftest import JIALING

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs chromium and chromium-driver (.ci/run installs them)"
)
HAS_OFFICE = bool(shutil.which("soffice") and shutil.which("pdftoppm"))
WAIT_SECONDS = 300


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from waitress import create_server

    formats = ("docx", "xlsx", "html", "md", "pdf") if HAS_OFFICE else ("docx", "xlsx", "html", "md")
    app = create_app(Settings(data=tmp_path_factory.mktemp("data"), formats=formats))
    web = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{web.effective_port}"
    web.close()
    close_app(app)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.add_argument("--lang=zh-CN")
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "intl.accept_languages": "zh-CN,zh",
        },
    )
    # The browser's own words (the file chooser's button) follow the environment's language.
    chinese = {**os.environ, "LANGUAGE": "zh_CN", "LANG": "C.UTF-8"}  # C.UTF-8: names stay UTF-8
    service = Service(executable_path=str(CHROMEDRIVER), env=chinese)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def shoot(driver: WebDriver, name: str) -> None:
    """Save the whole page as ``serve-<name>.png`` when screenshots are asked for."""
    folder = os.environ.get("REPORTGEN_SERVE_SCREENSHOTS")
    if not folder:
        return
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 600), 2400))
    time.sleep(1)  # a sandboxed frame paints in its own process: let it repaint at the new size
    driver.save_screenshot(str(Path(folder) / f"serve-{name}.png"))
    driver.set_window_size(1280, 900)


def replaced(element: WebElement) -> Callable[[WebDriver], bool]:
    """``staleness_of``, also when Chrome reports the replaced page's node as not belonging to the
    document (a plain WebDriverException, not the StaleElementReferenceException Selenium waits for:
    a CI run failed on it mid-navigation)."""

    def gone(_: WebDriver) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error.msg):
                return True
            raise
        return False

    return gone


def click_and_load(driver: WebDriver, by: str, value: str) -> None:
    """Click what navigates, and wait until the next page has replaced this one."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(by, value).click()
    WebDriverWait(driver, 60).until(replaced(page))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")


def wait_for_result(driver: WebDriver) -> None:
    """Until the result page stops refreshing itself (the upload is checked, and rendered if it can be)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:  # the page reloads itself meanwhile: a look during a reload may fail
            if driver.find_elements(By.ID, "verdict"):
                return
        except WebDriverException:
            pass
        time.sleep(0.5)
    raise AssertionError("the upload did not finish")


def wait_for_file(folder: Path, suffix: str) -> Path:
    """The downloaded file once Chrome has finished it: Chrome may create the final name empty beside
    its ``.crdownload`` and fill it later, so wait until no download is running and the size holds."""
    deadline = time.monotonic() + 60
    last = -1
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(f"*{suffix}") if not p.name.endswith(".crdownload")]
        running = any(folder.glob("*.crdownload"))
        size = found[0].stat().st_size if found else -1
        if found and not running and size > 0 and size == last:
            return found[0]
        last = size
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded into {folder}")


def upload(driver: WebDriver, server: str, path: Path) -> None:
    driver.get(server + "/")
    driver.find_element(By.ID, "ledger").send_keys(str(path))
    click_and_load(driver, By.CSS_SELECTOR, "form button[type=submit]")


def test_a_clerk_uploads_sees_the_problems_previews_and_downloads(
    server: str, browser: WebDriver, downloads: Path, tmp_path: Path
) -> None:
    driver = browser
    driver.get(server + "/new")
    assert "新建台账" in driver.title
    shoot(driver, "new")
    driver.find_element(By.ID, "example-xlsx").click()
    example = wait_for_file(downloads, ".xlsx")
    assert example.read_bytes() == reportgen.new_ledger(tmp_path / "example.xlsx").read_bytes()
    example.unlink()

    # A ledger with an error: the problems table names the cell, and no report is made.
    ledger = reportgen.convert_ledger(JIALING, tmp_path / "嘉陵区2024年1-9月.xlsx")
    book = openpyxl.load_workbook(ledger)
    book["项目"]["G3"] = "六百五十一"
    broken = tmp_path / "嘉陵区（有错）.xlsx"
    book.save(broken)
    upload(driver, server, broken)
    shoot(driver, "progress")
    wait_for_result(driver)
    rows = driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    first = [cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")]
    assert first[:4] == ["错误", "RG112", "项目!G3", "六百五十一"]
    assert "未生成报告" in driver.find_element(By.ID, "verdict").text
    shoot(driver, "errors")

    # The good ledger: warnings listed, then preview and download.
    driver.get(server + "/")
    shoot(driver, "upload")
    upload(driver, server, ledger)
    wait_for_result(driver)
    verdict = driver.find_element(By.ID, "verdict").text
    assert "报告已生成" in verdict
    codes = [
        row.find_elements(By.TAG_NAME, "td")[1].text
        for row in driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr")
    ]
    assert {"RG201", "RG204", "RG205"} <= set(codes)
    shoot(driver, "problems")

    click_and_load(driver, By.LINK_TEXT, "预览")
    images = driver.find_elements(By.CSS_SELECTOR, ".pages img")
    if HAS_OFFICE:
        assert images and all(
            driver.execute_script("return arguments[0].naturalWidth", image) > 100 for image in images
        )
    frame = driver.find_element(By.CSS_SELECTOR, "iframe.report")
    driver.switch_to.frame(frame)
    assert "13168.00" in driver.find_element(By.TAG_NAME, "body").text
    driver.switch_to.default_content()
    shoot(driver, "preview")

    click_and_load(driver, By.LINK_TEXT, "下载")
    shoot(driver, "download")
    driver.find_element(By.ID, "download-docx").click()
    document = docx.Document(str(wait_for_file(downloads, ".docx")))
    assert any("发放低保金8123.0395万元" in p.text for p in document.paragraphs)
    assert document.tables[0].rows[3].cells[5].text == "13168.00"
    driver.find_element(By.ID, "download-xlsx").click()
    workbook = openpyxl.load_workbook(io.BytesIO(wait_for_file(downloads, ".xlsx").read_bytes()))
    assert workbook.worksheets[0]["F7"].value == 13168

    click_and_load(driver, By.LINK_TEXT, "历史")
    click_and_load(driver, By.LINK_TEXT, "嘉陵区民政局")
    listed = driver.find_element(By.CSS_SELECTOR, "table.list").text
    assert "嘉陵区2024年1-9月.xlsx" in listed and "嘉陵区（有错）.xlsx" not in listed

    # The first half of the year too, then the two periods side by side.
    half = tmp_path / "嘉陵区2024年1-6月.yaml"
    half.write_text(
        JIALING.read_text("utf-8").replace("月份: 1—9", "月份: 1—6").replace("数值: 8123.0395", "数值: 5000"),
        "utf-8",
    )
    upload(driver, server, half)
    wait_for_result(driver)
    driver.get(server + "/history?unit=嘉陵区民政局")
    shoot(driver, "history")
    # The form proposes the latest two periods, the earlier one first, whatever order they came in.
    assert "1-6月" in Select(driver.find_element(By.ID, "compare-a")).first_selected_option.text
    assert "1-9月" in Select(driver.find_element(By.ID, "compare-b")).first_selected_option.text
    click_and_load(driver, By.CSS_SELECTOR, "form.compare button")
    first = [
        cell.text
        for cell in driver.find_elements(By.CSS_SELECTOR, "#comparison tbody tr")[0].find_elements(
            By.TAG_NAME, "td"
        )
    ]
    assert first == ["发放低保金（低保金）", "5000万元", "8123.0395万元", "增加3123.0395万元", "增长62.46%"]
    shoot(driver, "compare")
