"""Deep nesting: a TOML, a manifest or a phone result nested 5,000 levels deep is one line in
every parser (Python's recurse per level; C++ and Java bound the depth while parsing)."""

from __future__ import annotations

import subprocess

import pytest

from kdoffload.android.results import load_phone_result, parse_results
from kdoffload.mobile_export.checks import read_manifest
from kdoffload.model import native
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import read_graph
from kdoffload.model.nesting import MAX_DEPTH, parse_json, parse_toml
from kdoffload.model.profile import CONFIG_DIR, load_profile

DEEP = 5000


def deep_json():
    """(shape, text) of JSON nested DEEP levels, as arrays, objects, and both inside a real key."""
    yield "arrays", "[" * DEEP + "]" * DEEP
    yield "objects", '{"a":' * DEEP + "1" + "}" * DEEP
    yield "inside a key", '{"golden": ' + '[{"x": ' * (DEEP // 2) + "1" + "}]" * (DEEP // 2) + "}"


def deep_toml():
    yield "arrays", "a = " + "[" * DEEP + "]" * DEEP + "\n"
    yield "inline tables", "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n"
    yield "under a real table", '[ranges]\nf_edge = ' + "[" * DEEP + "]" * DEEP + "\n"


def test_the_depth_bound_leaves_real_files_alone():
    for profile in CONFIG_DIR.glob("*.toml"):
        parse_toml(profile.read_text(), profile)
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(nested, "x") and parse_toml(f"a = {nested}", "x")
    assert parse_json('{"a": "[[[[[[[[ not nesting \\" [[["}', "x")
    with pytest.raises(InputError, match="nested deeper than 64 levels"):
        parse_json("[" + nested + "]", "x")


@pytest.mark.parametrize("shape,text", list(deep_toml()), ids=[s for s, _ in deep_toml()])
def test_a_deep_toml_is_one_line_in_every_reader(tmp_path, refused, shape, text):
    path = tmp_path / "deep.toml"
    path.write_text('name = "deep"\n' + text)
    for read in (load_profile, read_graph):
        with pytest.raises(InputError, match=f"{path}: nested deeper than {MAX_DEPTH} levels"):
            read(path)
    refused("data", "--profile", str(path), "--samples", "10", "--out", "d.npz", needle="nested deeper")


@pytest.mark.parametrize("shape,text", list(deep_json()), ids=[s for s, _ in deep_json()])
def test_a_deep_manifest_or_phone_result_is_one_line_in_every_reader(tmp_path, shape, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    readers = (read_manifest, load_phone_result, lambda p: parse_results(p.read_bytes(), str(p)))
    for read in readers:
        with pytest.raises(InputError, match="nested deeper than 64 levels") as err:
            read(path)
        assert str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("shape,text", list(deep_json()), ids=[s for s, _ in deep_json()])
def test_a_deep_manifest_is_one_line_in_the_native_core(tmp_path, shape, text):
    runner = native.library_path().parent / "kdo_bench"
    if not runner.is_file():
        pytest.skip(f"{runner} is not built ({native.BUILD_HINT})")
    manifest, pte = tmp_path / "deep.json", tmp_path / "m.pte"
    manifest.write_text(text)
    pte.write_bytes(b"\0" * 64)
    done = subprocess.run([str(runner), "--model", str(pte), "--manifest", str(manifest), "--check-only"],
                          capture_output=True, text=True, timeout=60)
    lines = done.stderr.splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "nested deeper than 64 levels" in lines[0], done.stderr
