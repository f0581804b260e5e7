"""The candidates folder: written beside the artifacts (never inside them: an artifacts folder is checksummed and
immutable), moved into place only when complete, and read back only for the model version it was made from."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path

import pandas as pd

from ..analysis.candidates import CandidateSet
from ..errors import ArtifactError
from ..model.artifacts import swap_into_place

__all__ = ["CANDIDATES_FILE", "candidates_dir", "write_candidates", "read_candidates", "StaleCandidates"]

CANDIDATES_FILE = "candidates.json"
TABLES = ("candidates", "channels", "tests")
VERSIONS_SUFFIX = "-versions"  # model.artifacts.versions_dir: retrained versions live in <artifacts>-versions/


class StaleCandidates(ArtifactError):
    """The candidates found were made from another version of the model (its manifest's checksum differs)."""


def candidates_dir(artifacts: Path | str) -> Path:
    """Where the candidates of the artifacts folder `artifacts` go by default: `<artifacts>.candidates` beside it,
    or for a retrained version `<artifacts>-candidates/<version>` (the versions folder is pruned of anything else)."""
    path = Path(artifacts).resolve()
    if path.parent.name.endswith(VERSIONS_SUFFIX):
        base = path.parent.name[: -len(VERSIONS_SUFFIX)]
        return path.parent.parent / f"{base}-candidates" / path.name
    return path.parent / f"{path.name}.candidates"


def write_candidates(found: CandidateSet, dest: Path | str) -> Path:
    """Write the tables and `candidates.json` into a new sibling folder, then swap it in for `dest`."""
    dest = Path(dest)
    if dest.exists() and not (dest / CANDIDATES_FILE).exists() and any(dest.iterdir()):
        raise ArtifactError(f"{dest} holds files that are not GMV Planner candidates; choose an empty or new folder")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.tmp-{secrets.token_hex(6)}"
    tmp.mkdir()
    try:
        for name in TABLES:
            getattr(found, name).to_csv(tmp / f"{name}.csv", index=False)
        (tmp / CANDIDATES_FILE).write_text(json.dumps(found.meta, indent=1, default=str))
        swap_into_place(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def read_candidates(path: Path | str, key: str) -> CandidateSet | None:
    """The candidates in `path` when they were made from the model whose manifest checksum is `key`; None when there
    are none; StaleCandidates when they belong to another version (retrained since)."""
    path = Path(path)
    meta_file = path / CANDIDATES_FILE
    if not meta_file.is_file():
        return None
    try:
        meta = json.loads(meta_file.read_text())
        tables = {name: pd.read_csv(path / f"{name}.csv") for name in TABLES}
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"{path}: candidates cannot be read ({type(exc).__name__}); make them again") from None
    if meta.get("manifest_sha256") != key:
        raise StaleCandidates(f"{path}: these candidates were made from another version of the model; make them again")
    tables["candidates"]["about_as_well"] = tables["candidates"]["about_as_well"].astype(bool)
    return CandidateSet(meta, tables["candidates"], tables["channels"], tables["tests"])
