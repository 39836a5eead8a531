"""``python -m web``: serve Naba with gunicorn, the production server.

    python -m web --host 127.0.0.1 --port 8000 [--workers 2]

``PORT`` and ``NABA_WORKERS`` are read from the environment when the options are not
given (platforms that start the process set ``PORT``). The Flask development server
(``flask --app wsgi run --debug``) reloads on changes but serves one request at a time
per thread and shows tracebacks: never for production.

Each gunicorn worker builds its own app and opens the index right after the fork (so no
file handle is shared between processes), building the index's per-document arrays
before it takes its first request.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from web import create_app
from web.index import warm


class NabaServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """Gunicorn configured from Python rather than a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app()


def _warm_worker(worker: Any) -> None:
    warm(worker.wsgi)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m web", description="Serve Naba with gunicorn.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT") or 8000),
        help="port to bind (default $PORT, else 8000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("NABA_WORKERS") or 2),
        help="worker processes (default $NABA_WORKERS, else 2)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    host = f"[{args.host}]" if ":" in args.host else args.host
    NabaServer(
        {
            "bind": f"{host}:{args.port}",
            "workers": max(1, args.workers),
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "naba",
            "timeout": 60,
            # gunicornc's socket lives in $HOME by default: two servers would share it.
            "control_socket_disable": True,
            "post_worker_init": _warm_worker,
        }
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
