"""Hidden widths as users write them ("64x64"): parsed and named without importing torch."""

from __future__ import annotations

from kdoffload.model.errors import InputError


def parse_hidden(text: str, option: str = "hidden") -> tuple[int, ...]:
    """'64x64' -> (64, 64): hidden widths, one to four layers of 1..4096 units."""
    try:
        widths = tuple(int(part) for part in text.lower().split("x"))
    except ValueError:
        widths = ()
    if not 1 <= len(widths) <= 4 or not all(1 <= w <= 4096 for w in widths):
        raise InputError(f"{option}: {text!r} is not hidden widths like 64x64 (1-4 layers of 1..4096)")
    return widths


def hidden_name(hidden: tuple[int, ...]) -> str:
    return "x".join(str(w) for w in hidden)
