"""The model version new sessions open: one small file, `<artifacts>-versions/DEFAULT`, naming a retrained version.

A modeller chooses it in the app; every session opened afterwards starts on it, while sessions already open keep
the version they use (a choice never swaps the model under someone). Without the file, or when the version it names
was pruned or no longer has a manifest, sessions open the original artifacts folder, as before.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..model.artifacts import MANIFEST, versions_dir

__all__ = ["DEFAULT_FILE", "default_file", "default_version", "set_default_version"]

DEFAULT_FILE = "DEFAULT"  # beside the versions; `list_versions` and `prune_versions` only look at folders


def default_file(base: Path) -> Path:
    """Where the shared choice for the artifacts folder `base` is kept."""
    return versions_dir(base) / DEFAULT_FILE


def default_version(base: Path) -> Path | None:
    """The retrained version new sessions open, or None for the original (no choice, or the chosen version is gone)."""
    try:
        name = default_file(base).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = versions_dir(base) / name
    if not name or Path(name).name != name or not (path / MANIFEST).is_file():
        return None
    return path


def _new_file(folder: Path) -> tuple[int, str]:
    """A new file in `folder` open for writing, with the umask's permissions (0644 under umask 022) so an app
    running as another user can read the choice (`tempfile.mkstemp` makes it 0600 whatever the umask)."""
    while True:
        path = folder / f".{DEFAULT_FILE}-{secrets.token_hex(6)}"
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), str(path)
        except FileExistsError:
            continue


def set_default_version(base: Path, version: Path) -> Path | None:
    """Make `version` (a folder in `versions_dir(base)`, or `base` itself for the original) the one new sessions
    open. The file is replaced atomically, so a session starting meanwhile reads the old choice or the new one.
    Returns the new default (None: the original)."""
    base, version = Path(base), Path(version)
    if version.resolve() == base.resolve():
        default_file(base).unlink(missing_ok=True)
        return None
    folder = versions_dir(base)
    if version.resolve().parent != folder.resolve() or not (version / MANIFEST).is_file():
        raise ValueError(f"{version} is not a model version of {base} (versions are folders in {folder})")
    fd, tmp = _new_file(folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(version.name + "\n")
        os.replace(tmp, default_file(base))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder / version.name
