"""``reportgen serve`` through Flask's test client: upload → problems → download, and its safety rules.

The renders run in real bounded worker processes (``reportgen.batch.worker``), as in production; the
tests leave PDF out (LibreOffice is slow and tested in test_pdf.py and the browser test).
"""

from __future__ import annotations

import io
import os
import pwd
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

import reportgen
from reportgen import cli
from reportgen.base.resources import builtin_templates
from reportgen.batch.worker import Limits
from reportgen.kinds import find_kinds
from reportgen.render.pdf.soffice import pdf_available
from reportgen.serve.app import close_app, create_app
from reportgen.serve.choices import Choices
from reportgen.serve.settings import Settings
from reportgen.serve.storage import DATABASE_NAME, MIGRATIONS, Storage
from reportgen.serve.users import UsersFileError, hash_password, password_matches, read_users
from tests.conftest import JIALING, SAMPLES

FORMATS = ("docx", "xlsx", "html", "md")
WAIT_SECONDS = 240.0


def make_app(data: Path, **settings: object) -> Flask:
    return create_app(Settings(data=data, formats=FORMATS, **settings))  # type: ignore[arg-type]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    application = make_app(tmp_path / "data")
    yield application
    close_app(application)


def csrf(client: FlaskClient, path: str = "/") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def upload(client: FlaskClient, data: bytes, name: str, **choices: str) -> str:
    """POST the ledger as a browser would, with the report choices of the form; the result page's path."""
    response = client.post(
        "/upload",
        data={"csrf_token": csrf(client), "ledger": (io.BytesIO(data), name), **choices},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.text
    return str(response.headers["Location"])


def finished(client: FlaskClient, result: str) -> str:
    """The result page once the upload is no longer queued or running (it stops refreshing itself)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        page = client.get(result)
        assert page.status_code == 200
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.2)
    raise AssertionError(f"{result} did not finish in {WAIT_SECONDS} s")


def problem_rows(page: str) -> list[list[str]]:
    """The problems table as text: 级别, 代码, 单元格/位置, 当前值, 应填, 说明."""
    body = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"level-[^\"]+\">(.*?)</tr>", body, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
    ]


def download(client: FlaskClient, result: str, fmt: str) -> bytes:
    response = client.get(f"{result}/files/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    return bytes(response.data)


def excel_ledger(tmp_path: Path, sample: Path = JIALING) -> bytes:
    """The sample as the Excel ledger ``reportgen convert`` makes of it."""
    return reportgen.convert_ledger(sample, tmp_path / (sample.stem + ".xlsx"), force=True).read_bytes()


def test_yaml_sample_shows_its_findings_and_reports(app: Flask) -> None:
    client = app.test_client()
    result = upload(client, JIALING.read_bytes(), "嘉陵.yaml")
    page = finished(client, result)
    assert "报告已生成" in page
    assert "<h1>南充市嘉陵区民政局关于2024年1—9月民生实事推进情况的报告</h1>" in page  # the title rendered
    assert "<th>级别</th><th>代码</th><th>单元格/位置</th><th>当前值</th><th>应填</th>" in page
    rows = problem_rows(page)
    codes = {row[1] for row in rows}
    assert {"RG201", "RG202", "RG203", "RG204", "RG205"} <= codes  # what the sample's header lists
    levels = [row[0] for row in rows]
    assert levels == sorted(levels, key=["错误", "警告", "提示"].index)  # errors first
    assert any(row[2] == "一览表.项目[3].实际拨付" for row in rows)
    download_page = client.get(f"{result}/download").text
    for fmt in FORMATS:
        assert f'id="download-{fmt}"' in download_page
    text = download(client, result, "md").decode("utf-8")
    assert "发放低保金8123.0395万元" in text


def test_excel_ledger_downloads_open_with_the_figures(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    result = upload(client, excel_ledger(tmp_path), "嘉陵区2024年1-9月.xlsx")
    assert "报告已生成" in finished(client, result)
    document = docx.Document(io.BytesIO(download(client, result, "docx")))
    assert any("发放低保金8123.0395万元" in p.text for p in document.paragraphs)
    assert document.tables[0].rows[3].cells[5].text == "13168.00"  # 第1项计划安排资金, 1.3168亿元 in 万元
    assert client.get(f"{result}/files/docx").headers["Cache-Control"] == "no-store"
    book = openpyxl.load_workbook(io.BytesIO(download(client, result, "xlsx")))
    assert book.worksheets[0]["F7"].value == 13168
    response = client.get(f"{result}/all.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(Path(n).suffix for n in archive.namelist()) == [".docx", ".html", ".md", ".xlsx"]
        assert all(n.startswith("嘉陵区2024年1-9月") for n in archive.namelist())
    preview = client.get(f"{result}/preview").text
    assert "<iframe" in preview and 'sandbox src="' in preview
    view = client.get(f"{result}/view")
    assert view.headers["Content-Security-Policy"].startswith("sandbox")
    assert "13168.00" in view.text
    history = client.get("/history?unit=嘉陵区民政局").text
    assert "嘉陵区2024年1-9月.xlsx" in history and "2024年1—9月" in history
    assert client.get(f"{result}/ledger").data == excel_ledger(tmp_path)


def docx_pictures(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [name for name in archive.namelist() if name.startswith("word/media/")]


def test_the_report_choices_of_the_page_make_the_reports_and_are_kept(app: Flask) -> None:
    client = app.test_client()
    form = client.get("/").text
    for kind in ("重点工作", "新闻发布", "民生实事"):
        assert f'<option value="{kind}">' in form  # the kinds of `reportgen kinds`
    assert '<option value="hant-hk">' in form and '<option value="no">否</option>' in form
    plain = upload(client, JIALING.read_bytes(), "嘉陵.yaml")
    chosen = upload(
        client, JIALING.read_bytes(), "嘉陵繁体.yaml", kind="民生实事", charts="yes", script="hant"
    )
    assert "报告已生成" in finished(client, plain)
    page = finished(client, chosen)
    assert "报告已生成" in page and "报告选项：类型：民生实事；附图表：是；繁体" in page
    plain_docx, chosen_docx = download(client, plain, "docx"), download(client, chosen, "docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(chosen_docx)).paragraphs)
    assert "發放低保金" in text and "发放低保金" not in text  # Traditional characters
    assert "发放低保金" in "\n".join(p.text for p in docx.Document(io.BytesIO(plain_docx)).paragraphs)
    assert not docx_pictures(plain_docx) and docx_pictures(chosen_docx)  # the charts are pictures
    history = client.get("/history?unit=嘉陵区民政局").text
    assert "类型：民生实事；附图表：是；繁体" in history and '<td class="choices">按台账</td>' in history


def test_a_kind_the_ledger_cannot_satisfy_is_a_problem_not_a_crash(app: Flask) -> None:
    ledger = "\n".join(
        [
            "标题: 测试局关于工作的报告",
            "落款: 测试局",
            "填报单位: 测试局",
            "成文日期: 2024-10-10",
            "期间: {年度: 2024, 月份: 前三季度}",
            "正文: [{标题: 主要工作, 段落: [今年完成了工作。]}]",
        ]
    )
    client = app.test_client()
    result = upload(client, ledger.encode(), "无指标.yaml", kind="重点工作")
    page = finished(client, result)
    assert "未生成报告" in page
    assert [row[1] for row in problem_rows(page)] == ["RG104"]
    assert "指标" in problem_rows(page)[0][2]
    refused = client.post(
        "/upload",
        data={"csrf_token": csrf(client), "ledger": (io.BytesIO(b"x"), "a.yaml"), "script": "klingon"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400 and "RG601" in refused.text


def test_a_ledger_with_errors_lists_them_by_cell_and_makes_no_report(app: Flask, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(io.BytesIO(excel_ledger(tmp_path)))
    book["项目"]["G3"] = "六百五十一"
    broken = io.BytesIO()
    book.save(broken)
    client = app.test_client()
    result = upload(client, broken.getvalue(), "嘉陵.xlsx")
    page = finished(client, result)
    assert "未生成报告" in page
    rows = problem_rows(page)
    assert rows[0][:4] == ["错误", "RG112", "项目!G3", "六百五十一"]  # text where a figure goes: a reference
    assert rows[0][4]  # 应填: the figures it could name
    assert client.get(f"{result}/download").text.count('id="download-') == 0
    assert "/tmp" not in page and str(tmp_path) not in page  # no server path in what the clerk sees


@pytest.mark.parametrize(("drawn", "says"), [(3, "共 3 页"), (30, "前 30 页")])
def test_the_preview_says_when_only_the_first_pages_are_drawn(app: Flask, drawn: int, says: str) -> None:
    from types import SimpleNamespace

    from flask import render_template

    stub = SimpleNamespace(id="0" * 32, title="t", status="done", original_name="a.yaml", size=1, created=0)
    with app.test_request_context():
        page = render_template(
            "preview.html", upload=stub, has_html=False, has_pdf=True, pages=range(1, drawn + 1), max_pages=30
        )
    assert f"页面（PDF，{says}）" in page


def test_two_periods_of_a_unit_side_by_side(app: Flask) -> None:
    client = app.test_client()
    text = JIALING.read_text("utf-8")
    earlier = text.replace("月份: 1—9", "月份: 1—6").replace("数值: 8123.0395", "数值: 5000")
    first = upload(client, earlier.encode("utf-8"), "嘉陵2024上半年.yaml")
    finished(client, first)
    second = upload(client, JIALING.read_bytes(), "嘉陵2024前三季度.yaml")
    finished(client, second)
    again = upload(client, JIALING.read_bytes(), "嘉陵2024前三季度.yaml")
    finished(client, again)
    history = client.get("/history?unit=嘉陵区民政局").text
    selected = re.findall(r'<option value="([^"]+)" selected>', history)
    assert selected == [first[9:], again[9:]]  # the two latest different periods, the newest upload of each
    page = client.get(f"/history/compare?a={first[9:]}&b={second[9:]}").text
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(<td>.*?)</tr>", page.split('id="comparison"')[1], re.S)
    ]
    assert ["发放低保金（低保金）", "5000万元", "8123.0395万元", "增加3123.0395万元", "增长62.46%"] in rows
    assert ["重度残疾人护理补贴总人数", "8509人", "8509人", "持平", "持平"] in rows  # a 合计, computed
    other = upload(client, b"x: [", "broken.yaml")
    finished(client, other)
    assert "RG610" in client.get(f"/history/compare?a={first[9:]}&b={other[9:]}").text


def test_new_ledger_downloads_are_the_init_examples(app: Flask, tmp_path: Path) -> None:
    client = app.test_client()
    assert "新建台账" in client.get("/new").text
    workbook = client.get("/new/xlsx")
    assert workbook.headers["Content-Disposition"].startswith("attachment")
    assert workbook.data == reportgen.new_ledger(tmp_path / "a.xlsx").read_bytes()
    assert client.get("/new/yaml").data == reportgen.new_ledger(tmp_path / "a.yaml").read_bytes()
    assert client.get("/new/exe").status_code == 404


def test_new_ledger_of_each_kind_is_the_example_with_its_kind(app: Flask, tmp_path: Path) -> None:
    """Every built-in kind has its example, made from the installed example ledger (the kinds' own
    samples are only in the repository); uploaded as it is, it makes that kind of report."""
    client = app.test_client()
    page = client.get("/new").text
    kinds = re.findall(r'id="example-([a-z-]+)-xlsx"', page)
    # the table-first kinds need a 表格, which the example has not: their samples are in the repository
    table_first = {"notice", "publicity", "self-evaluation"}
    assert set(re.findall(r'id="no-example-([a-z-]+)"', page)) == table_first
    assert set(kinds) == {kind.id for kind in find_kinds((), builtin_templates())} - table_first
    assert client.get("/new/notice/yaml").status_code == 404
    for kind in find_kinds((), builtin_templates()):
        if kind.id in table_first:
            continue
        workbook = client.get(f"/new/{kind.id}/xlsx")
        assert workbook.status_code == 200
        sent_name = urllib.parse.quote(f"台账示例-{kind.type_name}.xlsx")
        assert sent_name in workbook.headers["Content-Disposition"]
        path = tmp_path / f"{kind.id}.xlsx"
        path.write_bytes(workbook.data)
        assert reportgen.load(path).ledger.kind == kind.type_name
        text = client.get(f"/new/{kind.id}/yaml").data.decode("utf-8")
        assert f"\n类型: {kind.type_name}\n" in text and text.startswith("# 示例台账")
    result = upload(client, client.get("/new/key-tasks/xlsx").data, "台账示例-重点工作.xlsx")
    assert "报告已生成" in finished(client, result)
    assert client.get("/new/no-such-kind/xlsx").status_code == 404
    assert client.get("/new/key-tasks/exe").status_code == 404


def test_a_post_without_the_csrf_token_is_refused_and_stores_nothing(app: Flask) -> None:
    client = app.test_client()
    client.get("/")
    for token in (None, "forged"):
        data: dict[str, object] = {"ledger": (io.BytesIO(JIALING.read_bytes()), "嘉陵.yaml")}
        if token:
            data["csrf_token"] = token
        response = client.post("/upload", data=data, content_type="multipart/form-data")
        assert response.status_code == 400
        assert "RG602" in response.text and "Traceback" not in response.text
    other = app.test_client()  # another browser's token is not this one's
    response = other.post(
        "/upload",
        data={"csrf_token": csrf(client), "ledger": (io.BytesIO(b"x"), "a.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert app.extensions["reportgen"].storage.uploads() == []


def test_an_upload_over_the_limit_is_refused(tmp_path: Path) -> None:
    application = make_app(tmp_path / "data", max_upload_bytes=4096)
    try:
        client = application.test_client()
        response = client.post(
            "/upload",
            data={"csrf_token": csrf(client), "ledger": (io.BytesIO(b"#" * 10_000), "big.yaml")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 413
        assert "RG603" in response.text and "4.0 KB" in response.text
        assert application.extensions["reportgen"].storage.uploads() == []
        assert not (tmp_path / "data" / "uploads").exists()
    finally:
        close_app(application)


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [("台账.docx", b"PK", "RG607"), ("台账.yaml", b"", "RG608"), ("", b"x", "RG608")],
)
def test_wrong_uploads_get_a_coded_page(app: Flask, name: str, data: bytes, code: str) -> None:
    client = app.test_client()
    response = client.post(
        "/upload",
        data={"csrf_token": csrf(client), "ledger": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and code in response.text


def test_every_code_the_web_application_uses_is_in_the_one_list() -> None:
    """The pages' codes and titles come from ``CODES`` (docs/errors.md lists each of them)."""
    from reportgen.base.errors import CODES
    from reportgen.serve.errors import PAGE_ERRORS

    folder = Path(reportgen.__file__).parent / "serve"
    used = {
        code
        for path in [*folder.rglob("*.py"), *folder.rglob("*.html")]
        for code in re.findall(r"RG\d{3}", path.read_text("utf-8"))
    }
    assert {"RG601", "RG609", "RG505"} <= used
    assert used - set(CODES) == set()
    assert {code: error.title for code, error in PAGE_ERRORS.items()} == {
        code: CODES[code][0] for code in PAGE_ERRORS
    }


def test_errors_are_chinese_pages_with_a_code_never_a_traceback(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    for path in ("/nothing", "/uploads/" + "0" * 32, "/uploads/../../etc/passwd", "/uploads/x/files/docx"):
        response = client.get(path)
        assert response.status_code == 404 and "RG605" in response.text
    assert client.put("/upload").status_code == 405

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Storage, "units", broken)
    response = client.get("/history")
    assert response.status_code == 500
    assert "RG609" in response.text and "a bug" not in response.text and "Traceback" not in response.text


def test_the_shared_token_guards_every_page(tmp_path: Path) -> None:
    application = make_app(tmp_path / "data", token="春季台账")
    try:
        client = application.test_client()
        response = client.get("/history")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        token = csrf(client, "/login")
        wrong = client.post("/login", data={"csrf_token": token, "token": "猜", "next": "/history"})
        assert wrong.status_code == 403 and "RG604" in wrong.text
        right = client.post(
            "/login", data={"csrf_token": token, "token": "春季台账", "next": "//evil.example/"}
        )
        assert right.status_code == 303 and right.headers["Location"] == "/"
        assert client.get("/history").status_code == 200
    finally:
        close_app(application)


def test_users_log_in_with_their_own_password_and_their_uploads_say_who(tmp_path: Path) -> None:
    users_file = tmp_path / "users.toml"
    users_file.write_text(f'[users]\n"张三" = "{hash_password("民政局2024春")}"\n', "utf-8")
    application = make_app(tmp_path / "data", users=read_users(users_file))
    try:
        client = application.test_client()
        assert client.get("/").status_code == 302
        token = csrf(client, "/login")
        for name, password in (("张三", "猜一猜"), ("李四", "民政局2024春"), ("张三", None)):
            form = {"csrf_token": token, "name": name, "next": "/"}
            if password is not None:
                form["password"] = password
            refused = client.post("/login", data=form)
            assert refused.status_code == 403 and "RG604 用户名或密码不对" in refused.text
        assert (
            client.post(
                "/login", data={"csrf_token": token, "name": "张三", "password": "民政局2024春"}
            ).status_code
            == 303
        )
        result = upload(client, JIALING.read_bytes(), "嘉陵.yaml")
        page = finished(client, result)
        assert "上传人：张三" in page and "退出" in page
        assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 303
        assert client.get(result).status_code == 302  # logged out: back to the login
    finally:
        close_app(application)


@pytest.mark.parametrize(
    ("text", "says"),
    [("", "没有 [users] 表"), ('[users]\n"张三" = "明文密码"\n', "不是密码散列"), ("[users\n", "格式不对")],
)
def test_a_users_file_that_cannot_be_used_is_said_so(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "users.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(UsersFileError, match=re.escape(says)):
        read_users(path)


def test_the_password_hash_line_for_the_users_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "民政局2024春")
    assert cli.main(["serve", "--hash-password"]) == 0
    line = capsys.readouterr().out
    hashed = re.search(r'= "([^"]+)"', line)
    assert hashed and password_matches({"用户名": hashed.group(1)}, "用户名", "民政局2024春")


def test_the_server_refuses_to_listen_beyond_this_machine_without_a_login(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["serve", "--host", "0.0.0.0"]) == 2
    assert "RG410" in capsys.readouterr().err


def test_waitress_refuses_a_body_past_the_upload_limit_before_reading_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import waitress

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: calls.append(options))
    monkeypatch.setattr("signal.signal", lambda *args: None)
    assert cli.main(["serve", "--data", str(tmp_path / "data"), "--max-upload-mb", "3"]) == 0
    assert calls[0]["max_request_body_size"] == 3 * 1024 * 1024 + 64 * 1024


def test_uploads_before_the_choices_migration_keep_the_ledgers_own_choices(tmp_path: Path) -> None:
    old = Storage(tmp_path)
    old.close()
    (tmp_path / DATABASE_NAME).unlink()
    with sqlite3.connect(tmp_path / DATABASE_NAME) as db:  # a database of the first release
        db.executescript(MIGRATIONS[0] + "; CREATE TABLE schema_version (version INTEGER NOT NULL);")
        db.execute("INSERT INTO schema_version VALUES (1)")
        db.execute(
            "INSERT INTO uploads (id, original_name, suffix, size, sha256, created, status)"
            " VALUES (?, 'a.yaml', '.yaml', 1, '0', 0, 'done')",
            ("0" * 32,),
        )
    storage = Storage(tmp_path)
    found = storage.upload("0" * 32)
    assert found is not None and found.choices.describe() == "按台账"
    assert found.choices.for_report() == reportgen.ReportChoices()
    storage.close()


def assert_upload_failed_over_time(application: Flask) -> None:
    """Upload the jialing ledger: its page says 生成失败, RG505, 超过时限."""
    try:
        client = application.test_client()
        page = finished(client, upload(client, JIALING.read_bytes(), "嘉陵.yaml"))
        assert "生成失败" in page and "RG505" in page and "超过时限" in page
    finally:
        close_app(application)


def test_an_upload_over_its_time_is_stopped_and_said_so(tmp_path: Path) -> None:
    assert_upload_failed_over_time(make_app(tmp_path / "data", limits=Limits(seconds=0.01, memory_mib=None)))


def test_a_pdf_stopped_over_its_time_leaves_the_other_formats_done(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from reportgen.batch.worker import Stopped
    from reportgen.batch.worker import call as real_call
    from reportgen.serve import unit

    def call(worker: object, function: object, *arguments: object) -> object:
        if function is unit.render and "pdf" in arguments:
            raise Stopped("RG505", "超过时限")
        return real_call(worker, function, *arguments)  # type: ignore[arg-type]

    monkeypatch.setattr("reportgen.serve.jobs.call", call)
    application = create_app(Settings(data=tmp_path / "data", formats=(*FORMATS, "pdf")))
    try:
        client = application.test_client()
        result = upload(client, JIALING.read_bytes(), "嘉陵.yaml")
        page = finished(client, result)
        assert "报告已生成" in page and "RG505" in page, page
        assert docx.Document(io.BytesIO(download(client, result, "docx"))).paragraphs
        assert client.get(f"{result}/files/pdf").status_code == 404
        again = finished(client, upload(client, JIALING.read_bytes(), "嘉陵.yaml"))
        assert "报告已生成" in again and "RG504" not in again  # the next upload gets a fresh worker
    finally:
        close_app(application)


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice missing")
def test_the_fonts_a_pdf_substituted_are_listed_with_the_problems(tmp_path: Path) -> None:
    """RG412 in the web page as on the command line: the PDF printed the official fonts with others
    (here the documented free fallbacks, so one 提示), and the clerk sees which."""
    application = create_app(Settings(data=tmp_path / "data", formats=("docx", "pdf")))
    try:
        client = application.test_client()
        page = finished(client, upload(client, JIALING.read_bytes(), "嘉陵.yaml"))
        assert "报告已生成" in page and "RG412" in page and "Noto Serif CJK SC" in page, page
        assert "RG202" in page  # the check's own findings are still there
    finally:
        close_app(application)


def test_uploads_left_unfinished_by_a_stopped_server_run_at_the_next_start(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "data")
    upload_id = storage.add_upload("嘉陵.yaml", ".yaml", JIALING.read_bytes(), "0")
    storage.set_step(upload_id, "检查台账")  # the server stopped here
    storage.close()
    application = make_app(tmp_path / "data")
    try:
        assert "报告已生成" in finished(application.test_client(), f"/uploads/{upload_id}")
    finally:
        close_app(application)


def test_twenty_concurrent_uploads_all_finish_correct(app: Flask, tmp_path: Path) -> None:
    samples = sorted(SAMPLES.glob("*.yaml"))
    ledgers = [(path.stem + ".yaml", path.read_bytes()) for path in samples]
    ledgers.append(("嘉陵.xlsx", excel_ledger(tmp_path)))
    wanted = [ledgers[n % len(ledgers)] for n in range(20)]
    expected = {name: reportgen.loads(data, name).to_bytes("md") for name, data in ledgers}
    results: dict[int, str] = {}
    failures: list[BaseException] = []

    def one(number: int) -> None:
        try:
            client = app.test_client()
            name, data = wanted[number]
            result = upload(client, data, name)
            assert "报告已生成" in finished(client, result)
            results[number] = result
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    client = app.test_client()
    for number, result in results.items():
        name, _ = wanted[number]
        assert download(client, result, "md") == expected[name], name
    assert len(set(results.values())) == 20


# -- the storage over both databases: SQLite, and a throwaway PostgreSQL server ----------------------------


def postgresql_binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    found = [path.parent for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
    return max(found, key=lambda folder: int(folder.parent.name)) if found else None


@pytest.fixture(scope="session")
def postgresql_socket() -> Iterator[Path]:
    """A PostgreSQL cluster in a temporary folder, listening only on a unix socket there, for this run.

    initdb refuses to run as root, so under root (CI) the cluster belongs to the ``postgres`` user the
    Debian package creates (``nobody`` without it).  Skipped only when the binaries are absent.
    """
    binaries = postgresql_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="rg-pg-"))  # short: a socket path has at most 107 bytes
    owner: str | None = None
    if os.geteuid() == 0:
        owner = next(name for name in ("postgres", "nobody") if _user_exists(name))
        os.chown(folder, pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid)
    data, log = folder / "data", folder / "server.log"

    def run(*command: str | Path) -> None:
        subprocess.run([str(c) for c in command], user=owner, check=True, capture_output=True, timeout=120)

    run(binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
    run(
        binaries / "pg_ctl",
        "-D",
        data,
        "-l",
        log,
        "-w",
        "-o",
        f"-k {folder} -c listen_addresses= -F",
        "start",
    )
    try:
        yield folder
    finally:
        run(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> str | None:
    """``None`` (the SQLite file in the data folder) or the URL of a new, empty PostgreSQL database."""
    if request.param == "sqlite":
        return None
    import psycopg

    socket: Path = request.getfixturevalue("postgresql_socket")
    name = "test_" + os.urandom(6).hex()
    with psycopg.connect(f"postgresql://postgres@/postgres?host={socket}", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={socket}"


def test_the_storage_keeps_units_uploads_reports_and_pages(database: str | None, tmp_path: Path) -> None:
    storage = Storage(tmp_path, database)
    first = storage.add_upload("一.yaml", ".yaml", b"a", "0", "张三", Choices("重点工作", "yes", "hant"))
    second = storage.add_upload("二.xlsx", ".xlsx", b"bb", "1")
    assert storage.unfinished() == [first, second]
    storage.set_step(first, "检查台账")
    figures = [{"id": "a", "name": "甲", "value": "1.5", "unit": "万元"}]
    problems = [{"level": "警告", "code": "RG202", "place": "项目!G3"}]
    for upload_id in (first, second):  # one unit: created once
        storage.set_checked(upload_id, "某局", "标题", ("2024年1—9月", "2024-01-09"), problems, figures)
    for fmt in ("md", "docx", "md"):  # made again: replaced, not doubled
        storage.add_report(first, fmt, f"报告.{fmt}", 10)
    storage.add_pages(first, ["page-1.png", "page-2.png"])
    storage.finish(first, "done", message="好")
    found = storage.upload(first)
    assert found is not None
    assert (found.unit, found.status, found.message, found.uploaded_by) == ("某局", "done", "好", "张三")
    assert found.problems == problems and found.figures == figures and found.size == 1
    assert found.choices == Choices("重点工作", "yes", "hant") and found.seconds is not None
    assert isinstance(found.created, float) and found.created == pytest.approx(time.time(), abs=60)
    assert [r.format for r in storage.reports(first)] == ["docx", "md"]  # the formats' order
    assert storage.pages(first) == ["page-1.png", "page-2.png"]
    assert storage.unfinished() == [second]
    assert [(name, count) for name, count, _ in storage.units()] == [("某局", 2)]
    assert [u.id for u in storage.uploads("某局")] == [second, first]  # newest first
    assert storage.uploads("别的局") == [] and storage.upload("0" * 32) is None
    storage.close()
    reopened = Storage(tmp_path, database)  # migrated already: nothing changes, nothing is lost
    assert reopened.version() == len(MIGRATIONS) and reopened.upload(first) == found
    reopened.close()


def test_the_storage_migrations_run_once_on_both_databases(database: str | None, tmp_path: Path) -> None:
    storage = Storage(tmp_path, database)
    upload_id = storage.add_upload("a.yaml", ".yaml", b"x", "0")
    storage.close()
    later = (*MIGRATIONS, "ALTER TABLE uploads ADD COLUMN note TEXT NOT NULL DEFAULT ''")
    reopened = Storage(tmp_path, database)
    assert reopened.migrate(later) == len(later) and reopened.version() == len(later)
    assert reopened.upload(upload_id) is not None and reopened.unfinished() == [upload_id]
    assert reopened._query("SELECT note FROM uploads") == [{"note": ""}]
    reopened.close()
    with pytest.raises(RuntimeError, match="升级"):
        Storage(tmp_path, database)  # a database newer than this program is not touched


def test_the_application_runs_on_either_database(database: str | None, tmp_path: Path) -> None:
    application = make_app(tmp_path / "data", database=database)
    try:
        client = application.test_client()
        result = upload(client, JIALING.read_bytes(), "嘉陵.yaml", script="hant")
        assert "报告已生成" in finished(client, result)
        assert "發放低保金8123.0395萬元" in download(client, result, "md").decode("utf-8")
        assert (
            "嘉陵.yaml" in client.get("/history?unit=南充市嘉陵区民政局").text + client.get("/history").text
        )
    finally:
        close_app(application)
    if database is None:
        assert (tmp_path / "data" / DATABASE_NAME).exists()
    else:
        assert not (tmp_path / "data" / DATABASE_NAME).exists()  # the files only, the rows in PostgreSQL


def test_a_database_that_cannot_be_opened_is_said_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--database", "mysql://x/y"]) == 2
    assert "RG410 数据库地址应以 postgresql:// 开头" in capsys.readouterr().err


def test_the_comparison_words_and_rounds_like_the_report() -> None:
    """Two periods compared with reportgen.numbers: 四舍五入 (not half-even), 个百分点 for a rate, "—"
    for a zero base, nothing for units that differ, and each value as the report prints it."""
    from types import SimpleNamespace

    from reportgen.serve.compare import compare

    def upload(*figures: tuple[str, str, str, str]) -> SimpleNamespace:
        return SimpleNamespace(
            figures=[{"id": i, "name": i, "value": v, "unit": u, "shown": s} for i, v, u, s in figures]
        )

    earlier = upload(
        ("a", "8", "人", "8人"), ("r", "35", "%", "35.0%"), ("z", "0", "户", "0户"), ("m", "5", "元", "5元")
    )
    later = upload(
        ("a", "8.002", "人", "8.002人"),  # +0.025 % exactly: half-even would print 0.02%, 四舍五入 0.03%
        ("r", "35.705", "%", "35.7%"),
        ("z", "4", "户", "4户"),
        ("m", "5", "万元", "5万元"),
    )
    earlier.figures.append({"id": "q", "name": "q", "value": "1000", "unit": "元", "shown": "1000.00元"})
    later.figures.append(
        {"id": "q", "name": "q", "value": "1333.333333333333333333333333", "unit": "元", "shown": "1333.33元"}
    )
    rows = {row.name: (row.earlier, row.later, row.change, row.percent) for row in compare(earlier, later)}
    assert rows["q"] == ("1000.00元", "1333.33元", "增加333.33元", "增长33.33%")  # rounded as printed
    assert rows["a"] == ("8人", "8.002人", "增加0.002人", "增长0.03%")
    assert rows["r"] == ("35.0%", "35.7%", "提高0.7个百分点", "")  # to the rates' printed decimal
    assert rows["z"] == ("0户", "4户", "增加4户", "—")
    assert rows["m"] == ("5元", "5万元", "", "")


def test_an_upload_whose_every_report_is_stopped_has_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger checks within its time but each format is stopped: not one report, so the page says
    生成失败 with the first reason (it used to say 已完成 with nothing to download)."""
    from reportgen.batch import worker
    from reportgen.serve import jobs

    real_call = jobs.call

    def stop_renders(child: worker.Worker, function: object, *args: object) -> object:
        if function is jobs.unit.render:
            raise worker.Stopped("RG505", "超过时限 0.01 秒仍未完成，已停止该单位")
        return real_call(child, function, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(jobs, "call", stop_renders)
    assert_upload_failed_over_time(make_app(tmp_path / "data"))
