"""What every command line shares: argument types in plain words, the one-line-error parser, logging, exit codes
and the --out safety check."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from ..config import ARTIFACTS_DIR, AUTO, NUMERIC_FLOOR, OWN
from ..data.limits import MAX_AMOUNT
from ..errors import ArtifactError, InputError, shortened, shortened_words
from ..model.base import MODEL_KINDS, model_names

__all__ = [
    "library_of",
    "pooling",
    "log",
    "Parser",
    "setup_logging",
    "run",
    "add_output_flags",
    "add_artifacts_input",
    "check_out",
    "subcategories",
    "names",
    "calendar_date",
    "margins",
    "model_name",
    "bounded",
    "non_negative",
    "positive_amount",
    "positive_number",
    "positive_int",
    "seed",
    "max_change",
]

log = logging.getLogger("gmvplanner")

EXIT_OK, EXIT_BUG, EXIT_USER_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130


def setup_logging(quiet: bool) -> None:
    """Log to stderr with the time: each stage's start and end, or only warnings and errors when `quiet`."""
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
        force=True,
    )


def run(work: Callable[[], None], debug: bool) -> int:
    """Run `work()`; user errors print one line and return 2, never a traceback. Returns the exit code."""
    try:
        work()
        return EXIT_OK
    except (InputError, ArtifactError) as exc:
        print(f"error: {shortened_words(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        if exc.filename is None:
            return _bug(exc, debug)
        # a file or folder the system would not let us read or write (permissions, a folder where a file
        # belongs, a full disk): the user's to fix, not a bug
        print(f"error: {shortened(str(exc.filename))}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted; nothing was replaced", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug, not bad input: say so plainly, show the trace only on request
        return _bug(exc, debug)


def _bug(exc: BaseException, debug: bool) -> int:
    """Report `exc` as an internal error (with its traceback when `debug`); returns the exit code."""
    if debug:
        traceback.print_exception(exc)
    print(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
    return EXIT_BUG


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line, like every other error here (exit 2)."""

    def error(self, message: str) -> NoReturn:
        """Print `message` on one line with where to find help, and exit 2."""
        print(f"error: {shortened_words(message)} (see: python {self.prog.split()[0]} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def add_output_flags(parser: argparse.ArgumentParser) -> None:
    """--quiet and --debug, which every command takes."""
    parser.add_argument("--quiet", action="store_true", help="only print warnings and errors")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")


def add_artifacts_input(parser: argparse.ArgumentParser) -> None:
    """--artifacts for a command that reads trained artifacts."""
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="trained artifacts (default: artifacts/)")


def library_of(args: argparse.Namespace):
    """The scenario library a `scenarios` action names with --database, else the app's (beside its artifacts)."""
    from ..library import default_url, open_library
    from ..service.planner import app_artifacts_dir

    given = getattr(args, "database", None)
    if given:
        return open_library(given, given_by="--database")
    return open_library(default_url(app_artifacts_dir()))


def check_out(out: Path | None, artifacts: Path) -> None:
    """--out is checked before any work: a file we may write, never inside an artifacts folder."""
    if out is None:
        return
    from ..data.readers import path_problem  # pandas is imported only when a command runs, so --help stays fast

    problem = path_problem(out) or path_problem(artifacts)
    if problem is not None:
        which, where = ("--out", out) if path_problem(out) else ("--artifacts", artifacts)
        raise InputError(which, f"{where} {problem}")
    resolved = out.resolve()
    if resolved.is_dir():
        raise InputError("--out", f"{out} is a folder; give a file name such as predictions.csv")
    if _is_database(resolved):
        raise InputError(
            "--out", f"{out} is a database (e.g. the scenario library); writing there would replace it, so give a new file name"
        )
    for folder in (resolved.parent, *resolved.parent.parents):
        if (folder / "manifest.json").exists() or folder == Path(artifacts).resolve():
            raise InputError("--out", f"{out} is inside the artifacts folder {folder}; write it elsewhere")
    parent = resolved.parent
    while not parent.exists():
        parent = parent.parent
    if not os.access(parent, os.W_OK) or (resolved.exists() and not os.access(resolved, os.W_OK)):
        raise InputError("--out", f"no permission to write {out}")


SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


def _is_database(path: Path) -> bool:
    """Whether `path` is an existing SQLite database file (the scenario library is one)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def subcategories(text: str) -> tuple[str, ...]:
    """--subcategories: comma-separated names, at least one, none given twice."""
    subs = tuple(s.strip() for s in text.split(",") if s.strip())
    if not subs:
        raise argparse.ArgumentTypeError("give at least one subcategory, e.g. CameraAccessory,HomeAudio")
    repeated = [s for i, s in enumerate(subs) if s in subs[:i]]
    if repeated:
        raise argparse.ArgumentTypeError(f"subcategory '{repeated[0]}' is named twice; name each once")
    return subs


def names(text: str) -> tuple[str, ...]:
    """Comma-separated column names, none given twice."""
    found = tuple(s.strip() for s in text.split(",") if s.strip())
    repeated = sorted({n for n in found if found.count(n) > 1})
    if repeated:
        raise argparse.ArgumentTypeError(f"'{repeated[0]}' is named twice")
    return found


def monotone_signs(text: str) -> dict[str, int]:
    """--monotone: control=sign pairs, sign -1 (GMV can only fall as it rises), +1 (only rise) or 0 (free)."""
    out: dict[str, int] = {}
    for item in (s.strip() for s in text.split(",") if s.strip()):
        name, _, sign = item.partition("=")
        if not name.strip() or sign.strip() not in {"-1", "0", "1", "+1"}:
            raise argparse.ArgumentTypeError(f"'{item}' is not control=sign with sign -1, 0 or +1 (e.g. sla=-1,price=0)")
        _once(out, name.strip())
        out[name.strip()] = int(sign.strip())
    return out


def _once(pairs: dict, name: str) -> None:
    """Refuse a NAME=value pair whose name came earlier in the same option (the last one would silently win)."""
    if name in pairs:
        raise argparse.ArgumentTypeError(f"'{name}' is given twice; give each name once")


def margins(text: str) -> float | dict[str, float]:
    """--margin: one share of GMV (0.25) or NAME=share pairs (CameraAccessory=0.2,HomeAudio=0.3), each in (0, 1]."""

    def share(value: str, name: str = "") -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a share of GMV: '{value}'{name}; give e.g. 0.25 for 25%") from None
        if not 0 < number <= 1:
            raise argparse.ArgumentTypeError(f"a margin is a share of GMV above 0 and at most 1; got {value}{name}")
        return number

    if "=" not in text:
        return share(text.strip())
    pairs: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, value = item.partition("=")
        if not name.strip() or not value.strip():
            raise argparse.ArgumentTypeError(f"'{item}' is not NAME=share; e.g. HomeAudio=0.3")
        _once(pairs, name.strip())
        pairs[name.strip()] = share(value.strip(), f" for {name.strip()}")
    return pairs


def calendar_date(text: str) -> str:
    """--start/--end: a date pandas reads, from 1900 to 2100 like the dates of a plan; returned as typed."""
    from ..data.date_cells import option_date  # pandas is imported only when a date is given, so --help stays fast

    try:
        option_date("date", text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("date: ")) from None
    return text


def model_name(text: str) -> str:
    """--model: one of the registered model kinds."""
    if text not in MODEL_KINDS:
        raise argparse.ArgumentTypeError(f"unknown model '{text}'; choose one of {model_names()}")
    return text


def bounded(cast: Callable[[str], float], minimum: float, kind: str, maximum: float = MAX_AMOUNT) -> Callable[[str], float]:
    """An argparse type: `cast` the text and require a finite value from `minimum` to `maximum`, in plain words."""

    def parse(text: str) -> float:
        try:
            value = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got '{text}'") from None
        if not (value >= minimum and value <= maximum):  # NaN fails both
            low, high = (f"{minimum:,}", f"{maximum:,}") if cast is int else (f"{minimum:g}", f"{maximum:g}")
            raise argparse.ArgumentTypeError(f"must be a finite value from {low} to {high}, got {text}")
        return value

    parse.__name__ = kind  # argparse names the type in some messages
    return parse


SMALLEST_AMOUNT = NUMERIC_FLOOR  # "more than zero" for an amount or a ratio typed on the command line

non_negative = bounded(float, 0, "a number")
positive_amount = bounded(float, SMALLEST_AMOUNT, "an amount")
positive_number = bounded(float, SMALLEST_AMOUNT, "a number")
positive_int = bounded(int, 1, "a whole number", maximum=1_000_000)
seed = bounded(int, 0, "a whole number from 0 to 2**32 - 1", maximum=2**32 - 1)


def pooling(text: str) -> float | str:
    """--pooling: 'auto' (estimated from the data) or a weight of 0 or more."""
    if text.strip().lower() == AUTO:
        return AUTO
    try:
        float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected '{AUTO}' or a weight of 0 or more such as 0.0015, got '{text}'") from None
    return bounded(float, 0, "a weight of 0 or more, or 'auto'")(text)


def max_change(text: str) -> float | str | None:
    """--max-change: a fraction of 0 or more, 'none' (no limit), 'auto' or 'own' (each channel's own limit)."""
    if text.strip().lower() in ("none", "off"):
        return None
    if text.strip().lower() in (AUTO, OWN):
        return text.strip().lower()
    try:
        return bounded(float, 0, "a fraction, 'none' or 'auto'")(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a fraction such as 0.3, 'none', '{AUTO}' or '{OWN}', got '{text}'") from None
