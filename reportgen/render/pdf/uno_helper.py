"""The UNO end of ``pool``: run by LibreOffice's own Python (the one that has ``uno``), never by ours.

Our interpreter (a venv, any version) cannot load ``pyuno``: it is built against the system Python
(Debian's python3-uno) or ships inside LibreOffice.  So each warm LibreOffice gets one small helper
process running this file under that Python; the pool copies the file into the worker's temporary
folder and runs it by path (standard library and ``uno`` only, Python 3.8+).

Arguments: the office's pipe name, how long to wait for it, then the worker folder and the office's
socket paths (removed when orphaned, see below).  The helper connects to the office through the pipe
(retrying until the office listens or the wait runs out), says ``{"ready": true}``, then answers one
JSON line on stdout for each JSON line on stdin::

    {"source": "/tmp/…/1.docx", "target": "/tmp/…/1.pdf", "filter": "writer_pdf_Export", "settings": {}}
    → {"ok": true}  or  {"ok": false, "error": "…", "lost": false}

``lost`` is true when the office no longer answers (crashed or killed).  ``{"quit": true}`` asks the
office to terminate.  End of input (or, while connecting, a new parent) means the pool's process is
gone without closing us: the helper then leaves the process group, kills it (the office the pool
started in it), and removes the worker folder and sockets, so nothing is left behind.  Anything
UNO prints goes to stderr; the protocol owns stdout.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Mapping
from typing import Any

# Load hidden and read-only, run no macros (NEVER_EXECUTE), update no links (NO_UPDATE).
_LOAD = {"Hidden": True, "ReadOnly": True, "MacroExecutionMode": 0, "UpdateDocMode": 0}


def _properties(uno: Any, values: Mapping[str, object]) -> tuple[Any, ...]:
    result = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name = name
        prop.Value = value
        result.append(prop)
    return tuple(result)


def _describe(exc: BaseException) -> str:
    message = str(getattr(exc, "Message", "") or exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _connect(uno: Any, pipe: str, wait: float, leftovers: list[str]) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    parent = os.getppid()
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:  # NoConnectException until the office listens
            if os.getppid() != parent:
                _orphaned(leftovers)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _orphaned(leftovers: list[str]) -> None:
    """Our pool's process is gone without closing us: take the office (our process group) down, then
    remove what the pool would have removed (the worker folder, then the office's sockets).

    The office dies first, and we leave its group to outlive it: a folder removed while the office
    still runs gets new files (its profile, its temporary files) behind ``rmtree``'s back, which left
    the folder in place on a busy machine.  Killed processes may take a moment to stop writing, so
    removal is retried for a bounded time."""
    folder, *sockets = leftovers
    group = os.getpgid(0)
    try:
        os.setpgid(0, 0)
    except OSError:  # cannot leave: remove what we can, then go down with the office
        _remove(folder, sockets)
        os.killpg(group, signal.SIGKILL)
        return
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)
    deadline = time.monotonic() + _REMOVAL_WAIT
    while True:
        _remove(folder, sockets)
        if not os.path.lexists(folder) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    os._exit(0)


_REMOVAL_WAIT = 15.0  # seconds to keep removing the folder while the killed office winds down


def _remove(folder: str, sockets: list[str]) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    for path in sockets:
        with contextlib.suppress(OSError):
            os.unlink(path)


def _convert(uno: Any, desktop: Any, request: dict[str, Any]) -> None:
    source = uno.systemPathToFileUrl(request["source"])
    target = uno.systemPathToFileUrl(request["target"])
    document = desktop.loadComponentFromURL(source, "_blank", 0, _properties(uno, _LOAD))
    if document is None:
        raise RuntimeError("source file could not be loaded")
    try:
        store: dict[str, object] = {"FilterName": request["filter"]}
        settings: dict[str, object] = request.get("settings") or {}
        if settings:  # the filter's own settings travel as a typed sequence (``soffice.export_settings``)
            store["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue", _properties(uno, settings))
        uno.invoke(document, "storeToURL", (target, _properties(uno, store)))
    finally:
        try:
            document.close(True)
        except Exception:
            document.dispose()


def _responsive(desktop: Any) -> bool:
    try:
        desktop.getFrames()
    except Exception:
        return False
    return True


def main(argv: list[str]) -> int:
    pipe, wait, leftovers = argv[1], float(argv[2]), argv[3:]
    reply = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray output from UNO or LibreOffice must not corrupt the protocol

    def send(message: dict[str, object]) -> None:
        reply.write(json.dumps(message, ensure_ascii=False) + "\n")
        reply.flush()

    try:
        uno = importlib.import_module("uno")
        desktop = _connect(uno, pipe, wait, leftovers)
    except Exception as exc:
        send({"ok": False, "error": _describe(exc), "lost": True})
        return 1
    send({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            with contextlib.suppress(Exception):  # the bridge dies with the office: that is the point
                desktop.terminate()
            return 0
        try:
            _convert(uno, desktop, request)
        except Exception as exc:
            lost = not _responsive(desktop)
            send({"ok": False, "error": _describe(exc), "lost": lost})
            if lost:
                return 1
        else:
            send({"ok": True})
    _orphaned(leftovers)  # end of input
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
