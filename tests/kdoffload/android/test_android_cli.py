"""Every `kdoffload android` command through the real adb against emulated phones."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from tests.kdoffload.android.helpers import installed_phone, invoke, one_line_error, writing_launcher

runner = CliRunner()


def test_devices_lists_state_and_model(phones):
    serial, _ = phones()
    locked, _ = phones("locked", handshake="auth")
    result = invoke("devices")
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [serial, "device", "kdoffload_emulated"] in rows
    assert [locked, "unauthorized", "-"] in rows
    assert invoke("devices", "--serial", locked).stdout.split() == [locked, "unauthorized", "-"]


def test_push_checks_every_file_on_the_phone(phones, workdir, tmp_path):
    serial, phone = phones()
    result = invoke("push", "--profile", "chain6", "--serial", serial)
    assert result.exit_code == 0, result.stderr
    folder = phone.storage.root / "data/local/tmp/kdoffload/chain6"
    assert sorted(p.name for p in folder.iterdir()) == [  # the shipped int8 build unless told
        "bench_states.json", "student_xnnpack_int8.manifest.json", "student_xnnpack_int8.pte"]
    export = workdir / "runs/chain6/export/student_xnnpack_int8.pte"
    assert (folder / export.name).read_bytes() == export.read_bytes()
    again = invoke("push", "--profile", "chain6", "--serial", serial)  # nothing differs: no push
    assert again.exit_code == 0 and "push " not in again.stderr
    fp32 = invoke("push", "--profile", "chain6", "--quant", "fp32", "--serial", serial)
    assert fp32.exit_code == 0, fp32.stderr
    names = {p.name for p in folder.iterdir()}  # the app loads the one model in its folder
    assert "student_xnnpack_fp32.pte" in names and "student_xnnpack_int8.pte" not in names


def test_a_corrupted_push_is_caught_by_sha256(phones, workdir, monkeypatch):
    serial, _ = phones()
    from kdoffload.android.phone import sync

    real = sync.atomic_write
    monkeypatch.setattr(sync, "atomic_write",
                        lambda path, write: real(path, lambda f: (write(f), f.write(b"!"))))
    one_line_error(invoke("push", "--serial", serial), "sha256", "student_xnnpack_int8")


def test_push_refuses_a_manifest_the_app_runtime_cannot_load(phones, workdir):
    serial, _ = phones()
    manifest = workdir / "runs/chain6/export/student_xnnpack_int8.manifest.json"
    data = json.loads(manifest.read_text())
    data["export"]["executorch_version"] = "0.7.0"
    manifest.write_text(json.dumps(data))
    one_line_error(invoke("push", "--serial", serial), "executorch_version 0.7.0", "major.minor")


def bench_on(phones, tmp_path, launcher_path, *options):
    serial, phone = installed_phone(phones, tmp_path, launcher_path)
    result = invoke("bench", "--serial", serial, "--iters", "200", "--warmup", "20",
                    "--stream-tasks", "30", "--timeout", "120", *options)
    assert result.exit_code == 0, result.stderr
    return serial, phone, result


def test_bench_brings_home_the_phone_result_and_its_table(phones, workdir, tmp_path, app_launcher):
    serial, phone, result = bench_on(phones, tmp_path, app_launcher, "--threads", "2")
    saved = workdir / "runs/chain6/bench" / f"phone-{serial.replace(':', '_')}.json"
    data = json.loads(saved.read_text())
    assert data["emulated"] is True and "kdoffload-emulated" in data["deviceInfo"]["device"]
    times = [r for r in data["records"] if r["metric"] == "decision_times(us)"]
    assert len(times) == 1 and len(times[0]["values"]) == 200
    assert data["settings"]["threads"] == 2
    assert [r["actualValue"] for r in data["records"] if r["metric"] == "num_threads"] == [2]
    assert "| student guarded, emulated phone on the host: kdoffload-emulated |" \
        in result.stdout
    started = "\n".join(phone.storage.logcat({"ActivityManager"}))
    assert "--num-iter 200" in started and "--num-threads 2" in started
    assert "golden check" in "\n".join(phone.storage.logcat({"kdoffload"}))
    # Woken and kept on for the run, the stay-on setting put back as it was.
    assert phone.screen == {"awake": True, "locked": False}
    assert phone.settings[("global", "stay_on_while_plugged_in")] == "0"


def test_bench_sets_the_phone_rows_beside_the_host_rows(phones, workdir, tmp_path):
    host = {"path": "student .pte native", "runtime": "executorch-c++", "p50_us": 2.0, "p99_us": 3.0,
            "avg_inference_latency(ms)": 0.002, "trimmean_inference_latency(ms)": 0.002,
            "model_load_time(ms)": 1.0, "samples": 100}
    (workdir / "runs/chain6/bench").mkdir(parents=True)
    (workdir / "runs/chain6/bench/latency.json").write_text(json.dumps({"records": [host]}))
    _, _, result = bench_on(phones, tmp_path, writing_launcher(tmp_path / "app"))
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[1].startswith("| student .pte native | executorch-c++ | 2.00 | 3.00 |")
    assert rows[2].startswith("| student guarded, kdoffload-emulated | xnnpack int8 (phone) |")


def test_simulate_charges_decisions_at_the_phone_times(phones, workdir, tmp_path, app_launcher):
    serial, _, _ = bench_on(phones, tmp_path, app_launcher)
    saved = workdir / "runs/chain6/bench" / f"phone-{serial.replace(':', '_')}.json"
    result = runner.invoke(app, ["simulate", "--profile", "chain6", "--policies", "greedy",
                                 "--duration", "60", "--decision-time-from", str(saved)])
    assert result.exit_code == 0, result.stderr
    summary = json.loads((workdir / "runs/chain6/sim/run.json").read_text())["summaries"][0]
    measured = next(r["values"] for r in json.loads(saved.read_text())["records"]
                    if r["metric"] == "decision_times(us)")
    assert min(measured) <= summary["mean_decision_us"] <= max(measured)


def test_bench_without_the_app_says_install_it(phones, workdir):
    serial, _ = phones()
    one_line_error(invoke("bench", "--serial", serial), "not installed", "kdoffload android install")


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


@pytest.mark.skipif(shutil.which("adb") is None, reason="needs adb")
def test_install_of_a_missing_apk_is_a_one_line_error(tmp_path):
    one_line_error(invoke("install", "--apk", str(tmp_path / "none.apk")), "none.apk")


@pytest.mark.slow
def test_the_emulator_command_serves_adb(adb, tmp_path):
    """`kdoffload android emulator` in the foreground, through the installed entry point."""
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).parent / "kdoffload"
    server = subprocess.Popen([str(exe), "android", "emulator", "--port", str(port), "--sandbox",
                               str(tmp_path / "phone")], stdout=subprocess.PIPE, text=True)
    try:
        assert f"127.0.0.1:{port}" in server.stdout.readline()
        serial = f"127.0.0.1:{port}"
        subprocess.run([adb, "connect", serial], check=True, capture_output=True, timeout=30)
        for _ in range(100):
            said = subprocess.run([adb, "-s", serial, "shell", "getprop", "ro.kdoffload.emulated"],
                                  capture_output=True, text=True, timeout=30)
            if said.returncode == 0:
                break
            time.sleep(0.05)
        assert said.stdout.strip() == "1"
        subprocess.run([adb, "disconnect", serial], capture_output=True, timeout=30)
    finally:
        server.terminate()
        server.wait(timeout=30)
