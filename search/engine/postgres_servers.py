"""Where a PostgreSQL index's searches go: its primary and its read replicas.

Streaming replicas carry a newsroom's read load; the primary takes every write. A search
goes to the healthy replicas in turn, and to the primary only when none is healthy. A
replica is healthy when it answers and is no more than ``max_replica_lag`` seconds
behind; a thread of each searching process re-reads that every :data:`CHECK_EVERY_S`
seconds, so a search never waits on a health check (nor on a server that does not
answer: connecting is bounded by the connect timeout and only the checker connects to a
server marked down). A search that fails on a replica because the server went away is
run again on the next server: a replica stopped in the middle of a load of searches
costs none of them, and it is searched again once the checker finds it back.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

from .base import IndexMissing, ServerHealth

T = TypeVar("T")
logger = logging.getLogger("search.engine")

#: How often the checker re-reads each replica's health (seconds).
CHECK_EVERY_S = 1.0
#: How long connecting may take (seconds), unless the URL says.
CONNECT_TIMEOUT_S = 5
#: Connections each server's pool keeps per process at most.
POOL_SIZE = 4

#: A replica's delay behind its primary: none while it has replayed all it received
#: (an idle primary sends nothing, and an old last transaction is not lag).
_LAG = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() IS NOT NULL
             AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
    END::float8
"""


def public(location: str) -> str:
    """The location without a password, for messages."""
    parts = urlsplit(location)
    if parts.password:
        host = parts.hostname or ""
        user = f"{parts.username}:***@" if parts.username else ""
        port = f":{parts.port}" if parts.port else ""
        parts = parts._replace(netloc=f"{user}{host}{port}")
    return urlunsplit(parts)


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Server:
    """One database server: its connection pool in this process, and its health."""

    def __init__(
        self, location: str, conninfo: str, role: Literal["primary", "replica"], timeout_ms: int
    ) -> None:
        self.location = location
        self.conninfo = conninfo
        self.role: Literal["primary", "replica"] = role
        self.timeout_ms = timeout_ms
        self._pool: Any = None
        self._pool_pid = 0
        self._lock = threading.Lock()
        self.down = False
        self.lag: float | None = None
        self.error: str | None = None

    def pool(self) -> Any:
        """This process's pool for this server, opened on first use (a forked worker
        opens its own: connections are never shared between processes)."""
        from psycopg_pool import ConnectionPool

        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool = ConnectionPool(
                    self.conninfo,
                    min_size=1,
                    max_size=POOL_SIZE,
                    open=False,
                    timeout=CONNECT_TIMEOUT_S,
                    # A search that runs this long is stopped (an error, not a hung worker).
                    kwargs={
                        "autocommit": True,
                        "options": f"-c statement_timeout={self.timeout_ms}",
                    },
                    name=f"naba-{self.role}",
                )
                self._pool_pid = os.getpid()
                self._pool.open(wait=False)
            return self._pool

    def timed_out(self) -> IndexMissing:
        """A statement stopped by ``statement_timeout``: answered like an unavailable
        index (a 503), not a crash."""
        return IndexMissing(
            f"the search took longer than {self.timeout_ms / 1000:g} s and was stopped"
        )

    def renew(self) -> None:
        """Drop the pool (its connections died with the server); the next use opens a
        new one."""
        with self._lock:
            old, self._pool = self._pool, None
        if old is not None and self._pool_pid == os.getpid():
            with contextlib.suppress(Exception):
                old.close(timeout=0)

    def check(self, max_lag: float) -> None:
        """Connect afresh and read the lag (on the checker's thread)."""
        import psycopg

        was_down = self.down
        try:
            with psycopg.connect(self.conninfo, autocommit=True) as conn:
                (lag,) = conn.execute(_LAG).fetchone()
        except psycopg.Error as error:
            self.mark_down(error)
            return
        self.lag = round(float(lag), 3)
        self.error = None if self.lag <= max_lag else f"{self.lag:g} s behind the primary"
        if was_down:
            self.renew()
            logger.info("%s %s answers again", self.role, public(self.location))
        self.down = False

    def mark_down(self, error: BaseException) -> None:
        if not self.down:
            logger.warning("%s %s is down: %s", self.role, public(self.location), first_line(error))
        self.down = True
        self.lag = None
        self.error = first_line(error)

    @property
    def usable(self) -> bool:
        return not self.down and self.error is None

    def health(self) -> ServerHealth:
        status: Literal["ok", "lagging", "down"] = (
            "down" if self.down else "lagging" if self.error else "ok"
        )
        return ServerHealth(public(self.location), self.role, status, self.lag, self.error)

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None


class Servers:
    """The primary and the replicas of one index, and the choice of where a search goes."""

    def __init__(self, primary: Server, replicas: list[Server], max_lag: float) -> None:
        self.primary = primary
        self.replicas = replicas
        self.max_lag = max_lag
        self._turn = itertools.count()
        self._checker: threading.Thread | None = None
        self._checker_pid = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _ensure_checker(self) -> None:
        """Start this process's checker on first use (after a fork, a new one), with one
        check made first so the first searches already know where to go."""
        if not self.replicas:
            return
        with self._lock:
            if self._checker is not None and self._checker_pid == os.getpid():
                return
            for replica in self.replicas:
                replica.check(self.max_lag)
            self._stop = threading.Event()
            self._checker = threading.Thread(
                target=self._check_forever, args=(self._stop,), name="naba-replicas", daemon=True
            )
            self._checker_pid = os.getpid()
            self._checker.start()

    def _check_forever(self, stop: threading.Event) -> None:
        while not stop.wait(CHECK_EVERY_S):
            for replica in self.replicas:
                try:
                    replica.check(self.max_lag)
                except Exception as error:  # the checker must outlive anything a check does
                    replica.mark_down(error)

    def for_reading(self) -> list[Server]:
        """Where to run a search, in order: the usable replicas, starting with the next
        one in turn, then the primary."""
        self._ensure_checker()
        usable = [replica for replica in self.replicas if replica.usable]
        if usable:
            start = next(self._turn) % len(usable)
            usable = usable[start:] + usable[:start]
        return [*usable, self.primary]

    def read(
        self, work: Callable[[Any], T], unreachable: Callable[[BaseException], Exception]
    ) -> T:
        """``work(connection)`` on the first server that can run it.

        A server that goes away during the work (stopped, restarted, its connections
        cut) is marked down and the work runs again on the next: it only reads. A query
        that times out or fails on its own is not retried.
        """
        import psycopg
        from psycopg_pool import PoolTimeout

        failure: BaseException | None = None
        for server in self.for_reading():
            try:
                with server.pool().connection() as conn:
                    return work(conn)
            except psycopg.errors.QueryCanceled:
                raise server.timed_out() from None
            except psycopg.errors.SerializationFailure as error:
                # A replica cancels a query that conflicts with what it replays (a
                # rebuild dropping an old generation): the next server runs it.
                failure = error
            except (psycopg.OperationalError, PoolTimeout) as error:
                failure = error
                if server is not self.primary:
                    server.mark_down(error)
                    server.renew()
        assert failure is not None
        raise unreachable(failure)

    def health(self) -> list[ServerHealth]:
        """Each server's state; the primary's is read now, the replicas' as last checked."""
        self._ensure_checker()
        self.primary.check(self.max_lag)
        return [server.health() for server in (self.primary, *self.replicas)]

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._checker = None
        for server in (self.primary, *self.replicas):
            server.close()


__all__ = ["CHECK_EVERY_S", "Server", "Servers", "first_line", "public"]
