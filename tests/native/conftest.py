from pathlib import Path

import pytest

from kdoffload.model import native

# `make test` builds the core first (native-check), so these run there; elsewhere they say why not.


def pytest_collection_modifyitems(items):
    if native.available():
        return
    skip = pytest.mark.skip(reason=f"{native.library_path()} missing ({native.BUILD_HINT})")
    for item in items:
        if "tests/native" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def kdo_bench() -> Path:
    """The native runner beside the core Python loads (bench/native)."""
    runner = native.library_path().resolve().parent / "kdo_bench"
    if not runner.is_file():
        pytest.skip(f"{runner} is not built ({native.BUILD_HINT})")
    return runner
