"""Safe on an office network: CSRF tokens, the optional shared token, the upload limit, strict headers.

- Every POST carries the session's CSRF token (a hidden field every form gets from ``csrf_token()``);
  one without it, or with another session's, is refused (RG602) before anything is read or stored.
- With ``--users`` (names and password hashes, ``users``) or ``--token`` (one shared token) every page
  but the login asks who is there once per browser session (both compared in constant time); without
  either, anyone who can reach the port can use the pages, which is why the server then listens on
  127.0.0.1 only.
- The request body is capped (``MAX_CONTENT_LENGTH``): a larger upload is refused (RG603) while it is
  read, never stored.
- The session is Flask's signed cookie (HttpOnly, SameSite=Lax), signed with the data folder's key.
- Responses forbid sniffing and framing by other sites; a report's own HTML, shown inside the preview,
  is served with a CSP sandbox so nothing in it runs or reaches out.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, request, session, url_for
from werkzeug.wrappers import Response as BaseResponse

from reportgen.serve.users import password_matches

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
USER = "user"  # the session's key for who logged in
SHARED = "共享口令"  # the name recorded for whoever logged in with the shared token


@dataclass(frozen=True)
class Access:
    """Who may use the pages: the shared token, the users (name → password hash), or anyone."""

    token: str | None = None
    users: dict[str, str] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.token is not None or bool(self.users)


def csrf_token() -> str:
    """This session's CSRF token, made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def token_matches(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def install(app: Flask, access: Access, max_upload_bytes: int) -> None:
    """Put the checks in front of every view of ``app``."""
    app.config.update(
        MAX_CONTENT_LENGTH=max_upload_bytes,
        MAX_FORM_MEMORY_SIZE=max_upload_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="reportgen_session",
    )
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_user"] = current_user

    @app.before_request
    def check_request() -> BaseResponse | None:
        if request.method == "POST":
            expected = session.get(CSRF_FIELD)
            # Reading the form reads the body: past MAX_CONTENT_LENGTH this raises 413 (RG603).
            if not isinstance(expected, str) or not token_matches(request.form.get(CSRF_FIELD), expected):
                abort(400, description="csrf")
        if access.required and request.endpoint not in OPEN_ENDPOINTS and not session.get(USER):
            return redirect(url_for("serve.login", next=request.full_path))
        return None

    @app.after_request
    def harden(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        if request.path.startswith("/uploads/"):
            # Overwritten, not defaulted: send_file sets ``no-cache``, which still lets a shared
            # office computer's browser keep a unit's report on disk.
            response.headers["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def log_in(access: Access, name: object, password: object, token: object) -> str | None:
    """Who logs in (a user's name, or ``SHARED``), recorded in a fresh session; ``None`` when the
    password or the token is wrong."""
    if access.users and password_matches(access.users, name, password):
        who = str(name)
    elif access.token is not None and token_matches(token, access.token):
        who = SHARED
    else:
        return None
    session.clear()  # a new session (and CSRF token) once logged in: no fixation
    session[USER] = who
    return who


def current_user() -> str:
    """Who uses this session ("" without a login)."""
    who = session.get(USER)
    return who if isinstance(who, str) else ""


def local_target(target: str | None) -> str:
    """Where to go after the login: only a path on this site (never another host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target
