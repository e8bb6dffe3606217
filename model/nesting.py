"""Parsing a JSON or TOML file a user brings, with nesting bounded.

Both of Python's parsers recurse once per level, so a file nested a few thousand levels deep
ends in RecursionError wherever it is parsed. No kdoffload file nests more than a handful of
levels: the depth is scanned here, at the parse boundary, before the parser runs, and a deeper
file is one line naming it.
"""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from pathlib import Path

from kdoffload.model.errors import InputError

MAX_DEPTH = 64  # C++ (manifest.cpp) and Java (Json.java) refuse at the same depth


# Strings and comments, whose brackets do not nest: one left-to-right pass drops them.
_NOT_NESTING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_nesting(text: str, source: Path | str) -> None:
    """InputError naming `source` if brackets outside strings and comments nest deeper than
    MAX_DEPTH (a scan without recursion, before any parser recurses)."""
    brackets = _NOT_BRACKET.sub("", _NOT_NESTING.sub("", text))
    steps = (1 if ch in "[{" else -1 for ch in brackets)
    if max(itertools.accumulate(steps, initial=0)) > MAX_DEPTH:
        raise _too_deep(source)


def _too_deep(source: Path | str) -> InputError:
    return InputError(f"{source}: nested deeper than {MAX_DEPTH} levels")


def _parse(data: bytes | str, source: Path | str, loads, malformed: type[Exception], kind: str):
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text (not a {kind} file)") from None
    check_nesting(data, source)
    try:
        return loads(data)
    except malformed as err:
        raise InputError(f"{source}: not valid {kind}: {err}") from None
    except RecursionError:  # the scan above makes this unreachable; it stays the last line of defence
        raise _too_deep(source) from None


def parse_json(data: bytes | str, source: Path | str):
    """The JSON value of `data` (a file's bytes or text); InputError naming `source` if malformed."""
    return _parse(data, source, json.loads, json.JSONDecodeError, "JSON")


def parse_toml(data: bytes | str, source: Path | str) -> dict:
    """The TOML table of `data`; InputError naming `source` if malformed or nested too deeply."""
    return _parse(data, source, tomllib.loads, tomllib.TOMLDecodeError, "TOML")
