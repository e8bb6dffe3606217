"""Every `kdoffload android` command through the real adb against emulated phones."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from tests.kdoffload.android.helpers import launcher, write_apk, writing_launcher

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, ["android", *args])


def one_line_error(result, *words):
    assert result.exit_code == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    last = result.stderr.strip().splitlines()[-1]  # progress lines may come first
    assert errors == [last] and last.startswith("error: "), result.stderr
    for word in words:
        assert word in last, last
    return last


def installed_phone(phones, tmp_path, launcher_path, **config):
    serial, phone = phones(launcher=launcher_path, **config)
    result = invoke("install", "--apk", str(write_apk(tmp_path / "app.apk")), "--serial", serial)
    assert result.exit_code == 0, result.stderr
    return serial, phone


def test_devices_lists_state_and_model(phones):
    serial, _ = phones()
    locked, _ = phones("locked", handshake="auth")
    result = invoke("devices")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [serial, "device", "kdoffload_emulated"] in rows
    assert [locked, "unauthorized", "-"] in rows


def test_push_checks_every_file_on_the_phone(phones, workdir, tmp_path):
    serial, phone = phones()
    result = invoke("push", "--profile", "chain6", "--serial", serial)
    assert result.exit_code == 0, result.stderr
    folder = phone.storage.root / "data/local/tmp/kdoffload/chain6"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bench_states.json", "student_xnnpack_fp32.manifest.json", "student_xnnpack_fp32.pte"]
    export = workdir / "runs/chain6/export/student_xnnpack_fp32.pte"
    assert (folder / export.name).read_bytes() == export.read_bytes()
    again = invoke("push", "--profile", "chain6", "--serial", serial)  # nothing differs: no push
    assert again.exit_code == 0 and "push " not in again.stderr


def test_a_corrupted_push_is_caught_by_sha256(phones, workdir, monkeypatch):
    serial, _ = phones()
    from kdoffload.android.phone import sync

    real = sync.atomic_write
    monkeypatch.setattr(sync, "atomic_write",
                        lambda path, write: real(path, lambda f: (write(f), f.write(b"!"))))
    one_line_error(invoke("push", "--serial", serial), "sha256", "student_xnnpack_fp32")


def test_push_refuses_a_manifest_the_app_runtime_cannot_load(phones, workdir):
    serial, _ = phones()
    manifest = workdir / "runs/chain6/export/student_xnnpack_fp32.manifest.json"
    data = json.loads(manifest.read_text())
    data["export"]["executorch_version"] = "0.7.0"
    manifest.write_text(json.dumps(data))
    one_line_error(invoke("push", "--serial", serial), "executorch_version 0.7.0", "major.minor")


def test_bench_brings_home_the_phone_result_and_its_table(phones, workdir, tmp_path):
    serial, phone = installed_phone(phones, tmp_path, writing_launcher(tmp_path / "app"))
    result = invoke("bench", "--serial", serial, "--iters", "50", "--timeout", "30")
    assert result.exit_code == 0, result.stderr
    saved = workdir / "runs/chain6/bench" / f"phone-{serial.replace(':', '_')}.json"
    data = json.loads(saved.read_text())
    assert data["emulated"] is True and data["deviceInfo"]["device"] == "kdoffload-emulated"
    assert "| student on kdoffload-emulated (emulated) |" in result.stdout
    assert "--num-iter 50" in "\n".join(phone.storage.logcat({"kdoffload"}))


def test_simulate_charges_decisions_at_the_phone_times(phones, workdir, tmp_path):
    serial, _ = installed_phone(phones, tmp_path, writing_launcher(tmp_path / "app"))
    assert invoke("bench", "--serial", serial, "--timeout", "30").exit_code == 0
    saved = workdir / "runs/chain6/bench" / f"phone-{serial.replace(':', '_')}.json"
    result = runner.invoke(app, ["simulate", "--profile", "chain6", "--policies", "greedy",
                                 "--duration", "60", "--decision-time-from", str(saved)])
    assert result.exit_code == 0, result.stderr
    summary = json.loads((workdir / "runs/chain6/sim/run.json").read_text())["summaries"][0]
    measured = json.loads(saved.read_text())["records"][-1]["values"]
    assert min(measured) <= summary["mean_decision_us"] <= max(measured)


def test_bench_without_the_app_says_install_it(phones, workdir):
    serial, _ = phones()
    one_line_error(invoke("bench", "--serial", serial), "not installed", "kdoffload android install")


def test_bench_timeout_shows_the_app_log(phones, workdir, tmp_path):
    stuck = launcher(tmp_path / "stuck", "print('loading the model took forever', flush=True)\n"
                                         "time.sleep(60)\n")
    serial, _ = installed_phone(phones, tmp_path, stuck)
    one_line_error(invoke("bench", "--serial", serial, "--timeout", "1.5"),
                   "within 1.5 s", "loading the model took forever")


def test_bench_rejects_a_result_that_does_not_parse(phones, workdir, tmp_path):
    broken = launcher(tmp_path / "broken", "import os\nopen(os.path.join(a.files_dir, "
                                           "'kdoffload_results.json'), 'w').write('{truncated')\n")
    serial, _ = installed_phone(phones, tmp_path, broken)
    one_line_error(invoke("bench", "--serial", serial, "--timeout", "30"), "not JSON")


def test_device_states_and_counts_are_one_line_errors(phones, workdir):
    one_line_error(invoke("push"), "no device attached")
    locked, _ = phones("locked", handshake="auth")
    one_line_error(invoke("push", "--serial", locked), "unauthorized", "Allow USB debugging")
    gone, _ = phones("gone", handshake="silent")
    one_line_error(invoke("push", "--serial", gone), "offline")
    one_line_error(invoke("push"), "several devices", locked, gone)


def test_missing_adb_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        monkeypatch.delenv(variable, raising=False)
    one_line_error(invoke("devices"), "adb not found", "apt-get install adb")


def test_build_without_sdk_or_gradle_says_what_is_missing(monkeypatch, tmp_path):
    project = tmp_path / "android_demo"
    project.mkdir()
    (project / "settings.gradle.kts").write_text("")
    monkeypatch.chdir(tmp_path)
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        monkeypatch.delenv(variable, raising=False)
    one_line_error(invoke("build"), "Android SDK not found", "Android Studio")
    monkeypatch.setenv("ANDROID_HOME", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    one_line_error(invoke("build"), "Gradle not found")


@pytest.mark.skipif(shutil.which("adb") is None, reason="needs adb")
def test_install_of_a_missing_apk_is_a_one_line_error(tmp_path):
    one_line_error(invoke("install", "--apk", str(tmp_path / "none.apk")), "none.apk")
