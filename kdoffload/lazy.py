"""Modules that load on first use, so `kdoffload --help` and usage errors never import torch.

The commands' modules name torch- and matplotlib-backed modules through `lazy(...)`; the
import runs the first time an attribute is read, inside the command that needs it.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
