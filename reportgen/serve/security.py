"""Safe on an office network: CSRF tokens, the optional shared token, the upload limit, strict headers.

- Every POST carries the session's CSRF token (a hidden field every form gets from ``csrf_token()``);
  one without it, or with another session's, is refused (RG602) before anything is read or stored.
- With ``--token`` every page but the login asks for the shared token once per browser session
  (compared in constant time); without it, anyone who can reach the port can use the pages, which is
  why the server listens on 127.0.0.1 unless told otherwise.
- The request body is capped (``MAX_CONTENT_LENGTH``): a larger upload is refused (RG603) while it is
  read, never stored.
- The session is Flask's signed cookie (HttpOnly, SameSite=Lax), signed with the data folder's key.
- Responses forbid sniffing and framing by other sites; a report's own HTML, shown inside the preview,
  is served with a CSP sandbox so nothing in it runs or reaches out.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

CSRF_FIELD = "csrf_token"
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'"
)
# A rendered report: its own inline styles and embedded chart images, nothing else, nothing run.
REPORT_POLICY = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)
OPEN_ENDPOINTS = frozenset({"serve.login", "static"})


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def token_matches(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def install(app: Flask, token: str | None, max_upload_bytes: int) -> None:
    """Put the checks in front of every view of ``app``."""
    app.config.update(
        MAX_CONTENT_LENGTH=max_upload_bytes,
        MAX_FORM_MEMORY_SIZE=max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="reportgen_session",
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["login_required"] = token is not None

    @app.before_request
    def check_request() -> BaseResponse | None:
        if request.method == "POST":
            expected = session.get(CSRF_FIELD)
            # Reading the form reads the body: past MAX_CONTENT_LENGTH this raises 413 (RG603).
            if not isinstance(expected, str) or not token_matches(request.form.get(CSRF_FIELD), expected):
                abort(400, description="csrf")
        if token is not None and request.endpoint not in OPEN_ENDPOINTS and not session.get("authorized"):
            return redirect(url_for("serve.login", next=request.full_path))
        return None

    @app.after_request
    def harden(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if response.mimetype == "text/html" or request.path.startswith("/uploads/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def log_in(given: object, token: str) -> bool:
    """Mark this browser session authorized when ``given`` is the shared token."""
    if not token_matches(given, token):
        return False
    session.clear()  # a new session (and CSRF token) once authorized: no fixation
    session["authorized"] = True
    return True


def local_target(target: str | None) -> str:
    """Where to go after the login: only a path on this site (never another host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
