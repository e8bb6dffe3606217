"""The emulated phone driven by the real adb: shell (plain and v2), push, pull, install."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from tests.kdoffload.android.helpers import write_apk


def run(adb, serial, *args, stdin=None):
    return subprocess.run([adb, "-s", serial, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("shell_v2", [True, False])
def test_push_pull_and_sha256_round_trip(adb, phones, tmp_path, shell_v2):
    serial, phone = phones(shell_v2=shell_v2)
    payload = bytes(range(256)) * 1500  # several WRTE packets and sync DATA chunks
    local = tmp_path / "blob.bin"
    local.write_bytes(payload)
    assert run(adb, serial, "push", str(local), "/data/local/tmp/x/blob.bin").returncode == 0
    assert (phone.storage.root / "data/local/tmp/x/blob.bin").read_bytes() == payload
    said = run(adb, serial, "shell", "toybox sha256sum /data/local/tmp/x/blob.bin").stdout
    assert said.split()[0] == hashlib.sha256(payload).hexdigest()
    assert run(adb, serial, "pull", "/data/local/tmp/x/blob.bin", str(tmp_path / "back")).returncode == 0
    assert (tmp_path / "back").read_bytes() == payload


def test_shell_v2_carries_the_exit_code_and_stderr(adb, phones):
    serial, _ = phones()
    missing = run(adb, serial, "shell", "sha256sum /data/nothing")
    assert missing.returncode == 1 and "No such file" in missing.stderr
    unknown = run(adb, serial, "shell", "frobnicate --now")
    assert unknown.returncode == 127 and "sh: frobnicate: not found" in unknown.stderr
    assert run(adb, serial, "shell", "getprop ro.product.model").stdout.strip() == "kdoffload-emulated"


def test_paths_cannot_leave_the_sandbox(adb, phones, tmp_path):
    serial, phone = phones()
    (phone.storage.root.parent / "secret").write_text("host file")
    escape = run(adb, serial, "shell", "cat /data/../../secret")
    assert escape.returncode != 0 and "host file" not in escape.stdout
    local = tmp_path / "f"
    local.write_text("x")
    assert run(adb, serial, "push", str(local), "/data/../../outside").returncode != 0
    assert not (phone.storage.root.parent / "outside").exists()
    (phone.storage.root / "data/local/tmp/link").symlink_to(phone.storage.root.parent)
    through_link = run(adb, serial, "shell", "cat /data/local/tmp/link/secret")
    assert through_link.returncode != 0 and "host file" not in through_link.stdout


@pytest.mark.parametrize("shell_v2", [True, False])  # streamed `cmd package install`; push + pm
def test_adb_install_registers_the_apk_package(adb, phones, tmp_path, shell_v2):
    serial, phone = phones(shell_v2=shell_v2)
    done = run(adb, serial, "install", "-r", str(write_apk(tmp_path / "app.apk")))
    assert "Success" in done.stdout, done.stdout + done.stderr
    assert phone.storage.installed() == ["org.kdoffload.demo"]
    assert run(adb, serial, "shell", "pm list packages").stdout.split() == ["package:org.kdoffload.demo"]
    (tmp_path / "bad.apk").write_bytes(b"not a zip")
    done = run(adb, serial, "install", "-r", str(tmp_path / "bad.apk"))
    assert "Success" not in done.stdout and "INSTALL_PARSE_FAILED_NOT_APK" in done.stdout + done.stderr


def test_run_as_needs_a_debuggable_package(adb, phones, tmp_path):
    serial, _ = phones()
    run(adb, serial, "install", "-r", str(write_apk(tmp_path / "app.apk", debuggable=False)))
    refused = run(adb, serial, "shell", "run-as org.kdoffload.demo ls files")
    assert refused.returncode == 1 and "run-as: package not debuggable: org.kdoffload.demo" in refused.stderr
    run(adb, serial, "install", "-r", str(write_apk(tmp_path / "app.apk")))
    assert run(adb, serial, "shell", "run-as org.kdoffload.demo ls files").returncode == 0


def test_install_checks_sdk_and_abi_with_the_package_manager_words(adb, phones, tmp_path):
    serial, _ = phones(sdk=27, abilist="x86_64")
    old = run(adb, serial, "install", "-r", str(write_apk(tmp_path / "a.apk")))
    assert "INSTALL_FAILED_OLDER_SDK" in old.stdout + old.stderr
    assert "Requires newer sdk version #28 (current version is #27)" in old.stdout + old.stderr
    arm = run(adb, serial, "install", "-r", str(write_apk(tmp_path / "b.apk", min_sdk=21, abis=("arm64-v8a",))))
    assert "INSTALL_FAILED_NO_MATCHING_ABIS" in arm.stdout + arm.stderr
    assert run(adb, serial, "shell", "getprop ro.product.cpu.abilist").stdout.strip() == "x86_64"


def test_am_start_refuses_an_ei_that_is_no_integer(adb, phones, tmp_path):
    serial, phone = phones()
    run(adb, serial, "install", "-r", str(write_apk(tmp_path / "app.apk")))
    done = run(adb, serial, "shell", "am start -n org.kdoffload.demo/.BenchActivity --ei num_iter lots")
    assert done.returncode == 255 and 'NumberFormatException: For input string: "lots"' in done.stderr
    assert phone.activities.pid("org.kdoffload.demo") is None


def test_the_wake_commands_change_the_screen(adb, phones):
    serial, phone = phones()
    for line in ("svc power stayon true", "input keyevent KEYCODE_WAKEUP", "wm dismiss-keyguard"):
        assert run(adb, serial, "shell", line).returncode == 0, line
    assert phone.screen == {"awake": True, "locked": False}
    assert run(adb, serial, "shell", "settings get global stay_on_while_plugged_in").stdout.strip() == "7"
    assert run(adb, serial, "shell", "svc power stayon sometimes").returncode != 0


def test_logcat_follows_until_a_line_matches(adb, phones):
    import threading

    serial, phone = phones()
    threading.Timer(0.3, lambda: [phone.storage.log("kdoffload", "I", "golden check: ok"),
                                  phone.storage.log("kdoffload", "I", "finished: results")]).start()
    done = run(adb, serial, "shell", "logcat -m 1 -e '^finished: ' -s kdoffload")
    assert done.stdout.strip().endswith("I kdoffload: finished: results"), done.stdout
