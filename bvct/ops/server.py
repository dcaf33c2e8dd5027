"""`bvct serve`: gunicorn in front of `config.wsgi`, configured from settings (the environment).

Workers: `BVCT_WORKERS`, default 2 × CPU cores + 1 (gunicorn's own advice for sync workers:
a request that waits on PostgreSQL leaves the core to another worker). Each worker is one
Django process (about 100 MB); each holds one connection to the primary (and one to the
replica when configured), so `max_connections` on PostgreSQL must exceed
workers + worker processes of `bvct worker` + a margin for `bvct tick` and psql.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from gunicorn.app.base import BaseApplication
from typing_extensions import override


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_options(*, bind: str | None = None, workers: int | None = None) -> dict[str, Any]:
    count = workers or settings.BVCT_WORKERS or default_workers()
    if count < 1:
        msg = f"BVCT_WORKERS must be at least 1, not {count}"
        raise ImproperlyConfigured(msg)
    logging_config: dict[str, Any] = copy.deepcopy(settings.LOGGING)
    # gunicorn's own lines (start, stop, worker timeouts) in the same format as the app's
    logging_config["loggers"]["gunicorn.error"] = {
        "handlers": ["console"],
        "level": "INFO",
        "propagate": False,
    }
    return {
        "bind": [bind or settings.BVCT_BIND],
        "workers": count,
        "worker_class": "sync",
        "timeout": settings.BVCT_WORKER_TIMEOUT,
        "graceful_timeout": 30,
        "keepalive": 5,
        # a worker is replaced after this many requests (bounded memory growth), not all at once
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "preload_app": True,
        # `bvct.request` writes the access lines (with the request id and the user)
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": logging_config,
        # the proxy on this host sets X-Forwarded-Proto; nobody else is trusted
        "forwarded_allow_ips": "127.0.0.1,::1",
        "proc_name": "bvct",
        # no control socket in the service user's home (gunicorn ≥ 24): systemd controls us
        "control_socket_disable": True,
    }


def check_static_files() -> None:
    """Production serves static files from `collectstatic`'s manifest: refuse to start without
    it instead of answering every page with an error."""
    if not settings.IS_PRODUCTION:
        return
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        msg = (
            f"static files are not collected ({manifest} is missing): "
            "run `bvct collectstatic --noinput` first"
        )
        raise ImproperlyConfigured(msg)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    @override
    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    @override
    def load(self) -> Any:
        from config.wsgi import application  # noqa: PLC0415 (loaded in the master, after fork-safe setup)

        return application
