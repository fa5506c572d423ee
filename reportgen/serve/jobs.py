"""Renders off the request path: a few threads, each driving one bounded worker process.

An upload is only stored and queued by the request; a thread of ``JobPool`` takes it, and each step
(check, every format, the page images) runs in the thread's worker process from
``reportgen.batch.worker``: the same child that ``reportgen render`` uses to bound a ledger, killed
when a step is over its time or memory (RG505, RG506) and replaced for the next upload.  It is reached
directly rather than through ``render_batch`` because the web page needs the check's problems as
structured rows (code, place, value, expected), which a batch summary reduces to a line of text.

The steps are written to the database as they go, so the upload's page can show progress; uploads a
stopped server left unfinished are queued again when it starts.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence

from reportgen.batch.worker import Limits, Stopped, Worker, call
from reportgen.serve import unit
from reportgen.serve.settings import DEFAULT_FORMATS, FORMAT_LABELS
from reportgen.serve.storage import DONE, FAILED, REJECTED, Storage

log = logging.getLogger(__name__)


class JobPool:
    """``workers`` threads taking uploads from a queue; ``submit`` returns at once."""

    def __init__(self, storage: Storage, formats: Sequence[str], limits: Limits, workers: int = 2) -> None:
        self.storage = storage
        self.formats = tuple(f for f in DEFAULT_FORMATS if f in formats)
        self.limits = limits
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._closing = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"reportgen-serve-{n}", daemon=True)
            for n in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()
        for upload_id in storage.unfinished():
            self.submit(upload_id)

    def submit(self, upload_id: str) -> None:
        self._queue.put(upload_id)

    def pending(self) -> int:
        """Uploads waiting for a free worker (the progress page says how many)."""
        return self._queue.qsize()

    def close(self) -> None:
        """Let the threads finish their current upload, then stop them and their workers.  Uploads
        still queued stay queued in the database: the next start runs them."""
        self._closing.set()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()

    def _run(self) -> None:
        slot = WorkerSlot(self.limits)
        try:
            while (upload_id := self._queue.get()) is not None:
                if self._closing.is_set():
                    continue
                try:
                    self._process(slot, upload_id)
                except Stopped as stop:
                    slot.drop()  # killed with what it ran; the next upload gets a fresh one
                    self.storage.finish(upload_id, FAILED, stop.code, stop.message)
                except Exception:  # a bug of ours: logged for IT, a coded Chinese line for the clerk
                    log.exception("upload %s failed", upload_id)
                    slot.kill()  # its state is unknown: the next upload gets a fresh one
                    self.storage.finish(upload_id, FAILED, "RG501", "生成报告时发生内部错误，已记入服务日志")
        finally:
            if slot.worker is not None:
                slot.worker.stop()

    def _process(self, slot: WorkerSlot, upload_id: str) -> None:
        storage = self.storage
        upload = storage.upload(upload_id)
        if upload is None:
            return
        ledger = str(storage.ledger_path(upload_id, upload.suffix))
        name = upload.original_name
        chosen = upload.choices.for_report()
        storage.set_step(upload_id, "检查台账")
        checked = call(slot.get(), unit.check, ledger, name, chosen)
        if not checked["ok"]:
            storage.finish(upload_id, REJECTED, checked["code"], checked["message"], checked["problems"])
            return
        period = (checked["period"], checked["period_order"])
        storage.set_checked(
            upload_id, checked["unit"], checked["title"], period, checked["problems"], checked["figures"]
        )
        folder = storage.reports_folder(upload_id)
        notes: list[str] = []
        noticed: list[dict[str, str]] = []  # what making the formats noticed (RG412 for a PDF's fonts)
        first_code = ""  # of the first format not made
        made_any = False
        for fmt in self.formats:
            storage.set_step(upload_id, f"生成{FORMAT_LABELS[fmt]}")
            # A format stopped over time or memory (a slow PDF) is a note like a missing LibreOffice:
            # the formats already made stand.
            try:
                made = call(slot.get(), unit.render, ledger, name, chosen, fmt, str(folder))
            except Stopped as stop:
                slot.drop()
                made = {"ok": False, "code": stop.code, "message": stop.message}
            if not made["ok"]:
                log.warning("upload %s: no %s: %s", upload_id, fmt, made["message"])
                notes.append(f"{made['code']} 未能生成{FORMAT_LABELS[fmt]}：{made['message']}")
                first_code = first_code or made["code"]
                continue
            made_any = True
            file_name = made["file"]
            storage.add_report(upload_id, fmt, file_name, made["size"])
            noticed += made.get("notices", [])
            if fmt == "pdf":
                storage.set_step(upload_id, "生成页面图片")
                try:
                    pages = call(slot.get(), unit.draw_pages, str(folder / file_name), str(folder / "pages"))
                except Stopped as stop:
                    slot.drop()
                    log.warning("upload %s: page images stopped: %s", upload_id, stop.message)
                    notes.append(f"{stop.code} 未能生成页面图片：{stop.message}")
                except RuntimeError as error:
                    log.warning("upload %s: no page images: %s", upload_id, error)
                    notes.append("未能生成页面图片（服务器上可能没有安装 poppler-utils）")
                else:
                    storage.add_pages(upload_id, pages)
        if not made_any and notes:  # not one report: a failure the clerk is told of, not a finished upload
            storage.finish(upload_id, FAILED, first_code, "；".join(notes))
            return
        problems = unit.errors_first(checked["problems"] + noticed) if noticed else None
        storage.finish(upload_id, DONE, message="；".join(notes), problems=problems)


class WorkerSlot:
    """A thread's child process, started when first needed and replaced after one is stopped or killed
    (a stopped child is gone: calling it again would only say RG504)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.worker: Worker | None = None

    def get(self) -> Worker:
        if self.worker is None:
            self.worker = Worker(self.limits)
        return self.worker

    def drop(self) -> None:
        self.worker = None

    def kill(self) -> None:
        if self.worker is not None:
            self.worker.kill()
        self.worker = None
