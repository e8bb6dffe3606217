"""Modules that load on first use, so `kdoffload --help` and usage errors never import torch.

The commands' modules name torch- and matplotlib-backed modules through `lazy(...)`; the real
import runs the first time an attribute is read, inside the command that needs it. The stand-in
is not put in `sys.modules`: a library walking `sys.modules` while it imports (torch does) must
not set off an import half-way through its own.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class _Lazy:
    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


def lazy(name: str) -> ModuleType:
    return _Lazy(name)  # type: ignore[return-value]
