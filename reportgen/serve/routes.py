"""The pages: 新建台账, 上传台账 (and its result: progress, then the problems table), 预览, 下载, 历史.

Views only read the request, the database and the files; the work happens in ``jobs``.  Files are
found by the upload's random id and the names the database recorded, never by a name from the request.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, send_file, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from reportgen.kinds import Kind
from reportgen.serve import choices, examples, security
from reportgen.serve.compare import compare
from reportgen.serve.errors import ServeError, human_size
from reportgen.serve.jobs import JobPool
from reportgen.serve.settings import FORMAT_LABELS
from reportgen.serve.storage import FINISHED, Storage, Upload, is_id
from reportgen.serve.unit import MAX_PAGES

pages = Blueprint("serve", __name__)

LEDGER_SUFFIXES = (".xlsx", ".yaml", ".yml")
MAX_NAME_CHARS = 80
STATUS_TEXT = {
    "queued": "排队中",
    "running": "处理中",
    "done": "已生成",
    "rejected": "台账有错误，未生成",
    "failed": "生成失败",
}


@dataclass(frozen=True)
class State:
    """What every view reaches: the data folder, its database and the worker pool."""

    data: Path
    storage: Storage
    jobs: JobPool
    access: security.Access


def _state() -> State:
    state: State = current_app.extensions["reportgen"]
    return state


@pages.app_template_filter("when")
def when(timestamp: float | None) -> str:
    return "" if timestamp is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


@pages.app_template_filter("size")
def size_filter(size: int) -> str:
    return human_size(size)


@pages.app_context_processor
def labels() -> dict[str, object]:
    return {"FORMAT_LABELS": FORMAT_LABELS, "STATUS_TEXT": STATUS_TEXT}


# -- 新建台账 ------------------------------------------------------------------------------------------


@pages.get("/new")
def new() -> str:
    return render_template(
        "new.html", kinds=choices.kinds(), name=examples.download_name, has_example=examples.has_example
    )


@pages.get("/new/<fmt>")
def new_download(fmt: str) -> BaseResponse:
    return _example(None, fmt)


@pages.get("/new/<kind_id>/<fmt>")
def new_kind_download(kind_id: str, fmt: str) -> BaseResponse:
    """The example ledger with the kind's 类型 (``kind_id``: the pack's folder id)."""
    kind = examples.kind_by_id(kind_id)
    if kind is None:
        raise ServeError("RG605", 404)
    return _example(kind, fmt)


def _example(kind: Kind | None, fmt: str) -> BaseResponse:
    if fmt not in examples.FORMATS:
        raise ServeError("RG605", 404)
    data = examples.example_bytes(kind.id if kind is not None else None, fmt)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=examples.download_name(kind, fmt))


# -- 上传台账 ------------------------------------------------------------------------------------------


@pages.get("/")
def index() -> str:
    return render_template(
        "upload.html",
        recent=_state().storage.uploads(limit=10),
        kinds=choices.kinds(),
        charts=choices.CHARTS,
        scripts=choices.SCRIPTS,
    )


def display_name(sent: str) -> str:
    """The uploaded file's name as text to show: its last path part, without control characters,
    shortened (the server stores the bytes under an id and never uses this as a path)."""
    name = re.split(r"[\\/]", sent)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "台账"
    path = Path(name)
    stem = path.stem[: MAX_NAME_CHARS - len(path.suffix)]
    return stem + path.suffix.lower()


@pages.post("/upload")
def upload() -> BaseResponse:
    sent = request.files.get("ledger")
    if sent is None or not sent.filename:
        raise ServeError("RG608")
    name = display_name(sent.filename)
    suffix = Path(name).suffix
    if suffix not in LEDGER_SUFFIXES:
        raise ServeError("RG607")
    chosen = choices.from_form(request.form)
    if chosen is None:
        raise ServeError("RG601")
    data = sent.read()
    if not data:
        raise ServeError("RG608")
    state = _state()
    digest = hashlib.sha256(data).hexdigest()
    upload_id = state.storage.add_upload(name, suffix, data, digest, security.current_user(), chosen)
    state.jobs.submit(upload_id)
    return redirect(url_for("serve.result", upload_id=upload_id), 303)


def _upload(upload_id: str) -> Upload:
    found = _state().storage.upload(upload_id) if is_id(upload_id) else None
    if found is None:
        raise ServeError("RG605", 404)
    return found


@pages.get("/uploads/<upload_id>")
def result(upload_id: str) -> str:
    """While the upload is worked on: its progress (the page reloads itself); then the problems."""
    found = _upload(upload_id)
    storage = _state().storage
    return render_template(
        "result.html",
        upload=found,
        finished=found.status in FINISHED,
        waiting=_state().jobs.pending(),
        reports=storage.reports(upload_id),
        errors=sum(row["level"] == "错误" for row in found.problems),
    )


# -- 预览 ----------------------------------------------------------------------------------------------


@pages.get("/uploads/<upload_id>/preview")
def preview(upload_id: str) -> str:
    found = _upload(upload_id)
    storage = _state().storage
    formats = {report.format for report in storage.reports(upload_id)}
    return render_template(
        "preview.html",
        upload=found,
        has_html="html" in formats,
        has_pdf="pdf" in formats,
        pages=range(1, len(storage.pages(upload_id)) + 1),
        max_pages=MAX_PAGES,
    )


@pages.get("/uploads/<upload_id>/view")
def view(upload_id: str) -> BaseResponse:
    """The report's HTML output, for the preview's frame: sandboxed, nothing in it runs."""
    response = _report_file(upload_id, "html", as_attachment=False)
    response.headers["Content-Security-Policy"] = security.REPORT_POLICY
    return response


@pages.get("/uploads/<upload_id>/pages/<int:number>")
def page_image(upload_id: str, number: int) -> BaseResponse:
    _upload(upload_id)
    images = _state().storage.pages(upload_id)
    if not 1 <= number <= len(images):
        raise ServeError("RG605", 404)
    return send_file(_state().storage.reports_folder(upload_id) / "pages" / images[number - 1], "image/png")


# -- 下载 ----------------------------------------------------------------------------------------------


@pages.get("/uploads/<upload_id>/download")
def download(upload_id: str) -> str:
    found = _upload(upload_id)
    return render_template("download.html", upload=found, reports=_state().storage.reports(upload_id))


def _report_file(upload_id: str, fmt: str, *, as_attachment: bool = True) -> BaseResponse:
    _upload(upload_id)
    for report in _state().storage.reports(upload_id):
        if report.format == fmt:
            path = _state().storage.reports_folder(upload_id) / report.file_name
            return send_file(path, as_attachment=as_attachment, download_name=report.file_name)
    raise ServeError("RG605", 404)


@pages.get("/uploads/<upload_id>/files/<fmt>")
def report_file(upload_id: str, fmt: str) -> BaseResponse:
    return _report_file(upload_id, fmt)


@pages.get("/uploads/<upload_id>/all.zip")
def all_formats(upload_id: str) -> BaseResponse:
    _upload(upload_id)
    storage = _state().storage
    reports = storage.reports(upload_id)
    if not reports:
        raise ServeError("RG605", 404)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            archive.write(storage.reports_folder(upload_id) / report.file_name, report.file_name)
    buffer.seek(0)
    stem = Path(reports[0].file_name).stem
    return send_file(buffer, "application/zip", as_attachment=True, download_name=f"{stem}-全部格式.zip")


@pages.get("/uploads/<upload_id>/ledger")
def ledger_file(upload_id: str) -> BaseResponse:
    """The ledger as it was uploaded, under the name it was uploaded with."""
    found = _upload(upload_id)
    path = _state().storage.ledger_path(upload_id, found.suffix)
    return send_file(path, as_attachment=True, download_name=found.original_name)


# -- 历史 ----------------------------------------------------------------------------------------------


@pages.get("/history")
def history() -> str:
    storage = _state().storage
    unit = request.args.get("unit")
    uploads = storage.uploads(unit, limit=200)
    # Oldest period first; the form proposes the newest upload of each of the latest two different
    # periods (a period uploaded twice is not compared with itself unless it is the only one).
    comparable = sorted((u for u in uploads if u.figures), key=lambda u: (u.period_order, u.created))
    comparable = comparable if unit is not None else []
    later = comparable[-1] if comparable else None
    earlier = next(
        (u for u in reversed(comparable) if later is not None and u.period_order != later.period_order),
        comparable[-2] if len(comparable) >= 2 else None,
    )
    return render_template(
        "history.html",
        units=storage.units(),
        unit=unit,
        uploads=uploads,
        comparable=comparable,
        earlier=earlier,
        later=later,
    )


@pages.get("/history/compare")
def compare_periods() -> str:
    """Two uploads of one unit side by side (the earlier ``a``, the later ``b``)."""
    earlier, later = _upload(request.args.get("a", "")), _upload(request.args.get("b", ""))
    if not earlier.unit or earlier.unit != later.unit:
        raise ServeError("RG610")
    return render_template("compare.html", earlier=earlier, later=later, rows=compare(earlier, later))


# -- 登录 ----------------------------------------------------------------------------------------------


@pages.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    access = _state().access
    target = security.local_target(request.values.get("next"))
    if not access.required:
        return redirect(target)
    if request.method == "POST":
        form = request.form
        if security.log_in(access, form.get("name"), form.get("password"), form.get("token")):
            return redirect(target, 303)
        return render_template("login.html", next=target, access=access, wrong=True), 403
    return render_template("login.html", next=target, access=access, wrong=False)


@pages.post("/logout")
def logout() -> BaseResponse:
    session.clear()
    return redirect(url_for("serve.login") if _state().access.required else url_for("serve.index"), 303)
