"""The web application of ``reportgen serve``: settings, and ``create_app`` wiring the parts together.

Why Flask (with waitress to serve it): it renders pages on the server with Jinja, which reportgen
already uses, so the pages need no JavaScript build step and the people who maintain reportgen read
them as they read its report templates; it is kept by the Pallets project (as Jinja and Werkzeug are),
small, and has a test client that runs the whole application in-process.  Waitress is a pure-Python
production WSGI server with no C extension, so the same ``pip install`` runs it on the offices' Windows
machines and on Linux; it serves requests from a thread pool, which suits an application whose
slow work (the renders) already runs elsewhere (``jobs``).
"""

from __future__ import annotations

from flask import Flask

from reportgen.serve import errors, routes, security
from reportgen.serve.jobs import JobPool
from reportgen.serve.settings import Settings
from reportgen.serve.storage import Storage


def create_app(settings: Settings) -> Flask:
    """The application: the database migrated, the worker pool started, every page behind the checks.

    ``app.extensions["reportgen"]`` holds the ``Storage`` and the ``JobPool``; ``close_app`` stops them.
    """
    app = Flask(__name__, static_folder="static", template_folder="templates")
    storage = Storage(settings.data, settings.database)
    app.secret_key = storage.secret_key()
    access = security.Access(settings.token, settings.users)
    jobs = JobPool(storage, settings.formats, settings.limits, settings.workers)
    app.extensions["reportgen"] = routes.State(settings.data, storage, jobs, access)
    security.install(app, access, settings.max_upload_bytes)
    errors.install(app)
    app.register_blueprint(routes.pages)
    return app


def close_app(app: Flask) -> None:
    """Stop the worker pool (after the uploads in progress) and close the database."""
    state: routes.State = app.extensions["reportgen"]
    state.jobs.close()
    state.storage.close()
