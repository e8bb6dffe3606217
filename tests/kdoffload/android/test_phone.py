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
