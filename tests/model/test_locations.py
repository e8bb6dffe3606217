"""Where the package finds the native core and the source tree: explicit settings first, then the
installed package or the checkout pip installed it from, never a path walked up from a file."""

from importlib import resources
from pathlib import Path

import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.locations import core_library, source_dir

ROOT = Path(__file__).resolve().parents[2]


def test_the_core_is_the_setting_else_the_package_copy(monkeypatch, tmp_path):
    monkeypatch.setenv("KDO_CORE_LIB", str(tmp_path / "libkdocore.so"))
    assert core_library() == tmp_path / "libkdocore.so"
    monkeypatch.delenv("KDO_CORE_LIB")
    assert core_library() == Path(str(resources.files("kdoffload.model"))) / "lib" / "libkdocore.so"


def test_the_source_tree_is_the_setting_and_it_must_be_a_checkout(monkeypatch, tmp_path):
    monkeypatch.setenv("KDO_SOURCE_DIR", str(ROOT))
    assert source_dir("native/CMakeLists.txt") == ROOT
    monkeypatch.setenv("KDO_SOURCE_DIR", str(tmp_path))
    with pytest.raises(InputError, match="KDO_SOURCE_DIR is not a kdoffload checkout"):
        source_dir("native/CMakeLists.txt")
