"""A command prints only what kdoffload says, unless `--verbose` asks for the rest.

Silenced at their source: the Python loggers of torch and torchao that speak on import (a
torchao extension built for another CUDA, a pytree deprecation notice), and the ExecuTorch
runtime's native log lines (cpuinfo probing /sys on first load), which the Python bindings give
no way to filter: `mobile_export.runtime` sends them to /dev/null unless KDOFFLOAD_VERBOSE is set;
and the warnings of multiprocessing's resource tracker process after a Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

NOISY_LOGGERS = ("torchao", "torch.utils._pytree", "torch._export", "executorch")
VERBOSE_ENV = "KDOFFLOAD_VERBOSE"
# multiprocessing's resource tracker (its own process, started with this one's -W options) warns
# of the semaphores of a pool that Ctrl-C ended; it removes them all the same.
TRACKER_WARNINGS = "ignore::UserWarning:multiprocessing.resource_tracker"


def silence_third_party() -> None:
    if os.environ.get(VERBOSE_ENV):
        return
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    if TRACKER_WARNINGS not in sys.warnoptions:
        sys.warnoptions.append(TRACKER_WARNINGS)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", module="executorch")
    warnings.filterwarnings("ignore", module="torch")


def be_verbose() -> None:
    os.environ[VERBOSE_ENV] = "1"
    if TRACKER_WARNINGS in sys.warnoptions:
        sys.warnoptions.remove(TRACKER_WARNINGS)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    warnings.resetwarnings()
