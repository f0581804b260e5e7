"""Where the app keeps a session's uploaded files: one folder per session under one root, removed when the session's
state is dropped or the server stops, and folders left by a server that was killed swept away after a day."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import weakref
from pathlib import Path

__all__ = ["UPLOAD_ROOT_ENV", "STALE_SECONDS", "upload_root", "UploadSpace", "remove_stale"]

UPLOAD_ROOT_ENV = "GMV_UPLOAD_DIR"  # where session folders go (default: the system's temporary folder)
STALE_SECONDS = 24 * 3600  # a session folder untouched this long belongs to no live session: removed at start


def upload_root() -> Path:
    """The folder holding every session's upload folder ($GMV_UPLOAD_DIR, else <tmp>/gmv-uploads), made if needed."""
    root = Path(os.environ.get(UPLOAD_ROOT_ENV) or Path(tempfile.gettempdir()) / "gmv-uploads")
    root.mkdir(parents=True, exist_ok=True)
    return root


class UploadSpace:
    """One session's upload folder. It is removed when this object is garbage-collected (the session's state is
    dropped when the session ends), when `remove` is called, or when the server process exits normally."""

    def __init__(self, root: Path):
        self.path = Path(tempfile.mkdtemp(prefix="session-", dir=root))
        # weakref.finalize also runs at interpreter exit, so a stopped server leaves nothing behind
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.path), True)

    def remove(self) -> None:
        """Remove the folder and everything in it now."""
        self._finalizer()

    @property
    def removed(self) -> bool:
        return not self._finalizer.alive


def remove_stale(root: Path, older_than: float = STALE_SECONDS, now: float | None = None) -> list[Path]:
    """Remove session folders under `root` whose newest file is older than `older_than` seconds; returns them."""
    now = time.time() if now is None else now
    removed = []
    for folder in Path(root).glob("session-*"):
        if folder.is_dir() and now - _newest_change(folder) > older_than:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _newest_change(folder: Path) -> float:
    """The latest modification time of the folder or anything in it."""
    times = [folder.stat().st_mtime]
    times += [p.stat().st_mtime for p in folder.rglob("*") if p.exists()]
    return max(times)
