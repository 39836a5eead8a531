"""``python -m web``: serve Naba with gunicorn, the production server.

    python -m web --host 127.0.0.1 --port 8000 [--workers 2]

``PORT`` and ``NABA_WORKERS`` give the defaults of the options (platforms that start the
process set ``PORT``). The settings are read and checked once, here, before gunicorn
starts: a bad variable is one ``error:`` line and exit status 2, not a traceback from
every worker; the workers build their apps from that same object. The Flask development
server (``flask --app wsgi run --debug``) reloads on changes but serves one request at a
time per thread and shows tracebacks: never for production.

Requests: the request line may be 8,190 bytes (gunicorn's largest; its default is 4,094),
so a GET of any query the search reads (``MAX_QUERY_CHARS`` letters of Arabic, six bytes
each once percent-encoded) fits with its filters; longer ones go by POST. A request line
or headers too long to read get Naba's JSON error, Arabic message and stable ``code``,
from :class:`NabaWorker`, not gunicorn's English HTML page.

Each gunicorn worker builds its own app and opens the index right after the fork (so no
file handle is shared between processes), building the index's per-document arrays
before it takes its first request.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask
from gunicorn import util
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.sync import SyncWorker

from search.settings import Settings
from web import check_origins, create_app
from web.errors import CODES, MESSAGES
from web.live_index import warm

#: gunicorn's largest request line (its default is 4,094 bytes).
REQUEST_LINE_BYTES = 8190
#: What gunicorn says itself, before the app sees the request: status and reason.
_UNREAD = {
    LimitRequestLine: (414, "URI Too Long"),
    LimitRequestHeaders: (431, "Request Header Fields Too Large"),
}


class NabaWorker(SyncWorker):  # type: ignore[misc]  # gunicorn ships no type hints
    """gunicorn's sync worker, answering a request it could not read as the app answers
    errors: JSON with an Arabic message and a stable code. The request's path was never
    parsed, so one answer has to do for an API client and a browser alike."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        known = next((v for k, v in _UNREAD.items() if isinstance(exc, k)), None)
        if known is None:
            super().handle_error(req, client, addr, exc)
            return
        status, reason = known
        self.log.warning("Refused a request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps(
            {"error": MESSAGES[status][1], "code": CODES[status], "status": status},
            ensure_ascii=False,
        ).encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("ascii") + body)
        except OSError:
            self.log.debug("Failed to send error message.")


class NabaServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
    """Gunicorn configured from Python rather than a config file."""

    def __init__(self, options: dict[str, Any], settings: Settings) -> None:
        self.options = options
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(settings=self.settings)


def _warm_worker(worker: Any) -> None:
    warm(worker.wsgi)


def _whole(low: int, high: int | None, expected: str) -> Callable[[str], int]:
    """An argparse type: the options are checked like the variables they stand for."""

    def parse(text: str) -> int:
        try:
            value: int | None = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {expected}, not {text!r}")
        return value

    return parse


def parse_args(
    argv: Sequence[str] | None = None, settings: Settings | None = None
) -> argparse.Namespace:
    settings = Settings.from_env() if settings is None else settings
    parser = argparse.ArgumentParser(prog="python -m web", description="Serve Naba with gunicorn.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_whole(1, 65535, "a port number from 1 to 65535"),
        default=settings.port,
        help="port to bind (default $PORT, else 8000)",
    )
    parser.add_argument(
        "--workers",
        type=_whole(1, None, "a whole number ≥ 1"),
        default=settings.workers,
        help="worker processes (default $NABA_WORKERS, else 2)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
        check_origins(settings)
    except ValueError as error:  # SettingsError, or an origin web.security refuses
        print(f"error: {error}", file=sys.stderr)
        return 2
    args = parse_args(argv, settings)
    host = f"[{args.host}]" if ":" in args.host else args.host
    NabaServer(
        {
            "bind": f"{host}:{args.port}",
            "workers": args.workers,
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "naba",
            "timeout": 60,
            "worker_class": NabaWorker,
            "limit_request_line": REQUEST_LINE_BYTES,
            # gunicornc's socket lives in $HOME by default: two servers would share it.
            "control_socket_disable": True,
            "post_worker_init": _warm_worker,
        },
        settings,
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
