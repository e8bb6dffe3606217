"""When an export on disk is current: one rule (`export_is_current`), the stricter of the two
the tree once had."""

import hashlib
import json

import pytest

from kdoffload.mobile_export.config import FORMAT_VERSION, ExportConfig
from kdoffload.mobile_export.export import export_is_current


@pytest.fixture
def files(tmp_path):
    checkpoint = tmp_path / "checkpoint.pt"
    checkpoint.write_bytes(b"weights")
    manifest = tmp_path / "student_xnnpack_fp32.manifest.json"
    manifest.write_text(json.dumps({
        "format_version": FORMAT_VERSION, "decoder": ExportConfig().decoder.to_manifest(),
        "export": {"checkpoint": {"sha256": hashlib.sha256(b"weights").hexdigest()}}}))
    return manifest, checkpoint


def test_an_export_of_this_checkpoint_format_and_decoder_is_current(files):
    assert export_is_current(*files, ExportConfig())


def test_another_checkpoint_decoder_or_format_is_not(files):
    manifest, checkpoint = files
    assert not export_is_current(manifest, checkpoint, ExportConfig(top_k=16))
    record = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**record, "format_version": FORMAT_VERSION - 1}))
    assert not export_is_current(manifest, checkpoint, ExportConfig())
    manifest.write_text(json.dumps(record))
    checkpoint.write_bytes(b"retrained")
    assert not export_is_current(manifest, checkpoint, ExportConfig())


def test_without_its_checkpoint_or_whole_manifest_an_export_is_not_current(files):
    manifest, checkpoint = files
    checkpoint.unlink()  # a copied export: nothing shows what it was made from
    assert not export_is_current(manifest, checkpoint, ExportConfig())
    checkpoint.write_bytes(b"weights")
    for torn in ("{ torn", "[1, 2]", "\xff"):
        manifest.write_text(torn)
        assert not export_is_current(manifest, checkpoint, ExportConfig())


def test_an_observing_profile_s_export_is_current_only_with_backlog_scoring(files):
    from kdoffload.model.profile import load_profile

    manifest, checkpoint = files
    dyn, still = load_profile("chain6-dyn"), load_profile("chain6")
    assert export_is_current(manifest, checkpoint, ExportConfig(), still)
    assert not export_is_current(manifest, checkpoint, ExportConfig(), dyn)  # no decoder.rate_estimate: from an idle phone
    record = json.loads(manifest.read_text())
    record["decoder"] = ExportConfig().decoder_for(dyn).to_manifest()
    manifest.write_text(json.dumps(record))
    assert export_is_current(manifest, checkpoint, ExportConfig(), dyn)
