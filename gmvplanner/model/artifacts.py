"""Write trained models atomically with a manifest, and load them only when everything checks out."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import secrets
import shutil
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import joblib
import pandas as pd

from .. import __version__
from ..data.readers import path_problem
from ..dates import next_week
from ..errors import ArtifactError, InputError
from ..features.design import FEATURE_SCHEMA
from ..features.encoders import SubcategoryEncoders
from ..manifest import Manifest
from ..units import MoneyUnit
from .bundle import SubcategoryModel

__all__ = [
    "NO_SPEND_HELP",
    "Artifacts",
    "library_versions",
    "file_sha256",
    "write_artifacts",
    "swap_into_place",
    "load_artifacts",
    "check_destination",
    "versions_dir",
    "CHECKED_LIBRARIES",
]

# how to add spend data to a training from orders alone (the CLIs' and the app's words)
NO_SPEND_HELP = (
    "these models were trained from orders alone. Retrain with a media spend file (--media on "
    "ecommerce_training.py, or the media upload on the Data & retrain page): a row per month (Year, Month) or per "
    "date, one column per channel, amounts in the spend unit (--spend-unit)"
)

MANIFEST = "manifest.json"
MANIFEST_CHECKSUM = "manifest.sha256"  # the manifest's own checksum: an edited manifest is refused too
CHECKED_LIBRARIES = ("scikit-learn", "numpy", "joblib", "pandas")


README = """# GMV Planner artifacts

Written by `python ecommerce_training.py`; do not edit by hand (the checksums in manifest.json
make the loader refuse changed files). Contents:

- `model_<subcategory>.joblib`, `encoders_<subcategory>.joblib`: the fitted model with its feature
  spec, and the fitted vertical / payment-type encoders, one pair per subcategory;
- `manifest.json`: library versions, input checksums, modelling window, subcategories, channels,
  feature names, metrics and the checksum of every file here;
- `backtest.csv`: week_start, subcategory, actual_gmv, predicted_gmv, split (train or holdout);
- `cleaning_report.csv`: rows and GMV dropped or blanked per reason;
- `history.csv`: the weekly training table; `feature_importances.csv`; `metrics.csv`;
- `contributions.csv`, `response_curves.csv`, `adequacy.csv`: channel answers and the data-adequacy check;
- from orders with customer ids, aggregates only (never an id): `customer_segments.csv`, `customers_weekly.csv`,
  `customers_by_subcategory.csv`, `customer_cohorts.csv`, and `new_customer_effects.csv` (each channel's share
  of first orders, the new customers it brought and their cost; the optimiser's --new-customer-weight uses it);
- `manifest.sha256`: the checksum of manifest.json itself.

Retraining replaces only these files: anything else you keep here is carried over.
"""


def versions_dir(base: Path) -> Path:
    """Where retrained versions of the artifacts folder `base` go (a sibling folder, never inside it): the
    retraining jobs write there and the shared default version is chosen from there."""
    base = Path(base)
    return base.parent / f"{base.name}-versions"


def library_versions() -> dict[str, str]:
    """Versions that decide whether a pickle is safe to load here."""
    out = {lib: version(lib) for lib in CHECKED_LIBRARIES}
    out["python"] = platform.python_version()
    out["gmvplanner"] = __version__
    return out


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 8 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def swap_into_place(tmp: Path, dest: Path) -> None:
    """Move the finished folder `tmp` to `dest`, an existing `dest` renamed aside first and removed after, so a
    reader finds the old folder or the new one, never half of either."""
    old = None
    if dest.exists():
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        dest.rename(old)
    tmp.rename(dest)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name)


def _replaceable(dest: Path) -> bool:
    """Only a missing or empty folder, or an earlier artifacts folder (it has a manifest), may be written into."""
    if not dest.exists():
        return True
    if not dest.is_dir():
        return False
    entries = {p.name for p in dest.iterdir()}
    return not entries or MANIFEST in entries or entries <= {"README.md", ".gitkeep"}


def _ours(dest: Path) -> set[str]:
    """The names an earlier training wrote into `dest` (its manifest's files), plus the manifest itself."""
    names = {MANIFEST, MANIFEST_CHECKSUM, "README.md", ".gitkeep"}
    try:
        names |= set(json.loads((dest / MANIFEST).read_text()).get("files", {}))
    except (OSError, ValueError, AttributeError):
        pass
    return names


def check_destination(dest: Path | str) -> None:
    """Refuse, before any work, a destination training could not write: a file, a folder of other files, or a
    place without write permission."""
    dest = Path(dest)
    problem = path_problem(dest)
    if problem is not None:
        raise ArtifactError(f"{dest} {problem}")
    if dest.exists() and not dest.is_dir():
        raise ArtifactError(f"{dest} is a file, not a folder; give --artifacts a folder")
    if dest.is_dir() and not os.access(dest, os.R_OK | os.X_OK):
        raise ArtifactError(f"{dest}: no permission to read this folder; choose another --artifacts folder")
    if not _replaceable(dest):
        raise ArtifactError(f"{dest} holds files that are not GMV Planner artifacts; choose an empty or new folder")
    parent = dest.parent if not dest.exists() else dest
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK) or (dest.exists() and not os.access(dest.parent, os.W_OK)):
        raise ArtifactError(f"{dest}: no permission to write there; choose another --artifacts folder")


def _new_sibling_folder(dest: Path) -> Path:
    """A new, empty folder beside `dest` to write into, made with the umask's permissions (0755 under umask 022)
    so that an app running as another user can read the artifacts once they are moved into place
    (`tempfile.mkdtemp` makes it 0700 whatever the umask)."""
    for _ in range(100):
        tmp = dest.parent / f".{dest.name}.tmp-{secrets.token_hex(6)}"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return tmp
    raise ArtifactError(f"{dest.parent}: could not make a new folder to write the artifacts in")


def write_artifacts(
    dest: Path,
    models: dict[str, SubcategoryModel],
    encoders: dict[str, SubcategoryEncoders],
    tables: dict[str, pd.DataFrame],
    manifest: Manifest,
) -> Path:
    """Write everything into a temporary sibling folder, then swap it in; `dest` is never half-written."""
    dest = Path(dest)
    check_destination(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_sibling_folder(dest)
    try:
        files = {}
        for sub, model in models.items():
            files[sub] = {"model": f"model_{_slug(sub)}.joblib"}
            joblib.dump(model, tmp / files[sub]["model"], compress=3)
            if sub in encoders:  # weekly tables have no categorical levers to encode
                files[sub]["encoders"] = f"encoders_{_slug(sub)}.joblib"
                joblib.dump(encoders[sub], tmp / files[sub]["encoders"], compress=3)
        for name, table in tables.items():
            table.to_csv(tmp / f"{name}.csv", index=False)
        (tmp / "README.md").write_text(README)
        manifest = manifest.stamped(
            subcategory_files=files,
            libraries=library_versions(),
            feature_schema=FEATURE_SCHEMA,
            files={p.name: file_sha256(p) for p in sorted(tmp.iterdir()) if p.name != MANIFEST},
        )
        (tmp / MANIFEST).write_text(json.dumps(manifest.to_json(), indent=1, default=str))
        (tmp / MANIFEST_CHECKSUM).write_text(file_sha256(tmp / MANIFEST) + "\n")
        if dest.exists():  # the user's own files in an artifacts folder are carried over, never deleted
            for entry in dest.iterdir():
                if entry.name not in _ours(dest) and not (tmp / entry.name).exists():
                    copy = shutil.copytree if entry.is_dir() else shutil.copy2
                    copy(entry, tmp / entry.name)
        swap_into_place(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


@dataclass
class Artifacts:
    """A verified, loaded artifacts folder."""

    path: Path
    manifest: Manifest
    models: dict[str, SubcategoryModel]
    encoders: dict[str, SubcategoryEncoders]
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    # values derived from these artifacts and kept for reuse by the analysis code (read-only once stored), e.g.
    # scenario designs: one loaded Artifacts serves every session of the app
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def subcategories(self) -> list[str]:
        return list(self.models)

    @property
    def channels(self) -> list[str]:
        return list(self.manifest.channels)

    @property
    def has_spend(self) -> bool:
        """Whether the models know marketing spend (a training from orders alone has no channel)."""
        return bool(self.manifest.channels)

    def require_spend(self, what: str) -> None:
        """Refuse `what` (e.g. 'the budget optimiser') for artifacts trained without spend data, saying how to add it."""
        if not self.has_spend:
            raise InputError(str(self.path), f"{what} needs marketing spend data: {NO_SPEND_HELP}")

    @property
    def money(self) -> MoneyUnit:
        """How spend is given (the currency's spend unit, or a weekly table's own unit) and how money is shown."""
        return self.manifest.money

    @property
    def last_week(self) -> pd.Timestamp:
        """The first day of the last trained week (a Monday from orders; a weekly table's own weekday)."""
        return max(m.last_week for m in self.models.values())

    @property
    def week_starts_on(self) -> int:
        """The weekday the model's weeks start on (0 = Monday): scenario weeks are moved to it."""
        return int(self.last_week.day_of_week)

    @property
    def next_week(self) -> pd.Timestamp:
        """The first week after the training data: where forecasts start by default."""
        return next_week(self.last_week)

    def table(self, name: str) -> pd.DataFrame:
        """A CSV written beside the models (backtest, history, cleaning_report, ...); read once, then a copy."""
        if name not in self._tables:
            frame = pd.read_csv(self.path / f"{name}.csv")
            if "week_start" in frame:
                frame["week_start"] = pd.to_datetime(frame["week_start"])
            self._tables[name] = frame
        return self._tables[name].copy()


def _unpickle(file: Path):
    """A checked joblib file, or ArtifactError in plain words when it cannot be read."""
    try:
        return joblib.load(file)
    except Exception as exc:  # a damaged or foreign pickle raises many types
        raise ArtifactError(f"{file} cannot be loaded ({type(exc).__name__}); retrain") from None


def load_artifacts(path: Path | str) -> Artifacts:
    """Load after checking file checksums, library versions, feature schema and feature names.

    Checksums are verified before anything is unpickled, so a changed file is never executed.
    """
    path = Path(path)
    manifest = _checked_manifest(path)
    _check_file_checksums(path, manifest)
    _check_environment(path, manifest)
    models, encoders = {}, {}
    for sub, names in manifest.subcategory_files.items():
        models[sub] = _checked_model(path, sub, names["model"], manifest.feature_names[sub])
        if "encoders" in names:
            encoders[sub] = _unpickle(path / names["encoders"])
    return Artifacts(path=path, manifest=manifest, models=models, encoders=encoders)


def _check_folder(path: Path) -> None:
    """An artifacts folder that can be opened and read: not a link loop or a link to nothing, not a file."""
    problem = path_problem(path)
    if problem is not None:
        raise ArtifactError(f"{path} {problem}")
    if path.exists() and not path.is_dir():
        raise ArtifactError(f"{path} is a file, not an artifacts folder; give --artifacts the folder training wrote")
    if path.is_dir() and not os.access(path, os.R_OK | os.X_OK):
        raise ArtifactError(f"{path}: no permission to read this folder")


def _checked_manifest(path: Path) -> Manifest:
    """The manifest, read only when its own checksum matches."""
    _check_folder(path)
    manifest_path = path / MANIFEST
    problem = path_problem(manifest_path)
    if problem is not None:
        raise ArtifactError(f"{manifest_path} {problem}; retrain")
    if manifest_path.is_dir():
        raise ArtifactError(f"{manifest_path} is a folder, not the manifest file; retrain into a new folder")
    try:
        return _read_manifest(path, manifest_path)
    except OSError as exc:  # permissions, a checksum file that is a folder, ...
        raise ArtifactError(f"{exc.filename or manifest_path}: cannot be read ({exc.strerror or exc}); retrain") from None


def _read_manifest(path: Path, manifest_path: Path) -> Manifest:
    """The manifest after its own checksum is checked."""
    if not manifest_path.exists():
        raise ArtifactError(f"{path}: no {MANIFEST}; train first with: python ecommerce_training.py --artifacts {path}")
    checksum = path / MANIFEST_CHECKSUM
    if not checksum.exists():
        raise ArtifactError(f"{path}: no {MANIFEST_CHECKSUM} (the manifest's own checksum); retrain")
    if checksum.read_text().strip() != file_sha256(manifest_path):
        raise ArtifactError(f"{path}: {MANIFEST} was changed after training (its checksum does not match); retrain")
    try:
        return Manifest.from_json(json.loads(manifest_path.read_text()))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{manifest_path}: unreadable manifest ({type(exc).__name__}: {exc}); retrain") from None


def _check_file_checksums(path: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is present and unchanged, and nothing is unpickled without a checksum."""
    for sub, names in manifest.subcategory_files.items():
        for name in names.values():
            if name not in manifest.files:
                raise ArtifactError(f"{path}: {name} of {sub} has no checksum in the manifest; retrain")
    for name, digest in manifest.files.items():
        file = path / name
        if not file.exists():
            raise ArtifactError(f"{path}: {name} listed in the manifest is missing; retrain")
        if file_sha256(file) != digest:
            raise ArtifactError(f"{path}: checksum of {name} does not match the manifest (changed after training); retrain")


def _check_environment(path: Path, manifest: Manifest) -> None:
    """The libraries and the feature schema the models were trained with are the ones here."""
    here = library_versions()
    for lib in CHECKED_LIBRARIES:
        trained = manifest.libraries.get(lib)
        if trained != here[lib]:
            raise ArtifactError(
                f"{path}: trained with {lib} {trained}, this machine has {here[lib]}; retrain, or install {lib}=={trained}"
            )
    if manifest.feature_schema != FEATURE_SCHEMA:
        raise ArtifactError(
            f"{path}: built with feature schema {manifest.feature_schema}, this code uses {FEATURE_SCHEMA}; retrain"
        )


def _checked_model(path: Path, sub: str, name: str, expected: list[str]) -> SubcategoryModel:
    """One subcategory's model, refused when its features are not the ones the manifest lists."""
    model = _unpickle(path / name)
    if model.feature_names != expected or model.spec.feature_names() != expected:
        missing = sorted(set(expected) ^ set(model.feature_names))
        raise ArtifactError(
            f"{path}: model for {sub} was trained with other features than the manifest lists "
            f"(differing: {missing or 'order'}); retrain"
        )
    return model
