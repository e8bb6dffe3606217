"""`kdoffload export` on a run directory: files where the layout says, errors in one line."""

import json

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model.profile import load_profile
from tests.mobile_export.conftest import make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    return root, make_run(root, load_profile("chain6"))


def invoke(root, monkeypatch, *args):
    monkeypatch.chdir(root)
    return CliRunner().invoke(app, list(args))


@pytest.mark.slow
def test_export_writes_pte_manifest_and_floor(run, monkeypatch):
    root, run_dir = run
    result = invoke(root, monkeypatch, "export", "--profile", "chain6")
    assert result.exit_code == 0, result.output
    out = run_dir / "export"
    # The student a phone gets, unless told otherwise: int8 on XNNPACK.
    assert {p.name for p in out.iterdir()} == {"student_xnnpack_int8.pte", "floor_xnnpack.pte",
                                              "student_xnnpack_int8.manifest.json"}
    manifest = json.loads((out / "student_xnnpack_int8.manifest.json").read_text())
    assert manifest["export"]["quantization"] == "int8" and manifest["reference_weights"] is None
    assert manifest["export"]["checkpoint"]["file"] == "checkpoint.pt"
    assert manifest["verification"]["test_states"] == 300


def test_the_exported_student_is_a_simulator_engine(run, monkeypatch):
    from kdoffload.jobs.engines import learned_engines
    from kdoffload.jobs.reporter import RecordingReporter
    from kdoffload.scheduler.engines import EngineSet

    root, _ = run
    # An export of this build may exist (the test above made it): --force makes it again.
    assert invoke(root, monkeypatch, "export", "--profile", "chain6", "--force").exit_code == 0
    chosen = EngineSet.parse("student-pte,student-pte+guarded", learned_engines(RecordingReporter()))
    assert chosen.make("student-pte", load_profile("chain6"), 0).policy.name == "student-pte"
    assert chosen.make("student-pte+guarded", load_profile("chain6"), 0).policy.name == "student-pte+guarded"


def test_bad_input_is_one_line_exit_2(run, monkeypatch):
    root, _ = run
    for args, needle in ((["--backend", "metal"], "--backend"),
                         (["--model", "teacher", "--profile", "dag10"], "checkpoint")):
        result = invoke(root, monkeypatch, "export", *args)
        assert result.exit_code == 2, result.output
        assert result.output.strip().count("\n") == 0 and needle in result.output


def test_a_refused_export_exits_1_and_writes_nothing(run, monkeypatch):
    from kdoffload.mobile_export import export as export_module
    from kdoffload.mobile_export.lower import export_bytes

    root, run_dir = run
    # The lowered program is another network of the same shape: verification must catch it.
    monkeypatch.setattr(export_module, "export_bytes",
                        lambda net, *a: export_bytes(type(net)(net.config).eval(), "xnnpack", "fp32"))
    result = invoke(root, monkeypatch, "export", "--model", "teacher")
    assert result.exit_code == 1
    assert "export refused" in result.output and "a logit differs" in result.output
    assert not (run_dir / "export" / "teacher_xnnpack_fp32.pte").exists()


@pytest.mark.slow
def test_an_export_of_an_older_manifest_format_is_made_again(run, monkeypatch):
    from kdoffload.jobs.export import ensure_export
    from kdoffload.jobs.reporter import RecordingReporter
    from kdoffload.mobile_export.config import ExportConfig

    root, run_dir = run
    monkeypatch.chdir(root)
    ensure_export(load_profile("chain6"), ExportConfig(), RecordingReporter())
    manifest = run_dir / "export" / "student_xnnpack_fp32.manifest.json"
    old = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**old, "format_version": 1}))
    ensure_export(load_profile("chain6"), ExportConfig(), RecordingReporter())
    assert json.loads(manifest.read_text())["format_version"] == old["format_version"]
    manifest.write_text("{ torn")
    ensure_export(load_profile("chain6"), ExportConfig(), RecordingReporter())
    assert json.loads(manifest.read_text())["format_version"] == old["format_version"]
