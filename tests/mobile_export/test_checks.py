"""Every loading check, each triggered by a deliberately broken file: one line naming the file."""

import json
import shutil

import pytest

from kdoffload.mobile_export.checks import open_checked
from kdoffload.mobile_export.policy import load_pte_decider
from kdoffload.mobile_export.config import manifest_for
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile


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
    path.write_text(json.dumps({**manifest, "format_version": 1}))
    message = rejected(pte, chain6_profile)
    assert str(path) in message and "format_version is 1" in message


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


def refused_decider(pte, profile) -> str:
    """Tampering that leaves the .pte intact must still stop every client before it decides."""
    with pytest.raises(InputError) as caught:
        load_pte_decider(profile, pte)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("tamper, needle", [
    (lambda m: m["features"].update(mean=[x + 0.5 for x in m["features"]["mean"]]), "golden features"),
    (lambda m: m["features"]["std"].__setitem__(3, 0.0), "features.std"),
    (lambda m: m["features"]["std"].__setitem__(0, float("nan")), "features.std"),
    (lambda m: m["decoder"].update(top_k=0), "decoder"),
    (lambda m: m["decoder"].update(ood_top_k="many"), "decoder"),
    (lambda m: m["decoder"].update(default="oracle"), "decoder"),
    (lambda m: m["features"]["support"].pop("max"), "features.support.max"),
    (lambda m: m.update(golden=[]), "golden"),
    (lambda m: m["golden"][0].pop("guarded_placement"), "guarded_placement"),
    (lambda m: m["golden"][1].update(guarded_placement=[2, 2, 2, 2, 2, 1]), "golden[1]"),
    (lambda m: m["golden"][0]["logits"][0].__setitem__(0, 9.0), "logits differ"),
    (lambda m: m["golden"][0]["state"].update(cycles="lots"), "golden[0].state.cycles"),
    (lambda m: m.update(verification={}), "verification.logit_tolerance"),
])
def test_a_tampered_manifest_is_refused_by_the_decider(copy, chain6_profile, tamper, needle):
    pte, path, manifest = copy
    tamper(manifest)
    path.write_text(json.dumps(manifest))
    message = refused_decider(pte, chain6_profile)
    assert str(path) in message and needle in message
