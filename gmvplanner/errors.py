"""The one error type users see: bad input, named by file, column and row."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["InputError", "ArtifactError", "shortened", "shortened_words", "LONGEST_NAME"]

LONGEST_NAME = 120  # characters of a name or value shown in a message; longer ones keep their start and end
_QUOTED = re.compile(rf"'([^']{{{LONGEST_NAME + 1},}})'")
_LONG_RUN = re.compile(rf"\S{{{LONGEST_NAME + 1},}}")


def shortened(text: str, limit: int = LONGEST_NAME) -> str:
    """`text` as shown in a one-line message: as it is up to `limit` characters, else its start and end around
    '...' with its length, so a 100,000-character column name cannot bury the line."""
    text = str(text)
    if len(text) <= limit:
        return text
    head, tail = text[: limit // 2], text[-(limit // 6) :]  # with the note, well within `limit`: shortening twice is a no-op
    return f"{head}...{tail} ({len(text):,} characters)"


def shortened_words(message: str) -> str:
    """`message` with every quoted name and every unbroken run of characters longer than LONGEST_NAME shortened."""
    message = _QUOTED.sub(lambda m: f"'{shortened(m.group(1))}'", message)
    return _LONG_RUN.sub(lambda m: shortened(m.group(0)), message)


class InputError(ValueError):
    """Input a user can fix; the message names the file, column and row where known.

    `file` is a path or any other name for where the input came from (a form field, an option such as
    '--engine'); it is shown as `str(file)`, so a `Path` and its string give the same message.
    """

    def __init__(self, file: str | Path, message: str, column: str | None = None, row: int | None = None):
        self.file = str(file)
        self.column = column
        self.row = row
        self.message = message  # without where: a caller that knows better where the input came from re-raises it
        where = shortened(self.file)
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f", column '{shortened(column)}'"
        super().__init__(f"{where}: {shortened_words(message)}")

    def __reduce__(self) -> tuple[type[InputError], tuple[object, ...]]:
        """Pickled by its fields, so an InputError raised in a worker process (training fits there side by side)
        reaches the user as itself; Exception's default pickles only the formatted message, which the constructor
        cannot take back."""
        return (type(self), (self.file, self.message, self.column, self.row))


class ArtifactError(RuntimeError):
    """Artifacts that cannot be trusted (tampered, incomplete, or built with other libraries or features)."""
