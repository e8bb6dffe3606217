"""Every loading check, each triggered by a deliberately broken file: one line naming the file."""

import json
import shutil

import pytest

from mobile_export.checks import open_checked
from mobile_export.config import manifest_for
from model.errors import InputError
from model.system import load_profile


@pytest.fixture
def copy(exported, tmp_path):
    """A private copy of the export: (pte, manifest path, manifest dict)."""
    pte = tmp_path / exported.pte.name
    shutil.copy(exported.pte, pte)
    shutil.copy(exported.manifest, manifest_for(pte))
    return pte, manifest_for(pte), json.loads(exported.manifest.read_text())


def rejected(pte, profile, manifest=None) -> str:
    with pytest.raises(InputError) as caught:
        open_checked(pte, profile, manifest)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_intact_copy_loads(copy, chain6_profile):
    program, manifest = open_checked(copy[0], chain6_profile)
    assert program.input_width == manifest["input_shape"][1]


def test_wrong_format_version(copy, chain6_profile):
    pte, path, manifest = copy
    path.write_text(json.dumps({**manifest, "format_version": 2}))
    message = rejected(pte, chain6_profile)
    assert str(path) in message and "format_version is 2" in message


def test_sha256_differs(copy, chain6_profile):
    pte, path, _ = copy
    data = bytearray(pte.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other content
    pte.write_bytes(bytes(data))
    message = rejected(pte, chain6_profile)
    assert str(pte) in message and "sha256" in message and str(path) in message


def test_size_differs(copy, chain6_profile):
    pte, path, _ = copy
    pte.write_bytes(pte.read_bytes() + b"\0")
    message = rejected(pte, chain6_profile)
    assert str(pte) in message and "size is" in message


def test_other_profile(copy):
    pte, path, _ = copy
    message = rejected(pte, load_profile("dag10"))
    assert str(path) in message and "profile.name is chain6" in message


def test_other_graph_under_the_same_name(copy, chain6_profile):
    pte, path, manifest = copy
    manifest["profile"]["edges"] = manifest["profile"]["edges"][:-1]
    path.write_text(json.dumps(manifest))
    assert "profile.edges" in rejected(pte, chain6_profile)


def test_input_width_differs_from_the_recipe(copy, chain6_profile):
    pte, path, manifest = copy
    path.write_text(json.dumps({**manifest, "input_shape": [1, 23]}))
    message = rejected(pte, chain6_profile)
    assert str(path) in message and "input_shape is [1, 23]" in message


def test_input_width_differs_from_the_program(copy):
    pte, path, manifest = copy
    path.write_text(json.dumps({**manifest, "input_shape": [1, 23]}))
    message = rejected(pte, None)  # no profile: the program's own input shape must catch it
    assert str(pte) in message and "takes input [1, 22]" in message


def test_not_json_and_missing(copy, chain6_profile):
    pte, path, _ = copy
    path.write_text("{ torn")
    assert "not valid JSON" in rejected(pte, chain6_profile)
    path.unlink()
    assert "no such manifest" in rejected(pte, chain6_profile)


def test_a_manifest_naming_a_missing_model(copy, chain6_profile):
    pte, path, _ = copy
    pte.unlink()
    assert "no such model" in rejected(pte, chain6_profile, path)
