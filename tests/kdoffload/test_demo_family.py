"""`kdoffload demo --profile <family>`: the graph student's whole job for one family."""

import json

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.jobs import demo_family
from kdoffload.jobs.artifacts import Refused
from kdoffload.jobs.reporter import RecordingReporter
from kdoffload.model.profile import load_profile
from kdoffload.model.runs import GraphStudentLayout, Runs

TINY = demo_family.FamilySizes(train_states=64, validation_states=16, eval_states=16, transfer_states=32,
                               epochs=1, duration=30.0)


def test_a_family_with_its_own_ranges_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fam.toml").write_text('name = "fam"\nedge_cores = 3\n[family.daggen]\nn = 6\n')
    result = CliRunner().invoke(app, ["demo", "--profile", "fam.toml"])
    assert result.exit_code == 2, result.output
    assert "give the family as daggen:n=6" in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "runs").exists()


def _refuse(job, reporter):
    raise Refused("export refused: int8's guarded decisions 3% slower than eager's")


@pytest.mark.slow  # about 10 s: two tiny trainings' worth of steps
def test_the_family_demo_makes_every_step_under_its_run_folder(tmp_path, monkeypatch):
    """Tiny sizes; the export (minutes: lowering, calibration and verification up to N = 64) is
    refused here, which the demo must survive: the stream then runs without the .pte engine."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(demo_family.graph, "export", _refuse)
    family = load_profile("daggen:n=5,n_max=7", allow_family=True)
    reporter = RecordingReporter()
    demo_family.run(demo_family.FamilyDemoJob(family, TINY, workers=1), reporter)
    assert any("export refused" in str(item) for item in reporter.shown)
    run_dir = Runs(family.name).dir
    layout = GraphStudentLayout(run_dir)
    assert layout.student.is_file()
    assert any(f"| {family.name}, new graphs |" in str(item) for item in reporter.shown)
    assert list(layout.data.glob("*.npz"))
    record = json.loads((Runs(family.name).sim / "run.json").read_text())
    policies = [s["policy"] for s in record["summaries"]]
    assert {"graph-student", "graph-student+guarded", "heft", "greedy", "all-local"} <= set(policies)
    assert all(s["arrived"] == record["config"]["tasks"] for s in record["summaries"])
    assert "graph-student-pte+guarded" not in policies
    assert [note.split(":")[0] for note in reporter.notes if note.endswith(" s")][-4:] == [
        "demonstrations, teacher, student", "evaluation", "export", "stream"]
    before = layout.student.stat().st_mtime_ns
    demo_family.run(demo_family.FamilyDemoJob(family, TINY, workers=1), RecordingReporter())
    assert layout.student.stat().st_mtime_ns == before  # made once, then reused


def test_an_export_is_current_only_for_the_student_it_was_made_from(tmp_path):
    import hashlib

    layout = GraphStudentLayout(tmp_path)
    pte = demo_family.graph.shipped_pte(tmp_path)
    pte.parent.mkdir(parents=True)
    layout.student.write_bytes(b"student one")
    pte.write_bytes(b"program")
    manifest = pte.with_name(pte.name.removesuffix(".pte") + ".manifest.json")
    sha = hashlib.sha256(b"student one").hexdigest()
    manifest.write_text(json.dumps({"export": {"checkpoint": {"sha256": sha}}}))
    assert demo_family.graph.shipped_export_current(tmp_path)
    layout.student.write_bytes(b"student two")  # retrained since
    assert not demo_family.graph.shipped_export_current(tmp_path)
    manifest.write_text("{torn")
    assert not demo_family.graph.shipped_export_current(tmp_path)
