"""What the web application keeps: a database of units, uploads and reports, files beside it.

Layout under ``--data`` (nothing else is ever written there)::

    reportgen.sqlite3      units, uploads, reports, the schema version (unless ``--database`` names a
                           PostgreSQL database: then they are kept there, the files still here)
    secret.key             signs the session cookies (created once, 0600)
    uploads/<id>/ledger.xlsx|.yaml
    reports/<id>/<name>.<ext>, reports/<id>/pages/page-<n>.png

An upload is known only by the random id the server gave it; the name the browser sent is kept as text
to show, never used as a path.  The schema carries a version and ``MIGRATIONS`` are applied in order
when the application starts, each in one transaction, so an upgrade keeps every upload and report.
The SQL is written once for both databases (``database`` holds what differs between SQLite and
PostgreSQL), used through one connection under a lock.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from reportgen.serve.choices import BY_LEDGER, DEFAULT_SCRIPT, NO_CHOICES, Choices
from reportgen.serve.database import Database, Row, open_database
from reportgen.serve.settings import DEFAULT_FORMATS

DATABASE_NAME = "reportgen.sqlite3"
SECRET_NAME = "secret.key"

# MIGRATIONS[n] brings the schema from version n to n + 1.  Append; never edit one that has shipped.
# Portable SQL only (SQLite and PostgreSQL; database.py maps the column types REAL and INTEGER PRIMARY KEY).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created REAL NOT NULL
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        unit_id INTEGER REFERENCES units(id),
        original_name TEXT NOT NULL,
        suffix TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created REAL NOT NULL,
        status TEXT NOT NULL,
        step TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        period TEXT NOT NULL DEFAULT '',
        period_order TEXT NOT NULL DEFAULT '',
        code TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        problems TEXT NOT NULL DEFAULT '[]',
        figures TEXT NOT NULL DEFAULT '[]',
        finished REAL,
        uploaded_by TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX uploads_by_unit ON uploads(unit_id, created);
    CREATE TABLE reports (
        upload_id TEXT NOT NULL REFERENCES uploads(id),
        format TEXT NOT NULL,
        file_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (upload_id, format)
    );
    CREATE TABLE pages (
        upload_id TEXT NOT NULL REFERENCES uploads(id),
        number INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        PRIMARY KEY (upload_id, number)
    );
    """,
    # The report choices of the upload page (serve.choices): "" is the ledger's own 类型 or 图表.
    """
    ALTER TABLE uploads ADD COLUMN kind TEXT NOT NULL DEFAULT '';
    ALTER TABLE uploads ADD COLUMN charts TEXT NOT NULL DEFAULT '';
    ALTER TABLE uploads ADD COLUMN script TEXT NOT NULL DEFAULT 'hans'
    """,
)

# An upload's life: queued → running → done (reports made) | rejected (the ledger has errors) | failed.
QUEUED, RUNNING, DONE, REJECTED, FAILED = "queued", "running", "done", "rejected", "failed"
FINISHED = (DONE, REJECTED, FAILED)


@dataclass(frozen=True)
class Upload:
    """One uploaded ledger and what became of it (``problems``: rows for the problems table)."""

    id: str
    unit: str
    original_name: str
    suffix: str
    size: int
    created: float
    status: str
    step: str
    title: str
    period: str
    code: str
    message: str
    problems: list[dict[str, str]] = field(default_factory=list)
    finished: float | None = None
    uploaded_by: str = ""  # who was logged in ("" without a login)
    period_order: str = ""  # YYYY-MM-MM of the period's first and last month: sorts periods
    figures: list[dict[str, str]] = field(default_factory=list)  # id, name, value, unit
    kind: str = BY_LEDGER  # the report choices made on the upload page (serve.choices)
    charts: str = BY_LEDGER
    script: str = DEFAULT_SCRIPT

    @property
    def choices(self) -> Choices:
        return Choices(self.kind, self.charts, self.script)

    @property
    def seconds(self) -> float | None:
        """Upload to finished reports, in seconds: what a clerk waits."""
        return None if self.finished is None else self.finished - self.created


@dataclass(frozen=True)
class StoredReport:
    format: str
    file_name: str
    size: int


def new_id() -> str:
    """A random id: 128 bits, URL- and file-name-safe, unguessable (one upload's link is not another's)."""
    return secrets.token_hex(16)


def is_id(text: str) -> bool:
    return len(text) == 32 and all(c in "0123456789abcdef" for c in text)


class Storage:
    """The database and the files of one ``--data`` folder; ``database``: a PostgreSQL URL instead of
    the SQLite file in the folder."""

    def __init__(self, root: Path, database: str | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = open_database(database, root / DATABASE_NAME)
        self.migrate()

    # -- schema ---------------------------------------------------------------------------------------

    def version(self) -> int:
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            rows = self._db.execute("SELECT version FROM schema_version")
            return int(rows[0]["version"]) if rows else 0

    def migrate(self, migrations: Sequence[str] = MIGRATIONS) -> int:
        """Apply the migrations this database has not had yet, each in its own transaction."""
        current = self.version()
        if current > len(migrations):
            raise RuntimeError(f"数据库的版本 {current} 比本程序（{len(migrations)}）新：请升级 reportgen")
        with self._lock:
            for number in range(current, len(migrations)):
                self._db.begin()
                try:
                    for statement in migrations[number].split(";"):
                        if statement.strip():
                            self._db.migrate(statement)
                    self._db.execute("DELETE FROM schema_version")
                    self._db.execute("INSERT INTO schema_version VALUES (?)", (number + 1,))
                    self._db.commit()
                except BaseException:
                    self._db.rollback()
                    raise
        return len(migrations)

    @contextmanager
    def _transaction(self) -> Iterator[Database]:
        with self._lock:
            self._db.begin()
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            self._db.commit()

    def _query(self, sql: str, arguments: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._db.execute(sql, arguments)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- files ----------------------------------------------------------------------------------------

    def secret_key(self) -> bytes:
        """The key that signs session cookies: kept, so a restart does not log everyone out."""
        path = self.root / SECRET_NAME
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        return key

    def ledger_path(self, upload_id: str, suffix: str) -> Path:
        return self.root / "uploads" / upload_id / ("ledger" + suffix)

    def reports_folder(self, upload_id: str) -> Path:
        return self.root / "reports" / upload_id

    # -- uploads --------------------------------------------------------------------------------------

    def add_upload(
        self,
        original_name: str,
        suffix: str,
        data: bytes,
        sha256: str,
        uploaded_by: str = "",
        choices: Choices = NO_CHOICES,
    ) -> str:
        """Keep the bytes under a new id and record the upload as queued, with the reports' choices."""
        upload_id = new_id()
        path = self.ledger_path(upload_id, suffix)
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO uploads (id, original_name, suffix, size, sha256, created, status, uploaded_by,"
                " kind, charts, script) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    upload_id,
                    original_name,
                    suffix,
                    len(data),
                    sha256,
                    time.time(),
                    QUEUED,
                    uploaded_by,
                    choices.kind,
                    choices.charts,
                    choices.script,
                ),
            )
        return upload_id

    def set_step(self, upload_id: str, step: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE uploads SET status = ?, step = ? WHERE id = ?", (RUNNING, step, upload_id))

    def set_checked(
        self,
        upload_id: str,
        unit: str,
        title: str,
        period: tuple[str, str],
        problems: list[dict[str, str]],
        figures: list[dict[str, str]],
    ) -> None:
        """What the check found, and whose ledger it is (the unit is created on its first upload);
        ``period`` is the period as text and its sort key (``Upload.period_order``)."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO units (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (unit, time.time()),
            )
            unit_id = db.execute("SELECT id FROM units WHERE name = ?", (unit,))[0]["id"]
            db.execute(
                "UPDATE uploads SET unit_id = ?, title = ?, period = ?, period_order = ?, problems = ?,"
                " figures = ? WHERE id = ?",
                (unit_id, title, *period, _json(problems), _json(figures), upload_id),
            )

    def add_report(self, upload_id: str, fmt: str, file_name: str, size: int) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO reports VALUES (?, ?, ?, ?) ON CONFLICT (upload_id, format)"
                " DO UPDATE SET file_name = excluded.file_name, size = excluded.size",
                (upload_id, fmt, file_name, size),
            )

    def add_pages(self, upload_id: str, file_names: Sequence[str]) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM pages WHERE upload_id = ?", (upload_id,))
            db.execute_many(
                "INSERT INTO pages VALUES (?, ?, ?)",
                [(upload_id, number, name) for number, name in enumerate(file_names, 1)],
            )

    def finish(
        self,
        upload_id: str,
        status: str,
        code: str = "",
        message: str = "",
        problems: list[dict[str, str]] | None = None,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE uploads SET status = ?, step = '', code = ?, message = ?, finished = ? WHERE id = ?",
                (status, code, message, time.time(), upload_id),
            )
            if problems is not None:
                db.execute("UPDATE uploads SET problems = ? WHERE id = ?", (_json(problems), upload_id))

    def unfinished(self) -> list[str]:
        """Uploads a stopped server left queued or running: they are run again at start."""
        rows = self._query(
            "SELECT id FROM uploads WHERE status IN (?, ?) ORDER BY created", (QUEUED, RUNNING)
        )
        return [row["id"] for row in rows]

    def upload(self, upload_id: str) -> Upload | None:
        rows = self._query(
            "SELECT uploads.*, COALESCE(units.name, '') AS unit FROM uploads"
            " LEFT JOIN units ON units.id = uploads.unit_id WHERE uploads.id = ?",
            (upload_id,),
        )
        return _upload(rows[0]) if rows else None

    def reports(self, upload_id: str) -> list[StoredReport]:
        """The upload's reports in the order they are made (the formats' order: .docx first)."""
        rows = self._query("SELECT format, file_name, size FROM reports WHERE upload_id = ?", (upload_id,))
        made = [StoredReport(row["format"], row["file_name"], row["size"]) for row in rows]
        order = {fmt: number for number, fmt in enumerate(DEFAULT_FORMATS)}
        return sorted(made, key=lambda report: order.get(report.format, len(order)))

    def pages(self, upload_id: str) -> list[str]:
        rows = self._query("SELECT file_name FROM pages WHERE upload_id = ? ORDER BY number", (upload_id,))
        return [row["file_name"] for row in rows]

    # -- history --------------------------------------------------------------------------------------

    def units(self) -> list[tuple[str, int, float]]:
        """Every unit with its number of uploads and the time of the latest, newest first."""
        rows = self._query(
            "SELECT units.name, COUNT(uploads.id) AS count, MAX(uploads.created) AS latest FROM units"
            " JOIN uploads ON uploads.unit_id = units.id GROUP BY units.id ORDER BY latest DESC"
        )
        return [(row["name"], row["count"], row["latest"]) for row in rows]

    def uploads(self, unit: str | None = None, limit: int = 200) -> list[Upload]:
        """A unit's uploads (``None``: everyone's), newest first."""
        where, arguments = ("WHERE units.name = ?", [unit]) if unit is not None else ("", [])
        rows = self._query(
            "SELECT uploads.*, COALESCE(units.name, '') AS unit FROM uploads"
            f" LEFT JOIN units ON units.id = uploads.unit_id {where} ORDER BY uploads.created DESC LIMIT ?",
            [*arguments, limit],
        )
        return [_upload(row) for row in rows]


def _json(rows: list[dict[str, str]]) -> str:
    return json.dumps(rows, ensure_ascii=False)


def _upload(row: Row) -> Upload:
    """The row as an ``Upload``: the columns by the fields' names, problems and figures from JSON."""
    values = {f.name: row[f.name] for f in fields(Upload)}
    return Upload(
        **{**values, "problems": json.loads(row["problems"]), "figures": json.loads(row["figures"])}
    )
