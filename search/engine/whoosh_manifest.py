"""The reindex's manifests in a Whoosh generation: one JSON file per commit and kind
(``manifest``, ``variants``: :data:`~search.engine.base.MANIFEST_KINDS`).

The file is named for the commit it describes (``manifest-<n>.json``), so a
manifest left from before a commit (a writer killed between its commit and the
manifest) is never taken for the index's current state: the reindex then falls
back to comparing every document's content hash, which is slower, never wrong.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger("search.engine")


def _path(generation: Path, commit: int, kind: str) -> Path:
    return generation / f"{kind}-{commit}.json"


def load(generation: Path, commit: int, kind: str = "manifest") -> dict[str, Any] | None:
    path = _path(generation, commit, kind)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("ignoring the manifest %s (%s)", path, error)
        return None
    return data if isinstance(data, dict) else None


def save(generation: Path, commit: int, manifest: dict[str, Any], kind: str = "manifest") -> None:
    """Write atomically (a temporary file renamed), then drop other commits' ones of
    the same ``kind``."""
    path = _path(generation, commit, kind)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    # One string from the C encoder: json.dump streams through the pure-Python one,
    # eight times slower at 315k files. ASCII escapes keep the encoding free.
    temp.write_bytes(json.dumps(manifest, separators=(",", ":")).encode("ascii"))
    os.replace(temp, path)
    for other in generation.glob(f"{kind}-*"):
        if other != path and other.is_file():  # older commits', killed writers' temporaries
            other.unlink(missing_ok=True)
