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
