"""Outputs, by class: a place no file can go is refused before any work, and an artifact that
exists is never replaced unless the command is told --force (or --resume)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model import dataset
from kdoffload.model.profile import load_profile

SIM = ["--profile", "chain6", "--policies", "greedy", "--duration", "1"]


def _not_writable(tmp_path: Path) -> Path:
    """A folder no file can be made in, whoever runs the test (root writes past permission bits)."""
    if os.geteuid() == 0:
        return Path("/proc")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


# Each class of bad place, built under the test's folder: (folder output, file output, needle).
def bad_places(tmp_path: Path) -> list[tuple[str, str, str]]:
    (tmp_path / "notes.md").write_text("a file that is not an output\n")
    (tmp_path / "other.npz").write_text("not ours either\n")
    locked = _not_writable(tmp_path)
    return [("notes.md", "other.npz", ""),
            ("notes.md/inside", "notes.md/inside.npz", "notes.md is a file, not a folder"),
            (f"{locked}/out", f"{locked}/out.npz", "is not writable")]


def test_every_bad_output_place_is_refused_before_any_work(refused, tmp_path):
    for folder, file, needle in bad_places(tmp_path):
        refused("simulate", *SIM, "--out", folder, needle=needle or "is a file, not a folder")
        refused("data", "--samples", "10", "--out", file, needle=needle or "already exists")
    refused("data", "--samples", "10", "--out", "notes.md", needle="must be a .npz file")


@pytest.mark.parametrize("command", [["evaluate"], ["evaluate", "--states", "absent.csv"], ["export"]])
def test_a_report_or_export_folder_that_is_a_file_is_refused(refused, tmp_path, command):
    run = tmp_path / "runs" / "chain6"
    run.mkdir(parents=True)
    (run / "report").write_text("in the way\n")
    (run / "export").write_text("in the way\n")
    refused(*command, needle="is a file, not a folder")  # before the states file is even read


def _artifact(tmp_path: Path, relative: str) -> Path:
    path = tmp_path / "runs" / "chain6" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"an earlier run's artifact")
    return path


# Every command that makes an artifact later steps build on, and that artifact.
ARTIFACTS = [(["train", "--epochs", "1"], "teacher/checkpoint.pt", "--resume continues it"),
             (["distill", "--epochs", "1"], "student/checkpoint.pt", "--resume continues it"),
             (["ablation", "--epochs", "1"], "ablation/variant/checkpoint.pt", "use --force"),
             (["export"], "export/student_xnnpack_int8.pte", "use --force"),
             (["data", "--samples", "10"], "data/train.npz", "use --force")]


@pytest.mark.parametrize("command, relative, how", ARTIFACTS, ids=[a[0][0] for a in ARTIFACTS])
def test_an_existing_artifact_is_not_replaced_unasked(refused, tmp_path, command, relative, how):
    _artifact(tmp_path, relative)
    line = refused(*command, needle="already exists")
    assert how in line and (relative.split("/")[0] in line)


def test_force_and_resume_together_are_refused(refused):
    for command in ("train", "distill"):
        refused(command, "--force", "--resume", needle="choose one")


def test_force_replaces_the_dataset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "runs" / "chain6" / "data" / "train.npz"
    dataset.generate(load_profile("chain6"), 10, 0, out)
    result = CliRunner().invoke(app, ["data", "--samples", "12", "--seed", "1", "--force", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert dataset.read_meta(out)["samples"] == 12
