"""Every error of the web application as a Chinese page with its code, never a traceback.

The codes RG6xx belong to the web application (``reportgen.base.errors.CODES`` holds their titles,
docs/errors.md and docs/serve.md list them); a ledger's own problems keep
their RG1xx–RG5xx codes and are shown in the problems table, not here.  An unexpected exception is
logged with its traceback for IT and shown to the clerk as RG609 only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from reportgen.base.errors import CODES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageError:
    code: str
    title: str
    advice: str


# What the clerk can do about each page error; the titles come from ``CODES``, the one list of codes.
ADVICE: dict[str, str] = {
    "RG601": "请回到首页重新操作。",
    "RG602": "请刷新页面后重新提交（每个表单只认本浏览器打开的页面）。",
    "RG603": "台账文件不能超过 {limit}；请检查是否选错了文件。",
    "RG604": "请向管理服务器的同事索取口令或账号后再登录。",
    "RG605": "链接可能输错了，或该记录已被删除；请从“历史”重新打开。",
    "RG606": "请通过页面上的按钮操作。",
    "RG607": "请上传 Excel 台账（.xlsx）或 YAML 台账（.yaml、.yml）。",
    "RG608": "请先点“选择文件”选好台账，再点“上传并检查”。",
    "RG609": "这不是台账的问题；请把本页的代码告诉管理服务器的同事。",
    "RG610": "请在“历史”中先选定单位，再选两个期间。",
}
PAGE_ERRORS: dict[str, PageError] = {
    code: PageError(code, CODES[code][0], advice) for code, advice in ADVICE.items()
}
_BY_STATUS = {400: "RG601", 401: "RG604", 403: "RG604", 404: "RG605", 405: "RG606", 413: "RG603"}


class ServeError(Exception):
    """An error a view raises on purpose: shown as the page of ``code`` with HTTP ``status``."""

    def __init__(self, code: str, status: int = 400) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def human_size(size: float) -> str:
    for unit in ("字节", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "字节" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def error_page(code: str, status: int, app: Flask) -> tuple[str, int]:
    error = PAGE_ERRORS[code]
    limit = human_size(app.config.get("MAX_CONTENT_LENGTH") or 0)
    return render_template("error.html", error=error, advice=error.advice.format(limit=limit)), status


def install(app: Flask) -> None:
    @app.errorhandler(ServeError)
    def on_serve_error(error: ServeError) -> tuple[str, int]:
        return error_page(error.code, error.status, app)

    @app.errorhandler(HTTPException)
    def on_http(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        if status >= 500:
            return error_page("RG609", 500, app)
        code = "RG602" if error.description == "csrf" else _BY_STATUS.get(status, "RG601")
        return error_page(code, status if status in _BY_STATUS else 400, app)

    @app.errorhandler(Exception)
    def on_bug(error: Exception) -> tuple[str, int]:
        log.exception("unexpected error")
        return error_page("RG609", 500, app)
