"""The reindex progress display: a bar on a terminal, a line now and then otherwise.

The reindex itself prints nothing; it tells a :class:`search.indexing.Progress`
listener how it advances, and this one draws it. The total is known cheaply from
the file list (sizes, no file opened): progress is measured in bytes of finished
files when the corpus is many files of similar size, which gives an honest ETA; a
corpus of a few big files (one archive, one JSON Lines export) shows documents and
documents/s without a total instead.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any, Literal

logger = logging.getLogger("search.indexing")


class Meter:
    """A :class:`search.indexing.Progress` that shows itself on standard error."""

    def __init__(self, mode: Literal["bar", "log", "off"], log_every: float) -> None:
        self.mode = mode
        self.total_bytes: int | None = None
        self.done_bytes = 0
        self.docs = 0
        self.started = time.monotonic()
        self._log_every = log_every
        self._next_log = self.started + log_every
        self._next_bar = 0.0
        self._bar: Any = None

    @classmethod
    def create(cls, progress: bool | None, log_every: float) -> Meter:
        """``progress``: None shows a bar on a terminal and log lines otherwise; True
        forces the bar; False shows nothing."""
        if progress is False:
            return cls("off", log_every)
        tty = sys.stderr.isatty()
        return cls("bar" if progress or (progress is None and tty) else "log", log_every)

    def start(self, sizes: list[int]) -> None:
        total = sum(sizes)
        by_bytes = len(sizes) >= 20 and total > 0 and max(sizes) <= total / 10
        self.total_bytes = total if by_bytes else None
        self.started = time.monotonic()
        self._next_log = self.started + self._log_every
        if self.mode == "bar":
            self._bar = self._open_bar()

    def _open_bar(self) -> Any:
        from tqdm import tqdm

        # A terminal that reports no size (some CI ptys, serial consoles) would make
        # tqdm print an empty bar; assume 80×24 there.
        try:
            size = os.get_terminal_size(sys.stderr.fileno())
        except (OSError, ValueError):
            size = os.terminal_size((0, 0))
        options: dict[str, Any] = {"desc": "reindex", "file": sys.stderr}
        if not size.columns or not size.lines:
            options.update(ncols=size.columns or 80, nrows=size.lines or 24)
        if self.total_bytes:
            return tqdm(
                total=self.total_bytes,
                unit="B",
                unit_scale=True,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix} [{elapsed}<{remaining}]",
                **options,
            )
        return tqdm(unit=" docs", **options)

    def file_done(self, size: int) -> None:
        self.done_bytes += size
        if self._bar is not None and self.total_bytes:
            self._bar.update(size)

    def document(self) -> None:
        self.docs += 1
        if self.mode == "off":
            return
        now = time.monotonic()
        if self.mode == "bar":
            if self.total_bytes is None:
                self._bar.update(1)
            elif now >= self._next_bar:
                self._next_bar = now + 0.5
                self._bar.set_postfix_str(f"{self.docs:,} docs, {self.rate(now):,.0f} docs/s")
        elif now >= self._next_log:
            self._next_log = now + self._log_every
            logger.info("reindex: %s", self.line(now))

    def rate(self, now: float) -> float:
        elapsed = now - self.started
        return self.docs / elapsed if elapsed > 0 else 0.0

    def line(self, now: float) -> str:
        """``12,345 docs, 1,234 docs/s, 40%, ETA 0:25`` (percent and ETA when known)."""
        text = f"{self.docs:,} docs, {self.rate(now):,.0f} docs/s"
        if self.total_bytes:
            fraction = self.done_bytes / self.total_bytes
            text += f", {fraction:.0%}"
            if fraction > 0:
                eta = (now - self.started) * (1 - fraction) / fraction
                text += f", ETA {int(eta // 60)}:{int(eta % 60):02d}"
        return text

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.docs:,} docs")
            self._bar.close()
            self._bar = None
