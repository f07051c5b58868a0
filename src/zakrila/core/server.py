"""Runs Zakrila under gunicorn, the production WSGI server, from inside the ``zakrila`` command.

Each worker also runs the audit sealer in a background thread (``audit.sealing``), so the
events the pages write are chained within about a second wherever the app runs; several
sealers on several machines share the work safely. Turn it off with
``ZAKRILA_AUDIT_SEAL_IN_SERVER=0`` when a separate ``zakrila audit seal --loop`` does it.
"""

from __future__ import annotations

import gc
from typing import Any

from django.conf import settings
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


# Python's collector looks for cycles after every 700 new container objects; a page makes
# tens of thousands, nearly all freed by their reference counts, so the young collections
# ran hundreds of times a page for little. 50,000 lets a page's objects come and go first.
YOUNG_COLLECTION_THRESHOLD = 50_000


def settle_memory() -> None:
    """What the process loaded before forking (Django, the apps, the templates' code) is kept
    out of the collector's work for good, and the young generation collected less often.
    The objects frozen are then not touched by the workers' collections, so their memory stays
    shared with the master instead of being copied into each worker (the ``gc`` module's
    documentation, on ``gc.freeze``). bench/pages.py --server-gc measures it in process."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)


def _start_audit_sealer(worker: Any) -> None:
    from zakrila.audit.sealing import start_sealer_thread

    start_sealer_thread(interval=1.0)
    worker.log.info("audit sealer started in worker %s", worker.pid)


def run_server(
    *,
    bind: str,
    workers: int,
    threads: int,
    access_log: bool = True,
    seal_audit: bool | None = None,
) -> None:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    # Connections opened while preparing (migrations, demo data) must not leak into workers.
    connections.close_all()
    settle_memory()
    if seal_audit is None:
        seal_audit = settings.ZAKRILA_AUDIT_SEAL_IN_SERVER
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
            "post_worker_init": _start_audit_sealer if seal_audit else None,
        },
    ).run()
