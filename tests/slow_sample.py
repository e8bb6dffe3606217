"""`--slow-sample K`: run every fast test and K of the tests marked slow, drawn by a seed.

`make test` (what CI runs) takes a bounded sample so the suite stays near a quarter of an hour on
two cores; the seed is printed, and `--slow-seed S` replays a draw. `make test-all` runs every
slow test. The draw is over test ids, sorted, so it does not depend on collection order.
"""

from __future__ import annotations

import random
import time

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("kdoffload")
    group.addoption("--slow-sample", type=int, default=None, metavar="K",
                    help="run only K of the tests marked slow (all fast tests still run)")
    group.addoption("--slow-seed", type=int, default=None, metavar="S",
                    help="the seed of the slow-test draw (default: from the clock, printed)")


def _seed(config) -> int:
    seed = config.getoption("--slow-seed")
    return int(time.time()) % 100_000 if seed is None else seed


def pytest_configure(config):
    config._kdo_slow_seed = _seed(config)


def pytest_report_header(config):
    k = config.getoption("--slow-sample")
    if k is not None:
        return f"slow tests: a sample of {k}, seed {config._kdo_slow_seed} (--slow-seed to replay)"
    return None


def pytest_collection_modifyitems(config, items):
    k = config.getoption("--slow-sample")
    if k is None:
        return
    slow = sorted((item for item in items if item.get_closest_marker("slow")), key=lambda i: i.nodeid)
    chosen = set(random.Random(config._kdo_slow_seed).sample(slow, min(k, len(slow))))
    dropped = [item for item in slow if item not in chosen]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in set(dropped)]
