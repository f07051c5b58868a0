"""Runs Zakrila under gunicorn, the production WSGI server, from inside the ``zakrila`` command."""

from __future__ import annotations

from typing import Any

from django.db import connections
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run_server(*, bind: str, workers: int, threads: int, access_log: bool = True) -> None:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # Connections opened while preparing (migrations, demo data) must not leak into workers.
    connections.close_all()
    _Gunicorn(
        application,
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-" if access_log else None,
            "timeout": 60,
            "graceful_timeout": 10,
            "forwarded_allow_ips": "127.0.0.1,::1",
        },
    ).run()
