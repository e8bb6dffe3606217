"""Reading a user's text file (a trace, arrival times): every way it can fail is one line naming the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kdoffload.model.errors import InputError


def read_text(path: Path, what: str) -> str:
    """The text of a UTF-8 file (a byte-order mark is allowed); `what` names it in errors."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such {what} file")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise InputError(f"{path}: cannot read the {what} file ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}); the {what} must be a text file") from None


def read_rows(path: Path, what: str) -> list[list[str]]:
    """The rows of a UTF-8 CSV (a byte-order mark is allowed); `what` names it in errors."""
    text = read_text(path, what)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise InputError(f"{Path(path)}: not a readable CSV ({err})") from None
