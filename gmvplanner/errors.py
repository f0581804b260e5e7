"""The one error type users see: bad input, named by file, column and row."""

from __future__ import annotations

from pathlib import Path

__all__ = ["InputError", "ArtifactError"]


class InputError(ValueError):
    """Input a user can fix; the message names the file, column and row where known.

    `file` is a path or any other name for where the input came from (a form field, an option such as
    '--engine'); it is shown as `str(file)`, so a `Path` and its string give the same message.
    """

    def __init__(self, file: str | Path, message: str, column: str | None = None, row: int | None = None):
        self.file = str(file)
        self.column = column
        self.row = row
        where = self.file
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class ArtifactError(RuntimeError):
    """Artifacts that cannot be trusted (tampered, incomplete, or built with other libraries or features)."""
