"""Security: no code runs from a data file, names never become paths, every client verifies."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch

from kdoffload.model.profile import CONFIG_DIR


class Payload:
    """Unpickling this runs `touch <marker>`: what a hostile checkpoint would do."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_checkpoint_cannot_run_code(refused, tmp_path):
    marker = tmp_path.parent / f"{tmp_path.name}-pwned"
    checkpoint = tmp_path / "runs" / "chain6" / "student" / "checkpoint.pt"
    checkpoint.parent.mkdir(parents=True)
    torch.save({"version": 1, "kind": "student", "hook": Payload(marker)}, checkpoint)
    for command in (["export", "--profile", "chain6"],
                    ["simulate", "--profile", "chain6", "--policies", "student", "--duration", "5"]):
        refused(*command, needle="runs/chain6/student/checkpoint.pt")
        assert not marker.exists(), "the checkpoint's payload ran"


def test_a_profile_name_is_not_a_path(refused, tmp_path):
    text = (CONFIG_DIR / "chain6.toml").read_text()
    for name in ("../escape", "/tmp/abs", "a/b", "..", ".hidden", "x" * 65, "semi;colon"):
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace('name = "chain6"', f"name = {name!r}".replace("'", '"')))
        try:
            refused("data", "--profile", str(bad), "--samples", "10", needle="name")
        finally:
            bad.unlink()
    assert not (tmp_path.parent / "escape").exists()


def test_a_shipped_name_means_the_shipped_profile(tmp_path, monkeypatch):
    from kdoffload.model.profile import load_profile

    monkeypatch.chdir(tmp_path)
    (tmp_path / "chain6").mkdir()  # a folder that shadows the name
    (tmp_path / "dag10").write_text("not toml")
    assert load_profile("chain6").n == 6 and load_profile("dag10").n == 10


def test_a_tampered_export_is_refused_by_the_simulator(refused, tmp_path, exported_run):
    export = tmp_path / "runs" / "chain6" / "export"
    shutil.copytree(exported_run, export)
    manifest = export / "student_xnnpack_int8.manifest.json"  # the shipped build the engine runs
    manifest.write_text(manifest.read_text().replace('"top_k":8', '"top_k":0'))
    refused("simulate", "--profile", "chain6", "--policies", "student-pte", "--duration", "5",
            needle="decoder")
